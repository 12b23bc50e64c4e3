"""The schemas of the built-in kinds: served as OpenAPI v3 (kubectl explain) and used to find the
fields a request names that its kind does not have (field validation).

The source is kubernetes-validate's copy of Kubernetes' own definitions (generated from the
official OpenAPI spec, with every description, type and required field) for the release the
demo says it is. Served in a group-version's document as kube-apiserver serves them: under
`components.schemas`, references as `allOf: [{$ref}]` beside their description, each top-level
kind marked with `x-kubernetes-group-version-kind`.
"""

from __future__ import annotations

import functools
import importlib.resources
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

__all__ = ["component_schemas", "unknown_fields"]

_REF = "#/$defs/"
GVK = tuple[str, str, str]


@functools.cache
def _definitions() -> dict[str, Any]:
    """The definitions of the newest release the package has (the demo says it is 1.37)."""
    root = importlib.resources.files("kubernetes_validate") / "kubernetes-json-schema"
    releases = [d for d in root.iterdir() if d.name.endswith("-local")]
    newest = max(releases, key=lambda d: tuple(int(n) for n in d.name[1:-6].split(".")))
    definitions: dict[str, Any] = orjson.loads((newest / "_definitions.json").read_bytes())
    return dict(definitions["$defs"])


@functools.cache
def _kinds() -> dict[GVK, str]:
    """(group, version, kind) -> the name of its definition, read off the apiVersion and kind
    each top-level definition allows."""
    found: dict[GVK, str] = {}
    for name, schema in _definitions().items():
        properties = schema.get("properties") or {}
        versions = (properties.get("apiVersion") or {}).get("enum") or ()
        kinds = (properties.get("kind") or {}).get("enum") or ()
        for api_version in versions:
            group, _, version = api_version.rpartition("/")
            for kind in kinds:
                found.setdefault((group, version, kind), name)
    return found


def component_schemas(kinds: Iterable[GVK]) -> dict[str, Any]:
    """`components.schemas` for these kinds: their definitions and every one they reach."""
    wanted = {gvk: name for gvk in kinds if (name := _kinds().get(gvk))}
    schemas: dict[str, Any] = {}
    pending = list(wanted.values())
    while pending:
        name = pending.pop()
        if name in schemas:
            continue
        schema = _definitions()[name]
        schemas[name] = _converted(schema)
        pending.extend(_references(schema))
    for (group, version, kind), name in wanted.items():
        schema = schemas[name]
        schema["x-kubernetes-group-version-kind"] = [
            {"group": group, "kind": kind, "version": version}
        ]
        for field in ("apiVersion", "kind"):  # restricted here only to find the kinds
            schema["properties"][field].pop("enum", None)
    return schemas


def _references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(_REF):
                yield value.removeprefix(_REF)
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _references(item)


def _converted(node: Any) -> Any:
    """JSON Schema to OpenAPI 3.0 as Kubernetes writes it: one type, refs in allOf."""
    if isinstance(node, list):
        return [_converted(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "type" and isinstance(value, list):
            types = [t for t in value if t != "null"]
            if types:
                out["type"] = types[0]
        elif key == "$ref" and isinstance(value, str):
            reference = {"$ref": "#/components/schemas/" + value.removeprefix(_REF)}
            if len(node) == 1:
                return reference
            out["allOf"] = [reference]
        else:
            out[key] = _converted(value)
    return out


def unknown_fields(gvk: GVK, obj: Any) -> list[str]:
    """The paths of the fields in `obj` that kind `gvk` does not have (`spec.foo`,
    `spec.containers[0].bar`), in document order; [] for a kind without a schema."""
    name = _kinds().get(gvk)
    if name is None:
        return []
    found: list[str] = []
    _walk(_definitions()[name], obj, "", found)
    return found


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = _definitions()[schema["$ref"].removeprefix(_REF)]
    return schema


def _walk(schema: dict[str, Any], value: Any, path: str, found: list[str]) -> None:
    schema = _resolve(schema)
    if schema.get("x-kubernetes-preserve-unknown-fields"):
        return
    if isinstance(value, dict):
        properties = schema.get("properties")
        extra = schema.get("additionalProperties")
        for key, child in value.items():
            where = f"{path}.{key}" if path else key
            if properties is not None and key in properties:
                _walk(properties[key], child, where, found)
            elif isinstance(extra, dict):
                _walk(extra, child, where, found)
            elif properties is not None and not key.startswith("$"):
                # ($-keys are a strategic-merge patch's directives, not fields)
                found.append(where)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            _walk(schema["items"], item, f"{path}[{index}]", found)
