"""Helpers test modules share (instead of copying them): fast retry policy, waiting, spec files."""
