"""One team-scoped repository per aggregate (coroutines that never block the loop); ``db.storage.Storage`` holds one of each.

    storage.meetings.upcoming("T1", after=now, limit=10)   # every method takes the team id first
    storage.reminders.claim_due(now=now)                   # the one cross-team call
"""
