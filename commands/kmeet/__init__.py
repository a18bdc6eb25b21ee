"""``/kmeet`` (empty, ready): Infomaniak kMeet's own commands (planned conferences, calendars).

Its ``GROUP`` goes here, built on commands.framework and commands.lifecycle only; bot/runtime.py
adds it to the registry.
"""
