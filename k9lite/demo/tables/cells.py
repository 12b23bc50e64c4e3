"""Cell formatting the printers share: names, ages, labels, selectors and address lists."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from k9lite.demo.tables.durations import since

__all__ = [
    "Obj",
    "age_cell",
    "format_labels",
    "format_selector",
    "host_port",
    "layout_containers",
    "list_with_more",
    "load_balancer_addresses",
    "lookup",
    "name_cell",
    "selector_cell",
]

Obj = Mapping[str, Any]


def lookup(obj: Any, *path: str) -> Any:
    """The value at a path of nested JSON objects, or None where any step is missing."""
    for key in path:
        if not isinstance(obj, Mapping):
            return None
        obj = obj.get(key)
    return obj


def age_cell(obj: Obj, now: datetime) -> str:
    return since(lookup(obj, "metadata", "creationTimestamp"), "metadata.creationTimestamp", now)


def name_cell(obj: Obj) -> str:
    return str(lookup(obj, "metadata", "name") or "")


def format_labels(labels: Mapping[str, str] | None) -> str:
    """labels.FormatLabels: sorted `k=v` pairs joined by commas, `<none>` when empty."""
    return ",".join(f"{key}={labels[key]}" for key in sorted(labels)) if labels else "<none>"


def format_selector(selector: Obj | None) -> str | None:
    """metav1.LabelSelectorAsSelector(...).String(): requirements sorted by key, "" when empty.

    None when an expression has an unknown operator, which the API server's validation rejects.
    """
    labels = lookup(selector, "matchLabels") or {}
    requirements = [(key, f"{key}={value}") for key, value in labels.items()]
    for expression in lookup(selector, "matchExpressions") or []:
        key = expression.get("key", "")
        values = ",".join(sorted(expression.get("values") or []))
        text = {
            "In": f"{key} in ({values})",
            "NotIn": f"{key} notin ({values})",
            "Exists": key,
            "DoesNotExist": f"!{key}",
        }.get(expression.get("operator", ""))
        if text is None:
            return None
        requirements.append((key, text))
    return ",".join(text for _, text in sorted(requirements, key=lambda pair: pair[0]))


def selector_cell(selector: Obj | None) -> str:
    """metav1.FormatLabelSelector: `<none>` when empty, `<error>` when it cannot be parsed."""
    formatted = format_selector(selector)
    return "<error>" if formatted is None else formatted or "<none>"


def layout_containers(pod_spec: Any) -> list[str]:
    """The CONTAINERS and IMAGES cells: names and images joined by commas."""
    containers = lookup(pod_spec, "containers") or []
    return [
        ",".join(str(container.get("name", "")) for container in containers),
        ",".join(str(container.get("image", "")) for container in containers),
    ]


def list_with_more(items: list[str], empty: str) -> str:
    """At most three items, then `+ N more...`, as kubectl lists endpoints."""
    text = ",".join(items[:3])
    if len(items) > 3:
        return f"{text} + {len(items) - 3} more..."
    return text or empty


def host_port(host: str, port: Any) -> str:
    """net.JoinHostPort: IPv6 hosts are bracketed."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def load_balancer_addresses(status: Any) -> list[str]:
    """A sorted set of the load balancer's ingress IPs, else hostnames (wide: never clipped)."""
    found = {entry.get("ip") or entry.get("hostname") for entry in lookup(status, "ingress") or []}
    return sorted(address for address in found if address)
