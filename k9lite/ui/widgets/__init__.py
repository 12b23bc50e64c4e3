"""Reusable widgets of the k9lite TUI."""
