"""Screens over the main view: text (describe, YAML), confirmations."""
