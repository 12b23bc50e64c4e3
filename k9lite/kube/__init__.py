"""I/O with a cluster: kubeconfig, list+watch into a state sink, and the actions the UI asks for."""

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
