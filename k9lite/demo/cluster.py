"""The demo cluster assembled: API server, controllers and data plane on one event loop.

`DemoCluster` runs it on a background thread for tests and for `k9lite --demo`; the
`k9lite demo-cluster` command runs the same thing in the foreground. Its options
(`demo/options.py`) and its parts on the loop (`demo/runtime.py`) are re-exported here, as
callers of `DemoCluster` use them.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import secrets
import ssl
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import trustme

from k9lite.demo.address_plan import AddressBlock, BlockClaim, claim_block
from k9lite.demo.kubeconfig_file import kubeconfig_document, write_private
from k9lite.demo.options import DemoOptions, DemoStartError, check_options
from k9lite.demo.rbac.users import TokenAuthenticator
from k9lite.demo.registry import resource
from k9lite.demo.runtime import ClusterRuntime

__all__ = [
    "ClusterRuntime",
    "DemoCluster",
    "DemoCredentials",
    "DemoOptions",
    "DemoStartError",
    "kubeconfig_document",
]

T = TypeVar("T")


def _serve(loop: asyncio.AbstractEventLoop) -> None:
    """The cluster thread: run the loop until stopped, then let closing connections finish."""
    asyncio.set_event_loop(loop)
    loop.run_forever()
    leftovers = asyncio.all_tasks(loop)
    for task in leftovers:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))
    # Closed transports release their sockets one loop iteration later.
    for _ in range(3):
        loop.run_until_complete(asyncio.sleep(0))
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()


@dataclass(frozen=True, slots=True)
class DemoCredentials:
    """The CA that signs the API server's certificate and the bearer token it accepts."""

    ca: trustme.CA
    token: str


