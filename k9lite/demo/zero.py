"""Each kind's empty object as Go's JSON encoder writes it: the fields without `omitempty`.

A watch BOOKMARK carries this skeleton with only a resourceVersion (recorded:
`{"metadata":{"creationTimestamp":null,...},"spec":{"containers":null},"status":{}}`), and
the field manager compares a created object against it: what the skeleton already has is not
"added" by the creator, so managedFields mark no `.` for it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["zero_object"]


def _template() -> dict[str, Any]:
    return {"metadata": {"creationTimestamp": None}, "spec": {"containers": None}}


def _zero_fields(kind: str) -> dict[str, Any]:
    if kind == "Pod":
        return {"spec": {"containers": None}, "status": {}}
    if kind == "Deployment":
        return {
            "spec": {"selector": None, "template": _template(), "strategy": {}},
            "status": {},
        }
    if kind == "ReplicaSet":
        return {"spec": {"selector": None, "template": _template()}, "status": {"replicas": 0}}
    if kind in ("Service", "Ingress"):
        return {"spec": {}, "status": {"loadBalancer": {}}}
    if kind in ("Namespace", "Node"):
        return {"spec": {}, "status": {}}
    if kind == "EndpointSlice":
        return {"addressType": "", "endpoints": None, "ports": None}
    if kind == "Event":
        return {
            "involvedObject": {},
            "source": {},
            "firstTimestamp": None,
            "lastTimestamp": None,
            "eventTime": None,
            "reportingComponent": "",
            "reportingInstance": "",
        }
    return {}


def zero_object(kind: str, api_version: str) -> dict[str, Any]:
    """A fresh empty `kind` object, with its type and an empty creationTimestamp."""
    return {
        "kind": kind,
        "apiVersion": api_version,
        "metadata": {"creationTimestamp": None},
        **_zero_fields(kind),
    }
