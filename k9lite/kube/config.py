"""Finding the cluster as kubectl does: --kubeconfig, KUBECONFIG, ~/.kube/config, in-cluster.

The official client's loaders do the work (`KubeConfigMerger`, `KubeConfigLoader`,
`InClusterConfigLoader`); this module adds kubectl's precedence rules and typed errors.
"""

from __future__ import annotations

import base64
import binascii
import copy
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import urllib3.exceptions
import yaml
from kubernetes.client import ApiClient, Configuration
from kubernetes.client.exceptions import ApiException
from kubernetes.config.config_exception import ConfigException
from kubernetes.config.incluster_config import (
    SERVICE_CERT_FILENAME,
    SERVICE_HOST_ENV_NAME,
    SERVICE_PORT_ENV_NAME,
    SERVICE_TOKEN_FILENAME,
)
from kubernetes.config.incluster_config import InClusterConfigLoader as _InClusterConfigLoader
from kubernetes.config.kube_config import KubeConfigLoader as _KubeConfigLoader
from kubernetes.config.kube_config import KubeConfigMerger as _KubeConfigMerger

from k9lite.kube.api import request
from k9lite.kube.errors import (
    ClusterUnreachable,
    InvalidKubeconfig,
    NoKubeconfig,
    Unauthorized,
    UnknownContext,
    transport_error,
)

__all__ = [
    "IN_CLUSTER_CONTEXT",
    "Connection",
    "check_connection",
    "context_names",
    "load_connection",
    "switch_context",
]

# The official loaders carry no annotations: call them through Any.
KubeConfigMerger: Any = _KubeConfigMerger
KubeConfigLoader: Any = _KubeConfigLoader
InClusterConfigLoader: Any = _InClusterConfigLoader

IN_CLUSTER_CONTEXT = "in-cluster"
SERVICE_ACCOUNT_DIR = Path(SERVICE_TOKEN_FILENAME).parent


@dataclass(frozen=True, slots=True)
class Connection:
    """One cluster as a context names it: where it is, who we are, and how to talk to it."""

    context: str
    server: str
    namespace: str
    """The context's namespace, "default" when it sets none (as kubectl)."""
    user: str
    source: str
    """The kubeconfig file(s) it came from, or "in-cluster"."""
    configuration: Any = field(repr=False, compare=False)
    """The official client's `Configuration`, fully loaded; copied for each client."""

    @property
    def insecure(self) -> bool:
        """insecure-skip-tls-verify: the server's certificate is not checked (the user chose it).

        urllib3's InsecureRequestWarning is silenced for it; a front end may say it once.
        """
        return not self.configuration.verify_ssl

    def api_client(self, *, single_attempt: bool = False) -> ApiClient:
        """A new `ApiClient` of its own (its own connection pool); the caller closes it.

        `single_attempt`: no urllib3 retries, for callers that bound their time and retry
        themselves (three silent retries would multiply every timeout by four).
        """
        configuration = copy.deepcopy(self.configuration)
        if single_attempt:
            configuration.retries = False
        return ApiClient(configuration=configuration)


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
    if paths:
        merger = _merge(paths)
        if merger.config.value.get("contexts") or context is not None:
            return _from_kubeconfig(merger, paths, context)
    # An empty or absent kubeconfig falls through to the pod's service account, as kubectl.
    if os.environ.get(SERVICE_HOST_ENV_NAME):
        return _in_cluster(os.environ)
    raise NoKubeconfig(searched)


def context_names(connection: Connection) -> list[str]:
    """The contexts of the kubeconfig files `connection` was read from (none in-cluster)."""
    if connection.context == IN_CLUSTER_CONTEXT:
        return []
    merger = _merge(connection.source.split(os.pathsep))
    return sorted(_value(c)["name"] for c in merger.config.value.get("contexts", []))


def switch_context(connection: Connection, context: str) -> Connection:
    """The connection of another context of the same kubeconfig files, as `:ctx NAME`."""
    if connection.context == IN_CLUSTER_CONTEXT:
        raise UnknownContext(context, [])
    paths = connection.source.split(os.pathsep)
    return _from_kubeconfig(_merge(paths), paths, context)


