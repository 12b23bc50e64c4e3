"""The shape of an API answer: what a client can tell apart, leaving out names, uids, times, IPs.

An answer is flattened to the set of its paths, each with the JSON types seen there (list items
share one `[]` step, so three pods and six pods have the same shape). Two shapes differ by the
paths only one side has (reported at the highest such path, not again for each child) and by
the paths whose types differ. `managedFields` keys of associative lists (`k:{"uid":"..."}`) keep
their key names and lose their values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

__all__ = ["Shape", "differences", "shape"]

Path = tuple[str, ...]
Shape = dict[Path, frozenset[str]]

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")


# bool before int: a bool is an int in Python. Integers and floats stay apart (a Go client
# refuses 30.0 for an int32 field).
_TYPES = (
    (bool, "boolean"),
    (int, "integer"),
    (float, "number"),
    (str, "string"),
    (list, "array"),
    (dict, "object"),
)


def _type(value: Any) -> str:
    if value is None:
        return "null"
    return next(name for kind, name in _TYPES if isinstance(value, kind))


def _key(key: str) -> str:
    """A managedFields key with the values of an associative list's key replaced by types."""
    if key.startswith("k:"):
        item = json.loads(key[2:])
        return "k:" + json.dumps({k: _type(v) for k, v in item.items()}, separators=(",", ":"))
    if key.startswith("v:"):
        return "v:*"
    return key


def _walk(value: Any, path: Path) -> Iterator[tuple[Path, str]]:
    yield path, _type(value)
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _walk(child, (*path, _key(key)))
    elif isinstance(value, list):
        for child in value:
            yield from _walk(child, (*path, "[]"))


def shape(value: Any) -> Shape:
    """Every path of `value` with the set of JSON types found there."""
    found: dict[Path, set[str]] = {}
    for path, type_ in _walk(value, ()):
        found.setdefault(path, set()).add(type_)
    return {path: frozenset(types) for path, types in found.items()}


def render(path: Path) -> str:
    """`items[].metadata.annotations["deployment.kubernetes.io/revision"]`."""
    out = ""
    for step in path:
        if step == "[]":
            out += "[]"
        elif _PLAIN_KEY.match(step):
            out += f".{step}" if out else step
        else:
            out += json.dumps([step])[1:-1].join("[]")
    return out or "(root)"


def differences(recorded: Shape, demo: Shape, where: str = "") -> list[str]:
    """What a client sees differ, one line each, the recording's view first."""
    lines = []
    for path in sorted(recorded.keys() | demo.keys()):
        parent = path[:-1]
        label = where + render(path)
        if path not in demo:
            if parent in demo:
                lines.append(f"missing {label}")
        elif path not in recorded:
            if parent in recorded:
                lines.append(f"extra {label}")
        elif recorded[path] != demo[path]:
            lines.append(
                f"type {label}: recorded {'|'.join(sorted(recorded[path]))}, "
                f"demo {'|'.join(sorted(demo[path]))}"
            )
    return lines
