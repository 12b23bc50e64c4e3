"""Guided tours: the steps of `k9lite tour`, read from YAML files (default.yaml ships here)."""
