"""A pod's status as its kubelet writes it: conditions, and the running state of a started pod."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from k9lite.demo.controllers.image_pulls import reference
from k9lite.demo.registry import resource
from k9lite.demo.store import Store, clone
from k9lite.demo.timestamps import now_rfc3339

__all__ = ["current_copy", "internal_ip", "mark_running", "set_condition", "sync_ready_conditions"]


def current_copy(store: Store, pod: dict[str, Any]) -> dict[str, Any] | None:
    """A copy of `pod` as stored now, to write its status; None once it is gone or replaced
    (another pod of the same name has another uid)."""
    meta = pod["metadata"]
    current = store.find(resource("Pod"), meta["namespace"], meta["name"])
    if current is None or current["metadata"]["uid"] != meta["uid"]:
        return None
    copy: dict[str, Any] = clone(current)
    return copy


def set_condition(
    pod: dict[str, Any], type_: str, status: str, *, reason: str = "", message: str = ""
) -> None:
    """Set one condition of a pod's status, replacing the one of that type."""
    conditions = pod.setdefault("status", {}).setdefault("conditions", [])
    conditions[:] = [c for c in conditions if c.get("type") != type_]
    condition = {
        "type": type_,
        "status": status,
        "lastProbeTime": None,
        "lastTransitionTime": now_rfc3339(),
    }
    if reason:
        condition["reason"] = reason
        condition["message"] = message
    conditions.append(condition)


def sync_ready_conditions(pod: dict[str, Any]) -> None:
    """Ready and ContainersReady from the containers' `ready` (status.generateAPIPodStatus)."""
    statuses = pod.get("status", {}).get("containerStatuses") or []
    unready = [s["name"] for s in statuses if not s.get("ready")]
    for condition in ("Ready", "ContainersReady"):
        if unready:
            message = f"containers with unready status: [{' '.join(unready)}]"
            set_condition(pod, condition, "False", reason="ContainersNotReady", message=message)
        else:
            set_condition(pod, condition, "True")


def internal_ip(node: dict[str, Any]) -> str | None:
    """The node's InternalIP (its pods' hostIP, its NodePorts' address); None without one."""
    for address in node.get("status", {}).get("addresses", ()):
        if address.get("type") == "InternalIP":
            value: str = address["address"]
            return value
    return None


def mark_running(pod: dict[str, Any], node: dict[str, Any], ip: str) -> None:
    """Give a bound pod its IP and a Running, Ready status, as its kubelet reports it."""
    host_ip = internal_ip(node)
    started = now_rfc3339()
    status = pod.setdefault("status", {})
    status.update(
        {
            "phase": "Running",
            # Left out by a node that has no address, as the kubelet's omitempty leaves them.
            **({"hostIP": host_ip, "hostIPs": [{"ip": host_ip}]} if host_ip else {}),
            "podIP": ip,
            "podIPs": [{"ip": ip}],
            "startTime": started,
        }
    )
    for condition in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady"):
        set_condition(pod, condition, "True")
    status["containerStatuses"] = [
        {
            "name": c["name"],
            "image": c.get("image", ""),
            "imageID": _image_id(c.get("image", "")),
            "containerID": f"containerd://{secrets.token_hex(32)}",
            "ready": True,
            "started": True,
            "restartCount": 0,
            "lastState": {},
            "state": {"running": {"startedAt": started}},
        }
        for c in pod["spec"].get("containers", ())
    ]


def _image_id(image: str) -> str:
    """The image's digest, as the runtime reports it: the normalised repository, without its
    tag, at the digest (`registry.k8s.io/pause@sha256:…`, `docker.io/library/nginx@sha256:…`);
    one per image (not per container), as a registry's content digest is, so every pod of an
    image holds the one string (sharing.py). An image named by its digest keeps that digest."""
    repository, _ = reference(image)
    _, at, digest = image.partition("@")
    if not at:
        digest = f"sha256:{hashlib.sha256(image.encode()).hexdigest()}"
    return f"{repository}@{digest}"
