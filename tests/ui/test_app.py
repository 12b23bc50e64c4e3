"""The app against the demo cluster: live views, kubectl beside it, faults, actions."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import yaml
from textual.pilot import Pilot
from textual.widgets import Static

from k9lite.demo.cluster import DemoCluster
from k9lite.kube.config import load_connection
from k9lite.ui.app import K9liteApp
from k9lite.ui.browser import Browser
from k9lite.ui.navigator import AppOptions
from k9lite.ui.screens.ask import AskScreen
from k9lite.ui.screens.confirm import ScaleScreen
from k9lite.ui.screens.pick import PickScreen
from k9lite.ui.screens.text_screen import TextScreen
from k9lite.ui.widgets.status_header import StatusHeader
from tests.conftest import Kubectl
from tests.ui.screen import screen_lines, screen_text, static_text

T = TypeVar("T")
SIZE = (160, 45)


async def until(condition: Callable[[], T | None], *, timeout: float = 5.0, what: str) -> T:
    """Wait for `condition` while the app runs; fail saying `what` after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    last: T | None = None
    while asyncio.get_running_loop().time() < deadline:
        last = condition()
        if last:
            return last
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}; last: {last!r}")


def make_app(cluster: DemoCluster, **options: object) -> K9liteApp:
    connection = load_connection(str(cluster.kubeconfig_path))
    return K9liteApp(AppOptions(connection, "default", **options))  # type: ignore[arg-type]


def rows(app: K9liteApp) -> dict[str, tuple[str, ...]]:
    table = app.query_one(Browser).table
    return {key: tuple(str(c) for c in table.get_row(key) or ()) for key in table.visible_keys()}


def column(app: K9liteApp, label: str) -> int:
    return [c.label for c in app.query_one(Browser).table.columns].index(label)


async def drill_into(app: K9liteApp, pilot: Pilot[None], key: str) -> None:
    """Enter on the row `key` once it shows: its pods (a Service's, a Deployment's...)."""
    await until(lambda: key in rows(app), what=key)
    app.query_one(Browser).table.move_cursor(key=key)
    await pilot.press("enter")


async def show(app: K9liteApp, pilot: object, command: str) -> None:
    app.run_command(command)
    await until(lambda: app.query_one(Browser).table.loaded, what=f"the {command} view to load")


async def test_pods_view_shows_every_pods_ip_and_node(
    cluster: DemoCluster, kubectl: Kubectl
) -> None:
    expected = {
        f"default/{p['metadata']['name']}": (p["status"]["podIP"], p["spec"]["nodeName"])
        for p in json.loads(kubectl("get", "pods", "-o", "json"))["items"]
    }
    app = make_app(cluster)
    async with app.run_test(size=SIZE):
        shown = await until(lambda: rows(app) if len(rows(app)) == 7 else None, what="7 pods")
        ip, node = column(app, "IP"), column(app, "NODE")
        assert {key: (cells[ip], cells[node]) for key, cells in shown.items()} == expected


async def test_kubectl_scale_shows_in_deployments_and_services(
    cluster: DemoCluster, kubectl: Kubectl
) -> None:
    app = make_app(cluster, start_view="deploy")
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: rows(app).get("default/hostname-server"), what="the Deployment")
        await asyncio.to_thread(kubectl, "scale", "deployment", "hostname-server", "--replicas=4")
        ready = column(app, "READY")
        await until(lambda: rows(app)["default/hostname-server"][ready] == "4/4", what="READY 4/4")
        await show(app, pilot, "svc")
        endpoints = column(app, "ENDPOINTS")
        cell = await until(
            lambda: (
                (c := rows(app)["default/clusterip-hostname-service"][endpoints]).endswith(
                    "+1 more"
                )
                and c
            ),
            what="4 endpoints (3 shown, +1 more)",
        )
        assert cell.count(":80") == 3


async def test_deleting_a_pod_shows_its_replacement(cluster: DemoCluster, kubectl: Kubectl) -> None:
    app = make_app(cluster)
    async with app.run_test(size=SIZE):
        before = await until(
            lambda: sorted(k for k in rows(app) if "hostname-server" in k) or None,
            what="the hostname-server pods",
        )
        await asyncio.to_thread(kubectl, "delete", "pod", before[0].split("/")[1])
        status = column(app, "STATUS")

        def replaced() -> list[str] | None:
            now = {k: c for k, c in rows(app).items() if "hostname-server" in k}
            running = sorted(k for k, c in now.items() if c[status] == "Running")
            return running if before[0] not in now and len(running) == 2 else None

        after = await until(replaced, what="a replacement pod, Running")
        assert before[1] in after


