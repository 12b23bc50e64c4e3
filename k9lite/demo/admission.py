"""What kube-apiserver's admission plugins and the pod strategy add to a Pod being created.

Recorded on a real server (pods.json): the ServiceAccount plugin names the `default` account and
mounts its projected token volume in every container, DefaultTolerationSeconds adds 300 s
tolerations of not-ready and unreachable nodes, Priority sets priority 0 with the default
preemption policy, and the strategy's PrepareForCreate computes status.qosClass.
"""

from __future__ import annotations

from typing import Any

__all__ = ["admit_pod", "qos_class"]

TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
# The token's lifetime: an hour, plus the 7 s the plugin adds so clients refresh in time.
_TOKEN_SECONDS = 3607
_TOLERATED_TAINTS = ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")


def _token_volume(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "projected": {
            "defaultMode": 0o644,
            "sources": [
                {"serviceAccountToken": {"expirationSeconds": _TOKEN_SECONDS, "path": "token"}},
                {
                    "configMap": {
                        "name": "kube-root-ca.crt",
                        "items": [{"key": "ca.crt", "path": "ca.crt"}],
                    }
                },
                {
                    "downwardAPI": {
                        "items": [
                            {
                                "path": "namespace",
                                "fieldRef": {
                                    "apiVersion": "v1",
                                    "fieldPath": "metadata.namespace",
                                },
                            }
                        ]
                    }
                },
            ],
        },
    }


def _containers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        c
        for field in ("initContainers", "containers")
        for c in spec.get(field) or ()
        if isinstance(c, dict)
    ]


def _mount_token(spec: dict[str, Any], suffix: str) -> None:
    """The ServiceAccount plugin: a `kube-api-access-XXXXX` volume, mounted read-only."""
    if spec.get("automountServiceAccountToken") is False:
        return
    containers = _containers(spec)
    if any(
        m.get("mountPath") == TOKEN_MOUNT_PATH
        for c in containers
        for m in c.get("volumeMounts") or ()
        if isinstance(m, dict)
    ):
        return
    name = f"kube-api-access-{suffix}"
    spec["volumes"] = [*(spec.get("volumes") or ()), _token_volume(name)]
    for container in containers:
        mount = {"name": name, "readOnly": True, "mountPath": TOKEN_MOUNT_PATH}
        container["volumeMounts"] = [*(container.get("volumeMounts") or ()), mount]


def _tolerate_node_problems(spec: dict[str, Any]) -> None:
    """DefaultTolerationSeconds: 300 s on a not-ready or unreachable node before eviction."""
    tolerations = [t for t in spec.get("tolerations") or () if isinstance(t, dict)]
    for key in _TOLERATED_TAINTS:
        if not any(t.get("key") == key or not t.get("key") for t in tolerations):
            tolerations.append(
                {
                    "key": key,
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": 300,
                }
            )
    spec["tolerations"] = tolerations


def qos_class(spec: dict[str, Any]) -> str:
    """GetPodQOS: Guaranteed when every container's cpu and memory requests equal limits."""
    containers = _containers(spec)
    resources = [c.get("resources") or {} for c in containers]
    if not any(r.get("requests") or r.get("limits") for r in resources):
        return "BestEffort"
    for r in resources:
        limits = r.get("limits") or {}
        # Requests default to limits; a container without both cpu and memory limits is not
        # Guaranteed.
        requests = {**limits, **(r.get("requests") or {})}
        for key in ("cpu", "memory"):
            if limits.get(key) is None or requests.get(key) != limits[key]:
                return "Burstable"
    return "Guaranteed"


def admit_pod(pod: dict[str, Any], suffix: str) -> None:
    """Apply the admission results and create-time status to `pod` in place."""
    spec = pod.get("spec")
    if not isinstance(spec, dict):
        return
    account = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
    spec["serviceAccountName"] = account
    # The deprecated alias is still written, as the real server does.
    spec["serviceAccount"] = account
    _mount_token(spec, suffix)
    _tolerate_node_problems(spec)
    if not spec.get("priorityClassName"):
        spec.setdefault("priority", 0)
    spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
    status = pod.get("status")
    if isinstance(status, dict):
        status["qosClass"] = qos_class(spec)
