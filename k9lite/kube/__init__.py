"""I/O with a cluster: kubeconfig, list+watch into a state sink, and the actions the UI asks for.

Its modules are imported when a name is first asked for (PEP 562): a one-shot command that
imports `k9lite.kube.getter` does not pay for the official client the watchers use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from k9lite.kube.actions import delete, get_raw, scale
    from k9lite.kube.api import DEFAULT_KINDS
    from k9lite.kube.config import Connection, check_connection, load_connection
    from k9lite.kube.errors import (
        ActionFailed,
        ClusterUnreachable,
        Forbidden,
        InvalidKubeconfig,
        KubeError,
        NoKubeconfig,
        NotFound,
        TLSFailure,
        Unauthorized,
        UnknownContext,
    )
    from k9lite.kube.status import Trouble, headline
    from k9lite.kube.watch import ClusterWatcher, KindStatus, StateSink, Timeouts

__all__ = [
    "DEFAULT_KINDS",
    "ActionFailed",
    "ClusterUnreachable",
    "ClusterWatcher",
    "Connection",
    "Forbidden",
    "InvalidKubeconfig",
    "KindStatus",
    "KubeError",
    "NoKubeconfig",
    "NotFound",
    "StateSink",
    "TLSFailure",
    "Timeouts",
    "Trouble",
    "Unauthorized",
    "UnknownContext",
    "check_connection",
    "delete",
    "get_raw",
    "headline",
    "load_connection",
    "scale",
]

_HOMES = {
    "DEFAULT_KINDS": "api",
    **dict.fromkeys(("delete", "get_raw", "scale"), "actions"),
    **dict.fromkeys(("Connection", "check_connection", "load_connection"), "config"),
    **dict.fromkeys(("Trouble", "headline"), "status"),
    **dict.fromkeys(("ClusterWatcher", "KindStatus", "StateSink", "Timeouts"), "watch"),
}


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(f"{__name__}.{_HOMES.get(name, 'errors')}")
    return getattr(module, name)