async def test_service_endpoints_match_kubectl_describe(
    cluster: DemoCluster, kubectl: Kubectl
) -> None:
    described = re.search(
        r"Endpoints:\s+(\S+)", kubectl("describe", "svc", "nodeport-hostname-service")
    )
    assert described is not None
    expected = sorted(described.group(1).split(","))
    app = make_app(cluster, start_view="svc")
    async with app.run_test(size=SIZE):
        endpoints = column(app, "ENDPOINTS")

        def cell() -> list[str]:
            # `2 ready · 127.244.2.2:80,127.244.3.2:80`: the count, then the addresses.
            row = rows(app).get("default/nodeport-hostname-service")
            if row is None or " · " not in row[endpoints]:
                return []
            counts, addresses = row[endpoints].split(" · ")
            assert counts == f"{len(expected)} ready"
            return sorted(addresses.split(","))

        # The Service may be listed before its EndpointSlices: wait for them, bounded.
        await until(lambda: cell() == expected, what=f"ENDPOINTS {expected}")


async def test_forbidden_nodes_leave_the_other_views_working(cluster: DemoCluster) -> None:
    cluster.forbid("nodes")
    app = make_app(cluster, start_view="no")
    async with app.run_test(size=SIZE):
        header = app.query_one(StatusHeader)
        # The view says so where its rows would be, on the screen; the connection is fine.
        body = await until(
            lambda: next((line for line in screen_lines(app)[1:] if "forbidden:" in line), None),
            what="the view's body to say why",
        )
        assert 'User "demo-admin" cannot' in body, body
        await until(
            lambda: (header.connection, header.problem) == ("live", ""),
            what="the header to say live, with no problem of the connection's",
        )
        app.run_command("po")
        await until(lambda: len(rows(app)) == 7, what="the pods, still listed")


async def test_api_server_restart_reconnects_without_stale_rows(
    cluster: DemoCluster, kubectl: Kubectl
) -> None:
    app = make_app(cluster)
    async with app.run_test(size=SIZE):
        header = app.query_one(StatusHeader)
        await until(lambda: header.connection == "live", what="live")
        seen: set[str] = set()

        def states() -> bool:
            seen.add(header.connection)
            return "reconnecting" in seen and header.connection == "live"

        restart = asyncio.create_task(asyncio.to_thread(cluster.restart_api_server))
        # Change the cluster right after the restart, while the watches are down.
        await restart
        await asyncio.to_thread(kubectl, "scale", "deployment", "my-deployment", "--replicas=1")
        await until(states, timeout=15, what="reconnecting, then live again")

        def settled() -> dict[str, tuple[str, ...]] | None:
            shown = rows(app)
            names = {f"default/{n}" for n in kubectl("get", "pods", "-o", "name").split()}
            names = {n.replace("pod/", "") for n in names}
            return shown if set(shown) == names else None

        shown = await until(settled, timeout=10, what="exactly the pods kubectl lists")
        assert len([k for k in shown if "my-deployment" in k]) == 1


async def test_readonly_refuses_scale_and_delete(cluster: DemoCluster) -> None:
    app = make_app(cluster, readonly=True, start_view="deploy")
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: rows(app), what="the Deployments")
        await pilot.press("s")
        await pilot.pause()
        assert "✗ read-only: scale is disabled" in screen_text(app)
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert "✗ read-only: delete is disabled" in screen_text(app)
        assert not isinstance(app.screen, TextScreen)
        # On a Pod, s is a shell: refused too; a port-forward changes nothing and is allowed.
        app.run_command("po")
        pod = await until(lambda: next(iter(rows(app)), None), what="a pod")
        app.query_one(Browser).table.move_cursor(key=pod)
        await pilot.press("s")
        await pilot.pause()
        name = pod.split("/")[1]
        assert f"✗ read-only: no shell in pod/{name}" in screen_text(app), screen_text(app)
        await pilot.press("F")
        await until(lambda: isinstance(app.screen, AskScreen), what="the port-forward question")
        words = " ".join(screen_text(app).replace("│", " ").split())  # the question wraps
        assert f"Port-forward 127.0.0.1 to pod/{name}: LOCAL:REMOTE" in words, words


async def test_scale_asks_then_scales(cluster: DemoCluster, kubectl: Kubectl) -> None:
    app = make_app(cluster, start_view="deploy")
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: rows(app).get("default/hostname-server"), what="the Deployment")
        app.query_one(Browser).table.move_cursor(key="default/hostname-server")
        await pilot.press("s")
        # Shown once the server said the user may scale (a SelfSubjectAccessReview).
        await until(lambda: isinstance(app.screen, ScaleScreen), what="the scale dialog")
        await pilot.press("3", "enter")  # the field starts with the count selected

        def replicas() -> bool:
            out = kubectl("get", "deployment", "hostname-server", "-o", "jsonpath={.spec.replicas}")
            return out == "3"

        await until(lambda: replicas(), what="spec.replicas == 3")
        # The user sees that it happened, on the screen, at 80 columns too.
        await until(
            lambda: "✓ scaled deployment/hostname-server to 3" in screen_text(app),
            what="the result on the message line",
        )


