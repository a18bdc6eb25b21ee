"""The core: text and form values in, Replies (plain data) out; no slack_bolt here.

framework/ is what every command group is built from, lifecycle/ what every meeting shares, and
each other package is one slash command exporting its ``GROUP``; bot/runtime.py lists the groups.
Feature packages never import each other.
"""
