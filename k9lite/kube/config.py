"""Finding the cluster as kubectl does: --kubeconfig, KUBECONFIG, ~/.kube/config, in-cluster.

A kubeconfig of the common kinds (one file; a token or a client certificate; a CA) is read by
`quick_config` and talked to by k9lite's own client (`api.DirectClient`), without importing the
official client: its import is a third of the app's time to its first screen. Every other one
(several files, exec and auth-provider plugins, proxies, in-cluster) is read by the official
client's loaders (`official_config`), with kubectl's precedence rules and typed errors.
"""

from __future__ import annotations

import copy
import os
import ssl
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Any

import orjson
import urllib3.exceptions

from k9lite.kube.api import ApiError, Client, DirectClient, OfficialClient, request_body
from k9lite.kube.errors import (
    ClusterUnreachable,
    InvalidKubeconfig,
    NoKubeconfig,
    Unauthorized,
    UnknownContext,
    transport_error,
)
from k9lite.kube.proxy import USER_AGENT, ProxyAccess
from k9lite.kube.quick_config import read_quick

__all__ = [
    "IN_CLUSTER_CONTEXT",
    "Connection",
    "check_connection",
    "context_names",
    "load_connection",
    "quiet_insecure_warnings",
    "switch_context",
]

IN_CLUSTER_CONTEXT = "in-cluster"


@dataclass(frozen=True)
class Connection:
    """One cluster as a context names it: where it is, who we are, and how to talk to it."""

    context: str
    server: str
    namespace: str
    """The context's namespace, "default" when it sets none (as kubectl)."""
    user: str
    source: str
    """The kubeconfig file(s) it came from, or "in-cluster"."""
    loader: Callable[[], Any] = field(repr=False, compare=False)
    """Makes the official client's `Configuration` (`configuration`), when it is first needed."""
    access: ProxyAccess | None = field(default=None, repr=False, compare=False)
    """The server, credentials and TLS of a kubeconfig `quick_config` read: k9lite's own
    client talks to it, and the official client is loaded only for what needs it."""

    @cached_property
    def configuration(self) -> Any:
        """The official client's `Configuration`, fully loaded; copied for each client."""
        return self.loader()

    @property
    def insecure(self) -> bool:
        """insecure-skip-tls-verify: the server's certificate is not checked (the user chose it).

        urllib3's InsecureRequestWarning is silenced for it; a front end may say it once.
        """
        if self.access is not None:
            return self.access.ssl_context.verify_mode == ssl.CERT_NONE
        return not self.configuration.verify_ssl

    def client(self, *, single_attempt: bool = False) -> Client:
        """A new client of its own (its own connection pool) for `api.request`; the caller
        closes it.

        `single_attempt`: no urllib3 retries, for callers that bound their time and retry
        themselves (three silent retries would multiply every timeout by four).
        """
        if self.access is not None:
            return DirectClient(self.access, single_attempt=single_attempt)
        return OfficialClient(self.api_client(single_attempt=single_attempt))

    def api_client(self, *, single_attempt: bool = False) -> Any:
        """A new official `ApiClient` (for its generated APIs and streams); the caller closes
        it. `single_attempt` as in `client`."""
        from kubernetes.client import ApiClient

        configuration = copy.deepcopy(self.configuration)
        if single_attempt:
            configuration.retries = False
        api_client = ApiClient(configuration=configuration)
        api_client.user_agent = USER_AGENT
        return api_client


def quiet_insecure_warnings() -> None:
    """insecure-skip-tls-verify is the user's choice: urllib3 would print a warning block per
    request onto the terminal the TUI draws on. `Connection.insecure` tells the app."""
    warnings.filterwarnings("ignore", category=urllib3.exceptions.InsecureRequestWarning)


def _default_kubeconfig() -> str:
    return os.path.join(os.path.expanduser("~"), ".kube", "config")


