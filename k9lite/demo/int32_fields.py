"""Numbers kube-apiserver cannot even decode: `spec.replicas` is an int32 in the Go types.

Before any validation runs, the server decodes the body into its Go struct; a replicas count
outside int32 fails there. A request body is then refused as 400 (rest/create.go and update.go,
transformDecodeError); a patch whose result does not decode as 422 on the field `patch`
(rest/patch.go, applyPatchToCurrentObject), both quoting Go's encoding/json error.
"""

from __future__ import annotations

from typing import Any

import orjson

from k9lite.demo.errors import APIError, bad_request

__all__ = ["INT32_MAX", "check_decodable_body", "check_decodable_patch"]

INT32_MAX = 2**31 - 1
_INT32_MIN = -(2**31)
# The Go struct that holds `spec` for each kind whose replicas are checked.
_SPEC_TYPES = {"Deployment": "DeploymentSpec", "ReplicaSet": "ReplicaSetSpec", "Scale": "ScaleSpec"}


def _decode_error(kind: str, obj: Any) -> str | None:
    """Go's error for an int32 `spec.replicas` that does not fit, or None when it decodes."""
    spec_type = _SPEC_TYPES.get(kind)
    spec = obj.get("spec") if isinstance(obj, dict) else None
    replicas = spec.get("replicas") if isinstance(spec, dict) else None
    if spec_type is None or not isinstance(replicas, int) or isinstance(replicas, bool):
        return None
    if _INT32_MIN <= replicas <= INT32_MAX:
        return None
    return (
        f"json: cannot unmarshal number {replicas} into Go struct field "
        f"{spec_type}.spec.replicas of type int32"
    )


def check_decodable_body(kind: str, version: str, obj: Any) -> None:
    """A create or update body: 400 BadRequest when it does not decode."""
    error = _decode_error(kind, obj)
    if error is not None:
        raise bad_request(f'{kind} in version "{version}" cannot be handled as a {kind}: {error}')


def check_decodable_patch(kind: str, patched: Any) -> None:
    """The result of a patch: 422 Invalid on `patch`, quoting the patched object, as the server."""
    error = _decode_error(kind, patched)
    if error is None:
        return
    value = orjson.dumps(patched).decode()
    cause = f"Invalid value: {orjson.dumps(value).decode()}: {error}"
    raise APIError(
        422,
        "Invalid",
        f' "" is invalid: patch: {cause}',
        details={"causes": [{"reason": "FieldValueInvalid", "message": cause, "field": "patch"}]},
    )
