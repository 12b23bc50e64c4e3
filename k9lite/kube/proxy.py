"""The API server's service and pod proxies, for an HTTP client other than the official one.

`GET /api/v1/namespaces/NS/services/NAME:PORT/proxy/PATH` reaches a Service from wherever the API
server is reachable: the server forwards each request to a random ready endpoint (503 when
there is none) and needs the `services/proxy` permission; `.../pods/NAME:PORT/proxy/PATH`
reaches one pod's port (`pods/proxy`). The credentials and TLS settings are
the kubeconfig's, as the official client loaded them (a bearer token, a client certificate, the
cluster's CA).
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote

from k9lite import __version__

if TYPE_CHECKING:
    from k9lite.kube.config import Connection

__all__ = ["USER_AGENT", "ProxyAccess", "proxy_access"]

USER_AGENT = f"k9lite/{__version__}"
"""What k9lite's own requests say they come from (the server names their field manager so)."""


@dataclass(frozen=True, slots=True)
class ProxyAccess:
    """How to call the API server as the kubeconfig's user: its URL, headers and TLS context."""

    server: str
    headers: Mapping[str, str]
    ssl_context: ssl.SSLContext = field(repr=False)

    def service_url(
        self, namespace: str, name: str, port: int | str, path: str = "/", scheme: str = ""
    ) -> str:
        """The proxy URL of a Service port (a number or a port name) and a path; `scheme`
        "https" has the API server speak TLS to the pod."""
        return self._url(namespace, "services", name, port, path, scheme)

    def pod_url(
        self, namespace: str, name: str, port: int, path: str = "/", scheme: str = ""
    ) -> str:
        """The pod proxy's URL of a pod's port and a path (needs `get` on pods/proxy)."""
        return self._url(namespace, "pods", name, port, path, scheme)

    def _url(
        self, namespace: str, plural: str, name: str, port: int | str, path: str, scheme: str
    ) -> str:
        # `[scheme:]name:port`, as kube-apiserver splits it (utilnet.SplitSchemeNamePort).
        who = f"{scheme}:{name}" if scheme else name
        where = f"{quote(namespace, safe='')}/{plural}/{quote(who, safe=':')}:{port}"
        path = path if path.startswith("/") else "/" + path
        return f"{self.server}/api/v1/namespaces/{where}/proxy{path}"


def proxy_access(connection: Connection | ProxyAccess) -> ProxyAccess:
    """The connection's server, credentials and TLS settings, for httpx (a kubeconfig read
    without the official client has them already)."""
    if isinstance(connection, ProxyAccess):
        return connection
    if connection.access is not None:
        return connection.access
    configuration = connection.configuration
    headers = {
        setting["key"]: setting["value"]
        for setting in configuration.auth_settings().values()
        if setting.get("in") == "header" and setting.get("value")
    }
    context = ssl.create_default_context(cafile=configuration.ssl_ca_cert or None)
    if configuration.cert_file:
        context.load_cert_chain(configuration.cert_file, configuration.key_file or None)
    if not configuration.verify_ssl:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return ProxyAccess(str(configuration.host).rstrip("/"), headers, context)
