"""`fieldValidation`: what the fields of a write that its kind does not have make of it.

Followed source: apiserver pkg/endpoints/handlers (create.go, update.go, patch.go with
fieldValidation()): `Strict` refuses the write with a 400 naming each unknown field, as the
strict decoder words it; `Warn`, the default, sends one warning per field (`unknown field
"spec.foo"`), which kubectl prints; `Ignore` drops them silently. kubectl apply and create ask
for Strict unless told `--validate=false` or `--validate=warn`.
"""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from k9lite.demo.api_warnings import add_warning
from k9lite.demo.errors import bad_request
from k9lite.demo.openapi_schemas import unknown_fields
from k9lite.demo.resources import ResourceType

__all__ = ["check_fields", "check_patch_fields"]


def check_fields(request: web.BaseRequest, rt: ResourceType, body: Any) -> None:
    """Refuse or warn about the unknown fields of an object sent as it will be stored."""
    directive = request.query.get("fieldValidation", "Warn")
    if directive == "Ignore":
        return
    unknown = unknown_fields((rt.group, rt.version, rt.kind), body)
    if not unknown:
        return
    if directive == "Strict":
        words = ", ".join(f'unknown field "{path}"' for path in unknown)
        raise bad_request(
            f'{rt.kind} in version "{rt.version}" cannot be handled as a {rt.kind}: '
            f"strict decoding error: {words}"
        )
    for path in unknown:
        add_warning(request, f'unknown field "{path}"')


def check_patch_fields(request: web.BaseRequest, rt: ResourceType, body: bytes) -> None:
    """The same for a merge or strategic-merge patch, whose body has the object's shape (its
    `$` directives aside); a JSON patch names paths, not fields, and is not checked."""
    try:
        patch = orjson.loads(body)
    except orjson.JSONDecodeError:
        return  # the patch itself is refused as malformed
    if isinstance(patch, dict):
        check_fields(request, rt, patch)
