"""``/whereby`` (empty, ready): Whereby's own commands (rooms, recordings, insights).

Its ``GROUP`` goes here, built on commands.framework and commands.lifecycle only; bot/runtime.py
adds it to the registry.
"""
