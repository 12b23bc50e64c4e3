"""A container's environment as the kubelet builds it.

kubelet pkg/kubelet/kubelet_pods.go makeEnvironmentVariables: PATH and HOSTNAME, then the
Service links (pkg/kubelet/envvars/envvars.go FromServices: the `kubernetes` Service of
`default`, and with enableServiceLinks every Service of the pod's namespace that has a
ClusterIP), then the container's own `env` values, which win.
"""

from __future__ import annotations

from typing import Any

from k9lite.demo.container.commands import PodIdentity
from k9lite.demo.registry import resource
from k9lite.demo.store import Store

__all__ = ["pod_identity"]

_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def pod_identity(store: Store, pod: dict[str, Any], container: dict[str, Any]) -> PodIdentity:
    spec, meta = pod.get("spec") or {}, pod["metadata"]
    hostname = spec.get("hostname") or meta["name"]
    env = {"PATH": _PATH, "HOSTNAME": hostname}
    services = [
        svc
        for svc in store.iter(resource("Service"), meta.get("namespace", "default"))
        if spec.get("enableServiceLinks", True) or svc["metadata"]["name"] == "kubernetes"
    ]
    master = store.find(resource("Service"), "default", "kubernetes")
    if master is not None and master not in services:
        services.append(master)
    for svc in services:
        env.update(_service_links(svc))
    for var in container.get("env") or ():
        if "value" in var or "valueFrom" not in var:
            env[var["name"]] = str(var.get("value", ""))
    env["HOME"] = "/root"
    ip = (pod.get("status") or {}).get("podIP", "")
    return PodIdentity(hostname, ip, env)


def _service_links(svc: dict[str, Any]) -> dict[str, str]:
    spec = svc.get("spec") or {}
    ip = spec.get("clusterIP")
    ports = spec.get("ports") or []
    if not ip or ip == "None" or not ports:
        return {}
    name = svc["metadata"]["name"].upper().replace("-", "_")
    first = ports[0]
    links = {
        f"{name}_SERVICE_HOST": ip,
        f"{name}_SERVICE_PORT": str(first["port"]),
        f"{name}_PORT": f"{first.get('protocol', 'TCP').lower()}://{ip}:{first['port']}",
    }
    for port in ports:
        protocol = port.get("protocol", "TCP")
        if port.get("name"):
            links[f"{name}_SERVICE_PORT_{port['name'].upper().replace('-', '_')}"] = str(
                port["port"]
            )
        prefix = f"{name}_PORT_{port['port']}_{protocol.upper()}"
        links[prefix] = f"{protocol.lower()}://{ip}:{port['port']}"
        links[f"{prefix}_PROTO"] = protocol.lower()
        links[f"{prefix}_PORT"] = str(port["port"])
        links[f"{prefix}_ADDR"] = ip
    return links
