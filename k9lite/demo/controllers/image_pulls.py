"""Images the demo cannot pull, and how the kubelet reports a pull that fails.

The rule a teacher triggers (`kubectl run x --image=nosuch/img`, `kubectl set image deploy/web
web=nginx:does-not-exist`): an image is missing when a part of its repository path starts with
`nosuch`, or its tag is `missing` or `does-not-exist`. Every other image pulls.
"""

from __future__ import annotations

import zlib
from typing import Any

__all__ = [
    "go_duration",
    "image_size",
    "missing_image",
    "pull_error",
    "pulls",
    "reference",
    "set_waiting",
]

_MISSING_TAGS = ("missing", "does-not-exist")


def pulls(container: dict[str, Any]) -> bool:
    """imagePullPolicy Always (the default for `:latest` or no tag): the kubelet pulls."""
    return container.get("imagePullPolicy") == "Always" and bool(container.get("image"))


def image_size(image: str) -> int:
    """A size for an image, the same every time for one name."""
    return 2_000_000 + zlib.crc32(image.encode()) % 100_000_000


def go_duration(seconds: float) -> str:
    """A duration as Go's time.Duration prints it: 812.4ms, 1.5s."""
    if seconds >= 1:
        return f"{seconds:.9f}".rstrip("0").rstrip(".") + "s"
    if seconds >= 0.001:
        return f"{seconds * 1000:.6f}".rstrip("0").rstrip(".") + "ms"
    return f"{seconds * 1_000_000:.3f}".rstrip("0").rstrip(".") + "µs"


def reference(image: str) -> tuple[str, str]:
    """The repository (without a registry: docker.io, library/ for one-part names) and tag, as
    containerd normalises a reference (distribution's ParseNormalizedNamed)."""
    name = image.split("@", 1)[0]
    repository, _, tag = name.rpartition(":") if ":" in name.rsplit("/", 1)[-1] else (name, "", "")
    parts = repository.split("/")
    if len(parts) == 1 or not ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = ["docker.io", *(["library"] if len(parts) == 1 else []), *parts]
    return "/".join(parts), tag or "latest"


def missing_image(image: str) -> bool:
    """Whether the demo's registries lack `image` (see the module's rule)."""
    repository, tag = reference(image)
    return tag in _MISSING_TAGS or any(p.startswith("nosuch") for p in repository.split("/"))


def pull_error(image: str) -> str:
    """containerd's error for a missing image: an unknown tag is NotFound, an unknown
    repository is an access denied (Docker Hub does not say which)."""
    repository, tag = reference(image)
    named = f"{repository}:{tag}"
    prefix = f'failed to pull and unpack image "{named}": failed to resolve reference "{named}"'
    if tag in _MISSING_TAGS:
        return f"rpc error: code = NotFound desc = {prefix}: {named}: not found"
    return (
        f"rpc error: code = Unknown desc = {prefix}: pull access denied, repository does not "
        "exist or may require authorization: server message: insufficient_scope: "
        "authorization failed"
    )


def set_waiting(pod: dict[str, Any], waiting: dict[str, tuple[str, str]]) -> None:
    """A started-looking status back to Pending: no container runs; those in `waiting` wait
    with (reason, message), the others are still being created."""
    status = pod["status"]
    status["phase"] = "Pending"
    for entry in status.get("containerStatuses") or []:
        reason, message = waiting.get(entry["name"], ("ContainerCreating", ""))
        entry.pop("containerID", None)
        entry.update(
            imageID="",
            ready=False,
            started=False,
            state={"waiting": {"reason": reason, **({"message": message} if message else {})}},
        )
