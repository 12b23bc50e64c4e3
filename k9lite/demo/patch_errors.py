"""The errors of applying a PATCH, each answered with kube-apiserver's status and message."""

from __future__ import annotations

__all__ = ["MalformedPatch", "PatchError", "UnsupportedPatchType"]


class PatchError(ValueError):
    """The patch is malformed or cannot apply to the object; the message says why."""


class UnsupportedPatchType(PatchError):
    """The server does not take patches of this media type (server-side apply among them)."""


class MalformedPatch(PatchError):
    """The body is not a patch of its type at all (not JSON, or not an object or array)."""
