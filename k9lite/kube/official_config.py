"""The official client's kubeconfig loaders, with kubectl's rules and typed errors.

`config.load_connection` comes here for every kubeconfig `quick_config` does not read (several
files, exec and auth-provider plugins, in-cluster...), and for those it does when the official
`Configuration` is first needed (a port-forward): the official client costs 0.15-0.2 s to import.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from kubernetes.client import Configuration
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

from k9lite.kube.config import IN_CLUSTER_CONTEXT, Connection, quiet_insecure_warnings
from k9lite.kube.errors import InvalidKubeconfig, UnknownContext

__all__ = [
    "SERVICE_HOST_ENV_NAME",
    "configuration_of",
    "context_names",
    "from_kubeconfig",
    "in_cluster",
    "merge",
]

# The official loaders carry no annotations: call them through Any.
KubeConfigMerger: Any = _KubeConfigMerger
KubeConfigLoader: Any = _KubeConfigLoader
InClusterConfigLoader: Any = _InClusterConfigLoader

SERVICE_ACCOUNT_DIR = Path(SERVICE_TOKEN_FILENAME).parent


def configuration_of(paths: list[str], context: str) -> Any:
    """The official `Configuration` of `context` in `paths`: for a connection `quick_config`
    read, when it is first asked for one."""
    return from_kubeconfig(merge(paths), paths, context).configuration


def context_names(paths: list[str]) -> list[str]:
    """The contexts of the kubeconfig files `paths`, merged as kubectl merges them."""
    return sorted(_value(c)["name"] for c in merge(paths).config.value.get("contexts", []))


def _yaml_reason(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        return f"invalid YAML: {exc.problem} (line {mark.line + 1}, column {mark.column + 1})"
    return f"invalid YAML: {str(exc).splitlines()[0]}"


def merge(paths: list[str]) -> Any:
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


def from_kubeconfig(merger: Any, paths: list[str], context: str | None) -> Connection:
    """The connection of `context` (else the current one) in the files `merge` read."""
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
        quiet_insecure_warnings()
    return Connection(
        context=name,
        server=configuration.host,
        namespace=str(details.get("namespace") or "default"),
        user=str(details.get("user") or ""),
        source=source,
        loader=lambda: configuration,
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


def in_cluster(environ: Mapping[str, str]) -> Connection:
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
        loader=lambda: configuration,
    )
