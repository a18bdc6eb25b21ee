"""``/roomful`` (empty, ready): meetings, slots, availability.

Its ``GROUP`` goes here, one module per subcommand family, built on commands.framework and
commands.lifecycle only; bot/runtime.py adds it to the registry.
"""
