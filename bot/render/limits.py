"""Slack's size limits for what we render (Block Kit reference); longer values are cut, not refused.

    {"type": "plain_text", "text": label[:BUTTON_TEXT]}
"""

from __future__ import annotations

SECTION_TEXT = 3000  # a section block's text
SECTION_FIELDS = 10  # fields in one section block
ACTIONS_ELEMENTS = 25  # elements in one actions block
# Block Kit reference, "Overflow menu element": 2 to 5 options, each option's text at most 75 characters.
OVERFLOW_OPTIONS = 5
OPTION_TEXT = 75
BUTTON_TEXT = 75  # a button's or an option's plain_text
CONFIRM_TITLE = 100  # a confirmation dialog's title
CONFIRM_TEXT = 300  # its text
CONFIRM_BUTTON = 30  # its confirm and deny labels
NOTIFICATION_TEXT = 300  # our own cap on the push/screen-reader fallback, not Slack's
INPUT_LABEL = 2000  # an input block's label and hint
MODAL_TITLE = 24  # a modal's title, submit and close texts
HOME_BLOCKS = 100  # blocks in a Home tab view
