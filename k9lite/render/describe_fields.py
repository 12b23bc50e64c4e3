"""The lines every `kubectl describe` text shares: name, labels, annotations, times, owner.

Each `add_*` appends tab-separated lines (see `render.tabwriter`) in kubectl's wording; free
text from the cluster is escaped as one line (`render.literal`) so it cannot shift a column.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from k9lite.model.meta import ObjectMeta
from k9lite.model.pods import Pod
from k9lite.render.literal import literal

__all__ = [
    "add_annotations",
    "add_controlled_by",
    "add_head",
    "add_labels",
    "add_pod_table",
    "describe_time",
    "or_none",
]

_ANNOTATION_WIDTH = 140  # kubectl cuts longer `key: value` annotation lines
_LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def describe_time(moment: datetime | None) -> str:
    """RFC 1123 with a numeric zone, as kubectl prints times: `Mon, 23 Nov 2026 00:06:48 +0000`."""
    if moment is None:
        return "<unknown>"
    day, month = _DAYS[moment.weekday()], _MONTHS[moment.month - 1]
    return f"{day}, {moment:%d} {month} {moment:%Y %H:%M:%S %z}".rstrip()


def or_none(text: str) -> str:
    """`<none>` where kubectl has nothing to print."""
    return text or "<none>"


def add_labels(lines: list[str], title: str, labels: Mapping[str, str], indent: str = "") -> None:
    """kubectl's printLabelsMultiline: one sorted `key=value` per line, `<none>` when empty."""
    pairs = [literal(f"{key}={labels[key]}") for key in sorted(labels)] or ["<none>"]
    lines.append(f"{indent}{title}:\t{pairs[0]}")
    lines.extend(f"{indent}\t{pair}" for pair in pairs[1:])


def add_annotations(lines: list[str], annotations: Mapping[str, str]) -> None:
    """`key: value` per line; kubectl hides last-applied-configuration and cuts long lines."""
    keys = [key for key in sorted(annotations) if key != _LAST_APPLIED]
    shown = [literal(_cut(f"{key}: {annotations[key]}")) for key in keys] or ["<none>"]
    lines.append(f"Annotations:\t{shown[0]}")
    lines.extend(f"\t{text}" for text in shown[1:])


def _cut(text: str) -> str:
    return text[:_ANNOTATION_WIDTH] + "..." if len(text) > _ANNOTATION_WIDTH else text


def add_head(lines: list[str], meta: ObjectMeta, *, namespaced: bool = True) -> None:
    """`Name:` and, for a namespaced object, `Namespace:`."""
    lines.append(f"Name:\t{literal(meta.name)}")
    if namespaced:
        lines.append(f"Namespace:\t{literal(meta.namespace)}")


def add_controlled_by(lines: list[str], meta: ObjectMeta) -> None:
    """`Controlled By: Kind/name` when the object has a controller."""
    owner = meta.controller
    if owner is not None:
        lines.append(f"Controlled By:\t{literal(f'{owner.kind}/{owner.name}')}")


def add_pod_table(lines: list[str], title: str, pods: list[Pod]) -> None:
    """k9lite's addition to Services and Deployments: which pods, how ready, where."""
    if not pods:
        lines.append(f"{title}:\t<none>")
        return
    lines += [f"{title}:", "  Name\tReady\tStatus\tIP\tNode", "  ----\t-----\t------\t--\t----"]
    for pod in pods:
        cells = (
            pod.meta.name,
            pod.ready_text,
            pod.status,
            or_none(pod.pod_ip),
            or_none(pod.node_name),
        )
        lines.append("  " + "\t".join(map(literal, cells)))
