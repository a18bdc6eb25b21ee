"""The HTTP side: Starlette routes in front of Bolt, served by uvicorn (Socket Mode when an app token is set).

    app = create_app(settings)          # bot.http.app; POST /slack/events, GET /slack/install,
                                        #   GET /slack/oauth_redirect, GET /healthz (bot.http.routes)
    serve(settings, port=3000)          # bot.http.app
"""
