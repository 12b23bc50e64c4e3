"""A kubeconfig read without the official client's loader, for the app and the one-shots.

`kubernetes.config` pulls in the whole client (oauthlib, requests, pydantic, the generated
models): 0.15-0.3 s before the first request, longer than kubectl's whole run. Most
kubeconfigs need none of it: one file, a context (`current-context` or --context) naming a
cluster (`server`, `certificate-authority[-data]`, `insecure-skip-tls-verify`) and a user
(`token`, `tokenFile`, `client-certificate[-data]` and `client-key[-data]`). Those are read
here, with kubectl's rules (relative paths from the file's directory, the context's namespace,
"default" when it has none).

Anything else returns None and the caller takes the official loader (`official_config`), which
keeps kubectl's semantics and errors for the rest: several KUBECONFIG files, exec and
auth-provider plugins, basic auth, proxy-url, tls-server-name, in-cluster, and any kubeconfig
this reader does not understand (a missing context, bad base64...: the official path says why).
"""

from __future__ import annotations

import base64
import binascii
import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from k9lite.kube.proxy import ProxyAccess

__all__ = ["QuickTarget", "quick_target", "read_quick"]

# libyaml's parser reads a kubeconfig in a twentieth of the pure-Python one's time.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CLUSTER_KEYS = {"server", "certificate-authority", "certificate-authority-data"}
_CLUSTER_KEYS |= {"insecure-skip-tls-verify", "extensions"}
_USER_KEYS = {"token", "tokenFile", "client-certificate", "client-certificate-data"}
_USER_KEYS |= {"client-key", "client-key-data", "extensions"}


@dataclass(frozen=True, slots=True)
class QuickTarget:
    """Where a one-shot goes: the API server as the kubeconfig's user, and the namespace."""

    access: ProxyAccess
    namespace: str
    """The context's namespace, "default" when it sets none (as kubectl)."""
    context: str = ""
    user: str = ""


def _kubeconfig_file(kubeconfig: str | None) -> Path | None:
    """The one file kubectl would read, or None when several (or none) are in play."""
    if kubeconfig is not None:
        path = Path(os.path.expanduser(kubeconfig))
    else:
        env = [p for p in os.environ.get("KUBECONFIG", "").split(os.pathsep) if p]
        if len(env) > 1:
            return None
        path = Path(os.path.expanduser(env[0] if env else "~/.kube/config"))
    return path if path.is_file() else None


def _named(document: Mapping[str, Any], section: str, name: object, body: str) -> Any:
    for entry in document.get(section) or ():
        if isinstance(entry, dict) and entry.get("name") == name:
            return entry.get(body)
    return None


def _data(value: object) -> bytes | None:
    """A `*-data` field, decoded as strictly as Go does; None when it does not decode."""
    if not isinstance(value, str):
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


def _ssl_context(cluster: Mapping[str, Any], user: Mapping[str, Any], base: Path) -> Any:
    """The TLS context kubectl would use, or None when a field is unusable here."""
    insecure = cluster.get("insecure-skip-tls-verify") is True
    ca_file, ca_data = (
        cluster.get("certificate-authority"),
        cluster.get("certificate-authority-data"),
    )
    # The cluster's CA alone when it names one, as client-go; the system's otherwise (loading
    # those is a tenth of a one-shot's time: only when needed).
    if ca_data is not None:
        decoded = _data(ca_data)
        if not decoded:
            return None
        context = ssl.create_default_context(cadata=decoded.decode("ascii", "replace"))
    elif isinstance(ca_file, str) and ca_file:
        context = ssl.create_default_context(cafile=str(base / os.path.expanduser(ca_file)))
    elif insecure:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    else:
        context = ssl.create_default_context()
    if insecure:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    certificate = _pem(user, "client-certificate", base)
    key = _pem(user, "client-key", base)
    if certificate is None or key is None:
        return None
    if certificate or key:
        if not (certificate and key):
            return None
        # ssl loads a certificate chain from files only: written privately, read, removed.
        import tempfile

        with tempfile.TemporaryDirectory(prefix="k9lite-") as scratch:
            cert_path, key_path = Path(scratch) / "cert", Path(scratch) / "key"
            cert_path.write_bytes(certificate)
            key_path.write_bytes(key)
            context.load_cert_chain(str(cert_path), str(key_path))
    return context


def _pem(user: Mapping[str, Any], field: str, base: Path) -> bytes | None:
    """A client certificate or key (b"" when there is none); None when it cannot be read."""
    if user.get(f"{field}-data") is not None:
        return _data(user[f"{field}-data"]) or None
    path = user.get(field)
    if not path:
        return b""
    try:
        return (base / os.path.expanduser(str(path))).read_bytes()
    except OSError:
        return None


def _token(user: Mapping[str, Any], base: Path) -> str | None:
    """The bearer token ("" for none); None when its file cannot be read."""
    if user.get("token"):
        return str(user["token"])
    path = user.get("tokenFile")
    if not path:
        return ""
    try:
        return (base / os.path.expanduser(str(path))).read_text().strip()
    except OSError:
        return None


def quick_target(kubeconfig: str | None, context: str | None) -> QuickTarget | None:
    """The target of the kubeconfig kubectl would read with these flags, when it is one of the
    common kinds (the module says which); None: use the official loader."""
    path = _kubeconfig_file(kubeconfig)
    return None if path is None else read_quick(path, context)


def read_quick(path: Path, context: str | None) -> QuickTarget | None:
    """The target of `context` (else the current one) in the kubeconfig file `path`, when it
    is one of the common kinds; None: use the official loader."""
    try:
        with path.open("rb") as handle:
            document = yaml.load(handle, Loader=_LOADER)
    except (OSError, yaml.YAMLError):
        return None
    if not isinstance(document, dict):
        return None
    name = context or document.get("current-context")
    details = _named(document, "contexts", name, "context") if name else None
    if not isinstance(details, dict):
        return None
    cluster = _named(document, "clusters", details.get("cluster"), "cluster")
    user = _named(document, "users", details.get("user"), "user") if details.get("user") else {}
    if not isinstance(cluster, dict) or not isinstance(user, dict):
        return None
    if set(cluster) - _CLUSTER_KEYS or set(user) - _USER_KEYS:
        return None  # exec, auth-provider, proxy-url, tls-server-name, username...
    server = cluster.get("server")
    if not isinstance(server, str) or not server.startswith("https://"):
        return None
    base = path.parent
    try:
        ssl_context = _ssl_context(cluster, user, base)
    except (OSError, ssl.SSLError, ValueError):
        return None
    token = _token(user, base)
    if ssl_context is None or token is None:
        return None
    headers = {"authorization": f"Bearer {token}"} if token else {}
    namespace = str(details.get("namespace") or "default")
    access = ProxyAccess(server.rstrip("/"), headers, ssl_context)
    return QuickTarget(access, namespace, str(name), str(details.get("user") or ""))