class DemoCluster:
    """The demo cluster on a background thread, reached like any cluster through a kubeconfig.

    with DemoCluster() as cluster:
        subprocess.run(["kubectl", "--kubeconfig", cluster.kubeconfig_path, "get", "pods"])
    """

    def __init__(
        self,
        options: DemoOptions | None = None,
        *,
        kubeconfig_path: Path | None = None,
        credentials: DemoCredentials | None = None,
    ) -> None:
        """`credentials`: another cluster's CA and token (a restart with fresh state behind the
        same credentials); a new CA and token by default."""
        self.options = options or DemoOptions()
        check_options(self.options)
        self.credentials = credentials or DemoCredentials(
            trustme.CA(organization_name="k9lite demo cluster"), secrets.token_urlsafe(32)
        )
        self.token = self.credentials.token
        self._authenticator = TokenAuthenticator(self.token, self.options.users)
        self.user_tokens: dict[str, str] = self._authenticator.user_tokens
        """Each `--user` account's bearer token, by user name."""
        self._ca = self.credentials.ca
        self.ca_pem: bytes = self._ca.cert_pem.bytes()
        self._requested_kubeconfig = kubeconfig_path
        self._tempdir: tempfile.TemporaryDirectory[str] | None = None
        self.kubeconfig_path = Path()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runtime: ClusterRuntime | None = None
        self._claim: BlockClaim | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> DemoCluster:
        try:
            self._claim = claim_block(self.options.nodes)
        except OSError as exc:
            raise DemoStartError(
                f"no address block for this cluster: {exc.strerror or exc}"
            ) from None
        ssl_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._ca.issue_cert("127.0.0.1", "localhost").configure_cert(ssl_context)
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(
            target=_serve, args=(loop,), name="k9lite-demo-cluster", daemon=True
        )
        self._thread.start()
        runtime = self._runtime = ClusterRuntime(
            self.options,
            authenticator=self._authenticator,
            ssl_context=ssl_context,
            addresses=self._claim.block,
        )
        try:
            # A big `--scale` takes a while to create (about 10 s per 100,000 pods here).
            self._run(runtime.start(), timeout=60.0 + self.options.scale / 1000)
        except TimeoutError:
            self.stop()
            raise DemoStartError("the demo cluster did not start in time") from None
        except OSError as exc:
            self.stop()
            raise DemoStartError(
                f"cannot listen on 127.0.0.1:{self.options.port}: {exc.strerror or exc}"
            ) from None
        try:
            self._write_kubeconfig()
        except OSError as exc:
            self.stop()
            raise DemoStartError(
                f"cannot write the kubeconfig {exc.filename or ''}: {exc.strerror or exc}"
            ) from None
        return self

    def stop(self, timeout: float = 60.0) -> None:
        """Stop everything; past `timeout` seconds give up waiting (the thread is a daemon)."""
        if self._loop is None:
            return
        deadline = time.monotonic() + timeout
        if self._runtime is not None:
            with contextlib.suppress(concurrent.futures.TimeoutError):
                self._run(self._runtime.stop(), timeout)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=max(0.0, min(10.0, deadline - time.monotonic())))
        self._loop = None
        # Released once its listeners are closed: the next cluster may take the block.
        if self._claim is not None:
            self._claim.release()
            self._claim = None
        if self._tempdir is not None:
            self._tempdir.cleanup()
            self._tempdir = None

    def __enter__(self) -> DemoCluster:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _write_kubeconfig(self) -> None:
        path = self._requested_kubeconfig
        if path is None:
            self._tempdir = tempfile.TemporaryDirectory(prefix="k9lite-demo-")
            path = Path(self._tempdir.name) / "kubeconfig"
        # The kubeconfig holds the token: readable by its owner only.
        write_private(
            path, kubeconfig_document(self.url, self.ca_pem, self.token, self.user_tokens)
        )
        self.kubeconfig_path = path

    # -- access ---------------------------------------------------------------------------------

    @property
    def runtime(self) -> ClusterRuntime:
        if self._runtime is None:
            raise RuntimeError("the demo cluster is not running")
        return self._runtime

    @property
    def addresses(self) -> AddressBlock:
        """The block of loopback addresses this cluster holds while it runs."""
        return self.runtime.addresses

    @property
    def url(self) -> str:
        return self.runtime.server.url

    def _run(self, coro: Any, timeout: float = 60.0) -> Any:
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise

    def call(self, fn: Callable[[ClusterRuntime], T], timeout: float = 10.0) -> T:
        """Run `fn(runtime)` on the cluster's loop, where its state may be read or changed."""

        async def call() -> T:
            return fn(self.runtime)

        result: T = self._run(call(), timeout)
        return result

    def wait_settled(self, timeout: float = 15.0) -> bool:
        """Wait until every Deployment has all its replicas updated and ready; False at timeout.

        For one-shot commands on a fresh cluster (`k9lite route --demo`), which would otherwise
        catch pods still starting.
        """

        def settled(rt: ClusterRuntime) -> bool:
            for deployment in rt.store.iter(resource("Deployment")):
                wanted = deployment["spec"].get("replicas", 1)
                status = deployment.get("status") or {}
                if (
                    status.get("readyReplicas", 0) != wanted
                    or status.get("updatedReplicas", 0) != wanted
                    or status.get("replicas", 0) != wanted
                ):
                    return False
            return True

        deadline = time.monotonic() + timeout
        pause = threading.Event()
        while not self.call(settled):
            if time.monotonic() >= deadline:
                return False
            pause.wait(0.05)
        return True

    def summary(self) -> str:
        """What a user needs to drive the cluster: where it is, its nodes, what to try."""

        def describe(rt: ClusterRuntime) -> tuple[list[str], list[str], list[str]]:
            nodes = [
                f"{n['metadata']['name']} {n['status']['addresses'][0]['address']}"
                for n in rt.store.iter(resource("Node"))
            ]
            node_ports = [
                f"{s['metadata']['name']} :{p['nodePort']}"
                for s in rt.store.iter(resource("Service"), "default")
                for p in s["spec"].get("ports", ())
                if p.get("nodePort")
            ]
            mapped = (
                [
                    f"{h}:{p} -> {bh}:{bp}"
                    for (h, p), (bh, bp) in sorted(rt.dataplane.port_mappings.items())
                ]
                if rt.dataplane
                else []
            )
            return nodes, node_ports, mapped

        nodes, node_ports, mapped = self.call(describe)
        lines = [
            f"k9lite demo cluster at {self.url}",
            f"  scenarios: {', '.join(self.options.scenarios) or 'none'}"
            + (f"; {self.options.scale} extra pods" if self.options.scale else ""),
            f"  nodes: {', '.join(nodes[:6])}" + (" ..." if len(nodes) > 6 else ""),
            *(f"  {line}" for line in self.addresses.describe()),
            f"kubeconfig: {self.kubeconfig_path}",
            "",
            f"  export KUBECONFIG={self.kubeconfig_path}",
            "",
            "Try:",
            "  kubectl get nodes,deploy,svc,pods -o wide",
        ]
        lines.extend(
            f"  kubectl --context {user.name} get pods    # as {user.name}, bound to {user.role}"
            for user in self.options.users
        )
        if node_ports and len(nodes) > 1:
            worker = nodes[1].split()[1]
            port = node_ports[0].split(":")[-1]
            lines.append(f"  for i in $(seq 10); do curl -s {worker}:{port} | grep Hello; done")
        if self.options.dataplane and not self.runtime.dataplane.loopback_range:  # type: ignore[union-attr]
            lines.append(
                "Note: only 127.0.0.1 can be bound here: every node, pod and Service "
                "listens on 127.0.0.1 and ports are remapped."
            )
        if mapped:
            lines.append("Ports that could not be bound without privileges listen elsewhere:")
            lines.extend(f"  {m}" for m in mapped)
        lines.append("Ctrl+C stops it.")
        return "\n".join(lines)

    # -- fault switches -------------------------------------------------------------------------

    def restart_api_server(self) -> None:
        """Close every connection and listen again on the same port; objects are kept."""
        self._run(self.runtime.server.restart())

    def drop_watches(self) -> None:
        self.call(lambda rt: rt.store.close_watches())

    def expire_watch_history(self) -> None:
        """Forget the watch history and end every watch: resuming gets 410 Gone."""

        def expire(rt: ClusterRuntime) -> None:
            rt.store.compact()
            rt.store.close_watches()

        self.call(expire)

    def forbid(self, plural: str, forbidden: bool = True) -> None:
        """Make every request for `plural` (e.g. "nodes") answer 403 Forbidden, or stop doing so."""

        def switch(rt: ClusterRuntime) -> None:
            if forbidden:
                rt.server.faults.forbidden.add(plural)
            else:
                rt.server.faults.forbidden.discard(plural)

        self.call(switch)

    def set_latency(self, seconds: float) -> None:
        def switch(rt: ClusterRuntime) -> None:
            rt.server.faults.latency = seconds

        self.call(switch)
