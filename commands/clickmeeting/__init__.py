"""``/clickmeeting`` (empty, ready): rooms, tokens, invitations, sessions, reports, ...

Its ``GROUP`` (nested groups such as ``room new``) goes here, one module per subcommand family,
built on commands.framework and commands.lifecycle only; bot/runtime.py adds it to the registry.
"""
