"""The Slack shell: the only code that imports slack_bolt / slack_sdk.

    app, shell = build_bolt_app(settings, runtime)     # bot.slack.app: AsyncApp, listeners registered

app (Bolt app, modes, Web API client), listeners (ack, then the work in a task), sink (the one
SlackSink that posts), directory (users.info, membership), installations (OAuth installations and
state in the db).
"""
