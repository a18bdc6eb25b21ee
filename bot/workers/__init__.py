"""Work that runs beside the listeners: delivering Replies through a sink, and the reminder tick.

    await deliver(reply, sink, team_id="T1", requester="U1", services=services)   # bot.workers.delivery
    scheduler = start_scheduler(services, sink_for_team, every=5.0)                # bot.workers.reminders
"""
