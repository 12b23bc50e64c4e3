"""ValidateObjectMeta: the name, namespace, labels and annotations every object carries."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from k9lite.demo.validation.checker import Checker
from k9lite.model.names import is_dns1123_label

__all__ = ["validate_object_meta"]


def _mask_trailing_dash(name: str) -> str:
    # apimachinery's maskTrailingDash really replaces the last two characters with "a".
    return name[:-2] + "a" if len(name) > 1 and name.endswith("-") else name


def validate_object_meta(
    check: Checker, obj: Mapping[str, Any], name_check: Callable[[str], list[str]]
) -> None:
    """ValidateObjectMeta: name (or generateName prefix), namespace, labels, annotations."""
    meta = check.mapping(obj, "metadata", "metadata")
    name = check.text(meta, "name", "metadata.name")
    prefix = check.text(meta, "generateName", "metadata.generateName")
    if prefix:
        check.each_invalid("metadata.generateName", prefix, name_check(_mask_trailing_dash(prefix)))
    if name:
        check.each_invalid("metadata.name", name, name_check(name))
    elif not prefix:
        check.required("metadata.name", "name or generateName is required")
    namespace = check.text(meta, "namespace", "metadata.namespace")
    if namespace:
        check.each_invalid("metadata.namespace", namespace, is_dns1123_label(namespace))
    check.labels(check.string_map(meta, "labels", "metadata.labels"), "metadata.labels")
    check.annotations(meta, "metadata.annotations")
