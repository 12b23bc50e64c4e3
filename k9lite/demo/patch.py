"""PATCH bodies applied as kube-apiserver applies them: JSON patch, merge patch, strategic merge.

The media type picks the patch type; strategic merge lives in `demo/strategic_merge.py`, with
the merge lists of each built-in kind in `demo/patch_schemas.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import jsonpatch
import orjson

from k9lite.demo.patch_errors import MalformedPatch, PatchError, UnsupportedPatchType
from k9lite.demo.patch_schemas import schema_for
from k9lite.demo.store import clone
from k9lite.demo.strategic_merge import strategic_merge

__all__ = [
    "JSON_PATCH",
    "MERGE_PATCH",
    "STRATEGIC_MERGE_PATCH",
    "MalformedPatch",
    "PatchError",
    "UnsupportedPatchType",
    "apply_patch",
]

MERGE_PATCH: Final = "application/merge-patch+json"
JSON_PATCH: Final = "application/json-patch+json"
STRATEGIC_MERGE_PATCH: Final = "application/strategic-merge-patch+json"


def apply_patch(
    content_type: str, original: Mapping[str, Any], body: bytes, *, kind: str
) -> dict[str, Any]:
    """The object after applying `body` (a patch of `content_type`) to `original`, which is left
    untouched. `kind` picks the strategic-merge metadata; the other patch types ignore it."""
    media_type = content_type.partition(";")[0].strip().lower()
    if media_type not in (MERGE_PATCH, JSON_PATCH, STRATEGIC_MERGE_PATCH):
        raise UnsupportedPatchType(
            f"the media type {media_type!r} is not supported: use {JSON_PATCH}, {MERGE_PATCH} "
            f"or {STRATEGIC_MERGE_PATCH}"
        )
    try:
        patch = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise MalformedPatch(f"the patch body is not valid JSON: {error}") from None
    if media_type == JSON_PATCH:
        return _apply_json_patch(clone(dict(original)), patch)
    if not isinstance(patch, dict):
        raise MalformedPatch(f"a {media_type} body must be a JSON object")
    if media_type == MERGE_PATCH:
        merged: dict[str, Any] = _json_merge(clone(dict(original)), patch)
        return merged
    return strategic_merge(original, patch, schema_for(kind))


def _apply_json_patch(document: dict[str, Any], operations: Any) -> dict[str, Any]:
    """RFC 6902, as `kubectl patch --type=json` sends it."""
    if not isinstance(operations, list):
        raise MalformedPatch("a JSON patch body must be a JSON array of operations")
    try:
        result = jsonpatch.JsonPatch(operations).apply(document, in_place=True)
    except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as error:
        raise PatchError(f"the JSON patch cannot be applied: {error}") from None
    if not isinstance(result, dict):
        raise PatchError("the JSON patch must leave a JSON object")
    return result


def _json_merge(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge key by key, null deletes a key, any other value replaces."""
    if not isinstance(patch, dict):
        return patch
    result = target if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = _json_merge(result.get(key), value)
    return result
