"""Replies → Block Kit (Slack) and → readable text (console): the only place that knows either format.

    blocks = message_blocks(message)                       # bot.render.blocks
    view = modal_view(modal, private_metadata="{}")        # bot.render.modals
    print(message_text(message, zone=ZoneInfo("UTC")))     # bot.render.text

Slack's size limits live in ``limits``; each module imports what it renders from there.
"""