def load_connection(kubeconfig: str | None = None, context: str | None = None) -> Connection:
    """The connection kubectl would use with these flags.

    Precedence: `kubeconfig` (must exist), else every existing file of `KUBECONFIG` merged
    (the first file wins for each name and for current-context), else ~/.kube/config, else the
    in-cluster service account. Raises `NoKubeconfig`, `InvalidKubeconfig`, `UnknownContext`.
    """
    if kubeconfig is not None:
        path = os.path.expanduser(kubeconfig)
        if os.path.isdir(path):
            raise InvalidKubeconfig(kubeconfig, "is a directory, not a kubeconfig file")
        if not os.path.isfile(path):
            raise InvalidKubeconfig(kubeconfig, "no such file")
        paths, searched = [path], [kubeconfig]
    else:
        env = os.environ.get("KUBECONFIG", "")
        candidates = [p for p in env.split(os.pathsep) if p] if env else [_default_kubeconfig()]
        searched = candidates
        expanded = list(map(os.path.expanduser, candidates))
        # kubectl skips a KUBECONFIG entry that does not exist but fails on one it cannot read.
        for path in expanded:
            if os.path.isdir(path):
                raise InvalidKubeconfig(path, "is a directory, not a kubeconfig file")
        paths = [p for p in expanded if os.path.isfile(p)]
    quick = _quick(paths, context)
    if quick is not None:
        return quick
    from k9lite.kube import official_config as official

    if paths:
        merger = official.merge(paths)
        if merger.config.value.get("contexts") or context is not None:
            return official.from_kubeconfig(merger, paths, context)
    # An empty or absent kubeconfig falls through to the pod's service account, as kubectl.
    if os.environ.get(official.SERVICE_HOST_ENV_NAME):
        return official.in_cluster(os.environ)
    raise NoKubeconfig(searched)


def _quick(paths: list[str], context: str | None) -> Connection | None:
    """The connection of a one-file kubeconfig of the common kinds; None: the official loaders
    read it (and say what is wrong with it, if anything is)."""
    target = read_quick(Path(paths[0]), context) if len(paths) == 1 else None
    if target is None:
        return None
    connection = Connection(
        context=target.context,
        server=target.access.server,
        namespace=target.namespace,
        user=target.user,
        source=paths[0],
        loader=partial(_official_configuration, paths, target.context),
        access=target.access,
    )
    if connection.insecure:
        quiet_insecure_warnings()
    return connection


def _official_configuration(paths: list[str], context: str) -> Any:
    from k9lite.kube import official_config

    return official_config.configuration_of(paths, context)


def context_names(connection: Connection) -> list[str]:
    """The contexts of the kubeconfig files `connection` was read from (none in-cluster)."""
    if connection.context == IN_CLUSTER_CONTEXT:
        return []
    from k9lite.kube import official_config

    return official_config.context_names(connection.source.split(os.pathsep))


def switch_context(connection: Connection, context: str) -> Connection:
    """The connection of another context of the same kubeconfig files, as `:ctx NAME`."""
    if connection.context == IN_CLUSTER_CONTEXT:
        raise UnknownContext(context, [])
    paths = connection.source.split(os.pathsep)
    quick = _quick(paths, context)
    if quick is not None:
        return quick
    from k9lite.kube import official_config as official

    return official.from_kubeconfig(official.merge(paths), paths, context)


def check_connection(connection: Connection, timeout: float = 5.0) -> str:
    """The server's version (`v1.31.0`), proving it answers and accepts our credentials.

    Raises `ClusterUnreachable`, `TLSFailure` or `Unauthorized`.
    """
    # One attempt: the caller wants a verdict within `timeout`, not urllib3's three retries.
    with connection.client(single_attempt=True) as client:
        try:
            body = request_body(client, "GET", "/version", timeout=timeout)
        except ApiError as exc:
            if exc.status == 401:
                raise Unauthorized(connection.server) from None
            raise ClusterUnreachable(connection.server, f"HTTP {exc.status} {exc.reason}") from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            typed = transport_error(connection.server, exc)
            raise (typed or ClusterUnreachable(connection.server, str(exc))) from None
    try:
        version = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise ClusterUnreachable(connection.server, "not a Kubernetes API server") from None
    if not isinstance(version, dict) or "gitVersion" not in version:
        raise ClusterUnreachable(connection.server, "not a Kubernetes API server")
    return str(version["gitVersion"])
