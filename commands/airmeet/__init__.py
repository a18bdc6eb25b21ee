"""``/airmeet`` (empty, ready): events, speakers, sessions, booths, the landing page.

Its ``GROUP`` (nested groups such as ``speaker add``) goes here, one module per subcommand family,
built on commands.framework and commands.lifecycle only; bot/runtime.py adds it to the registry.
"""