async def test_describe_and_filter(cluster: DemoCluster) -> None:
    app = make_app(cluster, start_view="svc")
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: rows(app).get("default/my-service"), what="my-service")
        app.query_one(Browser).table.move_cursor(key="default/clusterip-hostname-service")
        await pilot.press("d")
        await until(lambda: isinstance(app.screen, TextScreen), what="the describe screen")
        assert isinstance(app.screen, TextScreen)
        assert "Endpoints:" in app.screen.text
        # Its Events, read as kubectl describe reads them (none for this Service).
        events = app.screen.query_one(".events", Static)
        await until(lambda: "<none>" in static_text(events), what="the Events section")
        await pilot.press("escape")
        app.run_command("po")
        app.apply_filter("-l app=hostname-server")
        await until(lambda: len(rows(app)) == 2, what="2 pods with app=hostname-server")
        await pilot.press("escape")
        await until(lambda: len(rows(app)) == 7, what="the filter cleared")


async def test_ctx_lists_and_switches_contexts(cluster: DemoCluster, tmp_path: Path) -> None:
    config = yaml.safe_load(cluster.kubeconfig_path.read_text())
    second = dict(config["contexts"][0], name="second")
    second["context"] = dict(second["context"], namespace="kube-system")
    config["contexts"].append(second)
    path = tmp_path / "two-contexts"
    path.write_text(yaml.safe_dump(config))
    app = K9liteApp(AppOptions(load_connection(str(path)), "default"))
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: len(rows(app)) == 7, what="the default namespace's pods")
        app.run_command("ctx")
        await until(
            lambda: isinstance(app.screen, PickScreen) and "second" in screen_text(app),
            what="the context picker",
        )
        assert "k9lite-demo (current)" in screen_text(app)
        await pilot.press("escape")
        app.run_command("ctx nope")
        assert 'context "nope"' in app.flash.text and app.flash.level == "error"
        app.run_command("ctx second")
        header = app.query_one(StatusHeader)
        assert (header.context, header.namespace) == ("second", "kube-system")
        await until(lambda: app.query_one(Browser).table.loaded, what="the new context's pods")
        assert rows(app) == {}


async def test_describe_a_pod_ends_with_the_events_kubectl_describe_shows(
    cluster: DemoCluster, kubectl: Kubectl
) -> None:
    app = make_app(cluster)
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: len(rows(app)) == 7, what="the pods")
        pod = sorted(rows(app))[0].split("/", 1)[1]
        app.query_one(Browser).table.move_cursor(key=f"default/{pod}")
        await pilot.press("d")
        await until(lambda: isinstance(app.screen, TextScreen), what="the describe screen")
        events = app.screen.query_one(".events", Static)
        await until(lambda: "Scheduled" in static_text(events), what="the pod's Events")
        described = await asyncio.to_thread(kubectl, "describe", "pod", pod)
        shown = static_text(events)
        for reason in ("Scheduled", "Created", "Started"):
            assert reason in described and reason in shown, reason
        assert f"Successfully assigned default/{pod} to" in shown


async def test_a_service_drill_down_follows_labels_and_the_service(
    cluster: DemoCluster, kubectl: Kubectl
) -> None:
    """Enter on a Service: its pods; a pod relabelled out of the selector leaves, the Service
    deleted leaves no pod behind (a drill-down walks its own pods, not the whole Pods view)."""
    app = make_app(cluster, start_view="svc")
    async with app.run_test(size=SIZE) as pilot:
        await drill_into(app, pilot, "default/clusterip-hostname-service")
        selected = await until(
            lambda: sorted(rows(app)) if len(rows(app)) == 2 else None, what="its 2 pods"
        )
        leaving = selected[0].split("/")[1]
        kubectl("label", "pod", leaving, "app=elsewhere", "--overwrite")
        # Its ReplicaSet makes a new pod for the one it lost: that one may join meanwhile.
        await until(lambda: selected[0] not in rows(app), what=f"{leaving} to leave")
        assert selected[1] in rows(app)
        kubectl("delete", "service", "clusterip-hostname-service")
        title = app.query_one("#view-title", Static)
        await until(
            lambda: not rows(app) and "(service gone)" in static_text(title),
            what="no pods and (service gone)",
        )


async def test_a_service_drill_down_title_follows_its_endpoint_slices(
    cluster: DemoCluster, kubectl: Kubectl
) -> None:
    """The title's `endpoints N ready` reads the Service's EndpointSlices: a slice that changes
    while no pod does (here one made by hand, as another controller would) shows at once."""
    app = make_app(cluster, start_view="svc")
    async with app.run_test(size=SIZE) as pilot:
        await drill_into(app, pilot, "default/clusterip-hostname-service")
        title = app.query_one("#view-title", Static)
        await until(lambda: "endpoints 2 ready" in static_text(title), what="2 endpoints")
        await asyncio.to_thread(kubectl, "apply", "-f", "-", stdin=_EXTRA_SLICE)
        await until(lambda: "endpoints 3 ready" in static_text(title), what="3 endpoints")
        assert "127.0.0.99:80" in static_text(title) and len(rows(app)) == 2


_EXTRA_SLICE = """
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: by-hand
  labels:
    kubernetes.io/service-name: clusterip-hostname-service
    endpointslice.kubernetes.io/managed-by: by-hand
addressType: IPv4
ports: [{port: 80, protocol: TCP}]
endpoints: [{addresses: [127.0.0.99], conditions: {ready: true}}]
"""
