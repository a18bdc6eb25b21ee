"""The App Home tab as a ``views.publish`` view.

    await client.views_publish(user_id=user_id, view=home_view(home))
"""

from __future__ import annotations

from typing import Any

from bot.render import limits
from bot.render.blocks import message_blocks
from commands.framework.replies import Home


def home_view(home: Home) -> dict[str, Any]:
    """Each section rendered like a message, dividers between them, cut at Slack's block limit."""
    blocks: list[dict[str, Any]] = []
    for index, section in enumerate(home.sections):
        if index:
            blocks.append({"type": "divider"})
        blocks.extend(message_blocks(section))
    return {"type": "home", "blocks": blocks[:limits.HOME_BLOCKS]}
