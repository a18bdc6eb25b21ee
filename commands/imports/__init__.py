"""Bulk imports (empty, ready): CSV rows → typed commands with per-row errors; resumable import jobs.

Each row is read into a subcommand's argument model (commands.framework.arguments), so a row's
errors are the same sentences the slash command gives.
"""
