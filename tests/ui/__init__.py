"""Pilot and unit tests of the k9lite TUI."""
