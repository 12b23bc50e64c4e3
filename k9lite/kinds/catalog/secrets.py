"""Secrets: shown from the server's Table (NAME TYPE DATA AGE); their values are never on
screen unless asked for: YAML and describe show each value's size."""

from __future__ import annotations

from k9lite.kinds.base import Kind
from k9lite.model.resources import Resource

KIND = Kind(Resource("", "v1", "secrets", "Secret", True, "secret"), "Secrets", conceal_values=True)
