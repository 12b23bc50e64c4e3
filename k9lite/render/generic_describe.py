"""Any object described as kubectl's generic describer prints it (custom resources, ConfigMaps,
Jobs...): the identity, then every field with its name spelled out, nested by indentation.

A Secret's values are never printed: each shows as its size, as `kubectl describe secret` does.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import re
from collections.abc import Mapping
from typing import Any

from k9lite.render.describe_fields import add_annotations, add_labels
from k9lite.render.literal import literal
from k9lite.render.tabwriter import align

__all__ = ["conceal", "decode_values", "describe_raw"]

_HEAD = ("metadata", "apiVersion", "kind")
_DATA_MAPS = frozenset({"data", "stringData", "binaryData", "labels", "annotations", "matchLabels"})
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z0-9]+|[A-Z]+")


def _title(key: str) -> str:
    """`creationTimestamp` -> `Creation Timestamp`, as kubectl's describer spells fields."""
    words = _WORD.findall(key)
    return " ".join(w[:1].upper() + w[1:] for w in words) if words else key


def _secret_sizes(data: Any, encoded: bool) -> dict[str, str]:
    sizes: dict[str, str] = {}
    for key, value in (data or {}).items():
        size = len(str(value))
        if encoded:
            with contextlib.suppress(binascii.Error, ValueError):
                size = len(base64.b64decode(str(value), validate=True))
        sizes[key] = f"{size} bytes"
    return sizes


def _lines(value: Any, indent: int, out: list[str], *, verbatim: bool = False) -> None:
    """Fields spelled out (`Creation Timestamp`); the keys of maps that are data (labels,
    a ConfigMap's `data`) as they are."""
    pad = "  " * indent
    if isinstance(value, Mapping):
        for key, item in value.items():
            label = str(key) if verbatim else _title(str(key))
            if isinstance(item, Mapping | list) and item:
                out.append(f"{pad}{label}:")
                _lines(item, indent + 1, out, verbatim=str(key) in _DATA_MAPS)
            else:
                out.append(f"{pad}{label}:  {_scalar(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, Mapping | list):
                _lines(item, indent, out)
            else:
                out.append(f"{pad}{_scalar(item)}")
    else:
        out.append(f"{pad}{_scalar(value)}")


def _scalar(value: Any) -> str:
    if value is None or value in ({}, []):
        return "<none>" if value is None else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _strings(found: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, Mapping) else {}


def _sized(raw: Mapping[str, Any], template: str) -> dict[str, Any]:
    """A Secret with each value of `data` and `stringData` replaced by its size in `template`."""
    found = dict(raw)
    for key, encoded in (("data", True), ("stringData", False)):
        if isinstance(found.get(key), Mapping):
            sizes = _secret_sizes(found[key], encoded)
            found[key] = {k: template.format(size) for k, size in sizes.items()}
    return found


def describe_raw(raw: Mapping[str, Any], *, conceal_values: bool = False) -> str:
    """The description of an object given as the server's JSON; with `conceal_values` (a
    Secret), `data` and `stringData` show each key's size only."""
    meta = raw.get("metadata") or {}
    head = [f"Name:\t{literal(str(meta.get('name', '')))}"]
    if meta.get("namespace"):
        head.append(f"Namespace:\t{literal(str(meta['namespace']))}")
    add_labels(head, "Labels", _strings(meta.get("labels")))
    add_annotations(head, _strings(meta.get("annotations")))
    head += [
        f"API Version:\t{literal(str(raw.get('apiVersion', '')))}",
        f"Kind:\t{literal(str(raw.get('kind', '')))}",
    ]
    body = {k: v for k, v in raw.items() if k not in _HEAD}
    lines: list[str] = []
    _lines(_sized(body, "{}") if conceal_values else body, 0, lines)
    return "\n".join([align(head).rstrip("\n"), *(literal(line) for line in lines)])


def conceal(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A Secret with each value of `data` and `stringData` replaced by its size."""
    return _sized(raw, "<hidden: {}>")


def decode_values(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A Secret with each value of `data` decoded from base64 (text as text, else its size)."""
    found = dict(raw)
    data = found.get("data")
    if isinstance(data, Mapping):
        decoded: dict[str, str] = {}
        for key, value in data.items():
            try:
                decoded[key] = base64.b64decode(str(value), validate=True).decode("utf-8")
            except (binascii.Error, ValueError):
                decoded[key] = f"<{_secret_sizes({key: value}, True)[key]} of binary data>"
        found["data"] = decoded
    return found
