"""API errors as kube-apiserver reports them: an HTTP code and a `Status` object."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from k9lite.demo.resources import ResourceType

__all__ = [
    "APIError",
    "already_exists",
    "bad_request",
    "conflict",
    "forbidden",
    "gone",
    "invalid",
    "invalid_options",
    "not_found",
    "too_large_resource_version",
]


class APIError(Exception):
    """A request the server refuses; `status()` is the body it answers with."""

    def __init__(
        self, code: int, reason: str, message: str, *, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details

    def status(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if self.details is not None:
            body["details"] = self.details
        return body


def _details(rt: ResourceType, name: str) -> dict[str, Any]:
    details: dict[str, Any] = {"name": name, "kind": rt.plural}
    if rt.group:
        details["group"] = rt.group
    return details


def not_found(rt: ResourceType, name: str) -> APIError:
    return APIError(
        404, "NotFound", f'{rt.qualified} "{name}" not found', details=_details(rt, name)
    )


def already_exists(rt: ResourceType, name: str) -> APIError:
    return APIError(
        409, "AlreadyExists", f'{rt.qualified} "{name}" already exists', details=_details(rt, name)
    )


def conflict(rt: ResourceType, name: str) -> APIError:
    return APIError(
        409,
        "Conflict",
        f'Operation cannot be fulfilled on {rt.qualified} "{name}": the object has been '
        "modified; please apply your changes to the latest version and try again",
        details=_details(rt, name),
    )


def invalid(
    rt: ResourceType, name: str, message: str, causes: Sequence[tuple[str, str, str]]
) -> APIError:
    """422: `causes` are (field, message, reason) triples, as validation found them."""
    details = _details(rt, name)
    details["kind"] = rt.kind
    details["causes"] = [{"reason": r, "message": m, "field": f} for f, m, r in causes]
    return APIError(422, "Invalid", message, details=details)


def invalid_options(
    kind: str, name: str, causes: Sequence[tuple[str, str, str]], *, group: str = ""
) -> APIError:
    """422 for an options struct (ListOptions, PatchOptions, PodLogOptions), as
    errors.NewInvalid(GroupKind, name, errs) words it; `causes` are (field, message, reason)."""
    listed = [f"{field}: {message}" for field, message, _ in causes]
    summary = listed[0] if len(listed) == 1 else f"[{', '.join(listed)}]"
    qualified = f"{kind}.{group}" if group else kind
    details: dict[str, Any] = {"name": name, "group": group, "kind": kind}
    details = {key: value for key, value in details.items() if value}  # omitempty
    details["causes"] = [
        {"reason": reason, "message": message, **({"field": field} if field else {})}
        for field, message, reason in causes
    ]
    return APIError(422, "Invalid", f'{qualified} "{name}" is invalid: {summary}', details=details)


def bad_request(message: str) -> APIError:
    return APIError(400, "BadRequest", message)


def gone(message: str) -> APIError:
    return APIError(410, "Expired", message)


def too_large_resource_version(requested: int, current: int) -> APIError:
    """504 Timeout, cause ResourceVersionTooLarge: storage.NewTooLargeResourceVersionError."""
    return APIError(
        504,
        "Timeout",
        f"Timeout: Too large resource version: {requested}, current: {current}",
        details={
            "causes": [
                {"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}
            ],
            # resourceVersionTooHighRetrySeconds
            "retryAfterSeconds": 1,
        },
    )


def forbidden(group: str, resource: str, name: str, reason: str) -> APIError:
    """403 as apierrors.NewForbidden words it: `RESOURCE[.GROUP] ["NAME"] is forbidden: REASON`."""
    qualified = f"{resource}.{group}" if group else resource
    if not qualified:
        message = f"forbidden: {reason}"
    elif name:
        message = f'{qualified} "{name}" is forbidden: {reason}'
    else:
        message = f"{qualified} is forbidden: {reason}"
    # StatusDetails: every field is omitempty, so a non-resource request answers `details: {}`.
    details = {
        key: value for key, value in (("name", name), ("group", group), ("kind", resource)) if value
    }
    return APIError(403, "Forbidden", message, details=details)