def _yaml_reason(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        return f"invalid YAML: {exc.problem} (line {mark.line + 1}, column {mark.column + 1})"
    return f"invalid YAML: {str(exc).splitlines()[0]}"


def _merge(paths: list[str]) -> Any:
    """The official merger over `paths`, file by file so an error names its file."""
    merger = KubeConfigMerger("")
    first_context: str | None = None
    for path in paths:
        try:
            with open(path, "rb") as handle:
                document = yaml.safe_load(handle)
        except OSError as exc:
            raise InvalidKubeconfig(path, exc.strerror or str(exc)) from None
        except yaml.YAMLError as exc:
            raise InvalidKubeconfig(path, _yaml_reason(exc)) from None
        if not isinstance(document, dict):
            raise InvalidKubeconfig(path, "not a kubeconfig (expected a mapping)")
        for section in ("clusters", "contexts", "users"):
            entries = document.get(section) or []
            if not isinstance(entries, list) or not all(
                isinstance(e, dict) and isinstance(e.get("name"), str) for e in entries
            ):
                raise InvalidKubeconfig(path, f"{section} must be a list of named entries")
        try:
            merger.load_config(path)
        except (ConfigException, yaml.YAMLError, OSError) as exc:
            raise InvalidKubeconfig(path, str(exc).splitlines()[0]) from None
        if first_context is None and document.get("current-context"):
            first_context = str(document["current-context"])
    # kubectl keeps the first current-context; the official merger keeps the last.
    merger.config.value["current-context"] = first_context or ""
    return merger


def _from_kubeconfig(merger: Any, paths: list[str], context: str | None) -> Connection:
    source = os.pathsep.join(paths)
    merged: dict[str, Any] = merger.config.value
    contexts = {_value(c)["name"]: c for c in merged.get("contexts", [])}
    name = context or merged.get("current-context") or ""
    if not name:
        raise InvalidKubeconfig(
            source, f"current-context is not set; choose one with --context ({', '.join(contexts)})"
        )
    if name not in contexts:
        raise UnknownContext(name, sorted(contexts))
    node = contexts[name]
    path = getattr(node, "path", None) or source
    details = _value(node).get("context")
    if not isinstance(details, dict):
        raise InvalidKubeconfig(path, f'context "{name}" names no cluster')
    for section, key in (("clusters", "cluster"), ("users", "user")):
        wanted = details.get(key)
        known = {_value(entry).get("name") for entry in merged.get(section) or []}
        # kubectl refuses a context whose cluster or user is not defined; no user is fine.
        if (wanted or key == "cluster") and wanted not in known:
            raise InvalidKubeconfig(path, f'{key} "{wanted or ""}" of context "{name}" not found')
    _check_base64(merged, details, path)
    configuration = Configuration()
    try:
        loader = KubeConfigLoader(
            config_dict=merger.config, active_context=name, config_base_path=None
        )
        loader.load_and_set(configuration)
    except ConfigException as exc:
        raise InvalidKubeconfig(path, _config_reason(str(exc))) from None
    except (binascii.Error, ValueError) as exc:
        raise InvalidKubeconfig(path, f"bad base64 data: {exc}") from None
    except OSError as exc:
        raise InvalidKubeconfig(path, f"{exc.strerror or exc}: {exc.filename}") from None
    if not configuration.host or configuration.host == Configuration().host:
        cluster = details.get("cluster", "")
        raise InvalidKubeconfig(path, f'cluster "{cluster}" has no server')
    if not configuration.verify_ssl:
        # insecure-skip-tls-verify is the user's choice: urllib3 would print a warning block
        # per request onto the terminal the TUI draws on. `Connection.insecure` tells the app.
        warnings.filterwarnings("ignore", category=urllib3.exceptions.InsecureRequestWarning)
    return Connection(
        context=name,
        server=configuration.host,
        namespace=str(details.get("namespace") or "default"),
        user=str(details.get("user") or ""),
        source=source,
        configuration=configuration,
    )


def _check_base64(merged: Mapping[str, Any], details: Mapping[str, Any], path: str) -> None:
    """Go decodes `*-data` strictly; Python's lenient decoder would hand TLS an empty file."""
    fields = (
        ("clusters", "cluster", "cluster", ("certificate-authority-data",)),
        ("users", "user", "user", ("client-certificate-data", "client-key-data")),
    )
    for section, key, body, names in fields:
        for entry in merged.get(section) or []:
            value = _value(entry)
            if value.get("name") != details.get(key) or not isinstance(value.get(body), dict):
                continue
            for name in names:
                data = value[body].get(name)
                if data is None:
                    continue
                try:
                    base64.b64decode(data, validate=True)
                except (binascii.Error, ValueError, TypeError):
                    raise InvalidKubeconfig(
                        path, f'bad base64 data in {name} of {key} "{value["name"]}"'
                    ) from None


def _value(node: Any) -> Mapping[str, Any]:
    """An entry of the merged config: a plain dict, or the merger's ConfigNode around one."""
    value = getattr(node, "value", node)
    return value if isinstance(value, Mapping) else {}


def _config_reason(message: str) -> str:
    # "Invalid kube-config file. Expected object with name X in kube-config/clusters list"
    text = message.splitlines()[0].removeprefix("Invalid kube-config file. ")
    return text.replace("kube-config/", "") or "unusable"


def _in_cluster(environ: Mapping[str, str]) -> Connection:
    """The pod's service account: KUBERNETES_SERVICE_HOST/PORT, its token and CA files."""
    directory = SERVICE_ACCOUNT_DIR
    token = directory / Path(SERVICE_TOKEN_FILENAME).name
    ca = directory / Path(SERVICE_CERT_FILENAME).name
    configuration = Configuration()
    try:
        InClusterConfigLoader(
            token_filename=str(token), cert_filename=str(ca), environ=environ
        ).load_and_set(configuration)
    except ConfigException as exc:
        raise InvalidKubeconfig(IN_CLUSTER_CONTEXT, str(exc)) from None
    except OSError as exc:
        raise InvalidKubeconfig(IN_CLUSTER_CONTEXT, f"{exc.strerror}: {exc.filename}") from None
    namespace_file = directory / "namespace"
    try:
        namespace = namespace_file.read_text().strip() or "default"
    except OSError:
        namespace = "default"
    return Connection(
        context=IN_CLUSTER_CONTEXT,
        server=configuration.host,
        namespace=namespace,
        user="serviceaccount",
        source=f"in-cluster ({environ.get(SERVICE_HOST_ENV_NAME)}:"
        f"{environ.get(SERVICE_PORT_ENV_NAME)})",
        configuration=configuration,
    )


def check_connection(connection: Connection, timeout: float = 5.0) -> str:
    """The server's version (`v1.31.0`), proving it answers and accepts our credentials.

    Raises `ClusterUnreachable`, `TLSFailure` or `Unauthorized`.
    """
    # One attempt: the caller wants a verdict within `timeout`, not urllib3's three retries.
    client: Any = connection.api_client(single_attempt=True)
    try:
        response = request(client, "GET", "/version", timeout=timeout)
        try:
            body = response.data
        finally:
            response.release_conn()
    except ApiException as exc:
        if exc.status == 401:
            raise Unauthorized(connection.server) from None
        typed = transport_error(connection.server, exc)
        if typed is not None:
            raise typed from None
        raise ClusterUnreachable(connection.server, f"HTTP {exc.status} {exc.reason}") from None
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        typed = transport_error(connection.server, exc)
        raise (typed or ClusterUnreachable(connection.server, str(exc))) from None
    finally:
        client.close()
    try:
        version = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise ClusterUnreachable(connection.server, "not a Kubernetes API server") from None
    if not isinstance(version, dict) or "gitVersion" not in version:
        raise ClusterUnreachable(connection.server, "not a Kubernetes API server")
    return str(version["gitVersion"])
