"""Every resource the server lists opens with `:` (issue 15): the registry's kinds, the server's
Tables for the others (kubectl's columns), custom resources created with kubectl while the app
runs, Secrets concealed until asked, and a kind that is gone marking only its own view."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from k9lite.demo.cluster import DemoCluster
from k9lite.ui.app import K9liteApp, SecretsShown
from k9lite.ui.browser import Browser
from k9lite.ui.screens.secret_screen import SecretScreen
from k9lite.ui.widgets.status_header import StatusHeader
from tests.conftest import Kubectl
from tests.ui.screen import screen_lines, screen_text, static_text
from tests.ui.test_app import make_app, rows, until

SIZE = (80, 24)

CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wg]}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    - {name: Color, type: string, jsonPath: .spec.color}
"""
WIDGET = """\
apiVersion: example.com/v1
kind: Widget
metadata: {name: blue-one}
spec: {size: 3, color: blue}
"""


def header(app: K9liteApp) -> list[str]:
    """The column labels on screen (the table's first line)."""
    return screen_lines(app)[2].split()


async def open_view(app: K9liteApp, command: str, title: str) -> None:
    app.run_command(command)
    await until(
        lambda: (
            app.query_one(Browser).table.loaded and screen_lines(app)[1].startswith(f" {title}")
        ),
        timeout=10,
        what=f":{command} to show {title}",
    )


# The columns are kubectl's (printers.go, as the demo's Tables carry them), all shown at 120.
@pytest.mark.parametrize(
    ("command", "title", "labels"),
    [
        ("ing", "Ingresses", ["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"]),
        ("ev", "Events", ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]),
        ("eps", "EndpointSlices", ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"]),
        ("rs", "ReplicaSets", ["NAME", "DESIRED", "CURRENT", "READY", "AGE"]),
        ("sts", "StatefulSets", ["NAME", "READY", "AGE"]),
        ("cm", "ConfigMaps", ["NAME", "DATA", "AGE"]),
        ("secret", "Secrets", ["NAME", "TYPE", "DATA", "AGE"]),
        ("crd", "CustomResourceDefinitions", ["NAME", "CREATED", "AT"]),
        ("job", "Jobs", ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"]),
        (
            "ds",
            "DaemonSets",
            [
                "NAME",
                "DESIRED",
                "CURRENT",
                "READY",
                "UP-TO-DATE",
                "AVAILABLE",
                "NODE",
                "SELECTOR",
                "AGE",
            ],
        ),
    ],
)
async def test_each_kind_opens_with_kubectls_columns(
    cluster: DemoCluster, command: str, title: str, labels: list[str]
) -> None:
    app = make_app(cluster)
    async with app.run_test(size=(120, 35)):
        await open_view(app, command, title)
        assert header(app) == labels


async def test_events_at_80_columns_keep_the_message_and_drop_the_type(
    cluster: DemoCluster,
) -> None:
    app = make_app(cluster)
    async with app.run_test(size=SIZE):
        await open_view(app, "ev", "Events")
        await until(lambda: len(rows(app)) > 5, what="the scenario's Events")
        assert header(app) == ["LAST", "SEEN", "REASON", "OBJECT", "MESSAGE"]
        # MESSAGE has the room REASON and OBJECT leave once they have their narrowest width.
        line = next(line for line in screen_lines(app)[3:] if "pod/" in line)
        assert len(line.split("pod/", 1)[1].split(None, 1)[1]) >= 20, line


async def test_replica_sets_rows_are_the_servers_cells(cluster: DemoCluster) -> None:
    app = make_app(cluster)
    async with app.run_test(size=SIZE):
        await open_view(app, "rs", "ReplicaSets")
        found = await until(
            lambda: [r for k, r in rows(app).items() if "hostname-server" in k],
            what="the hostname-server ReplicaSet",
        )
        # DESIRED, CURRENT, READY as `kubectl get rs` prints them for W2's two replicas.
        assert found[0][1:4] == ("2", "2", "2"), found


async def test_a_custom_resource_created_with_kubectl_opens_by_plural_and_short_name(
    cluster: DemoCluster, kubectl: Kubectl
) -> None:
    app = make_app(cluster)
    async with app.run_test(size=SIZE):
        await until(lambda: app.session.discovered, timeout=10, what="discovery at start")
        # Created after the app asked the server what it serves: `:widgets` asks again.
        kubectl("apply", "-f", "-", stdin=CRD)
        kubectl("apply", "-f", "-", stdin=WIDGET)
        await open_view(app, "widgets", "Widgets")
        await until(lambda: "default/blue-one" in rows(app), timeout=10, what="the widget's row")
        assert header(app)[:3] == ["NAME", "SIZE", "COLOR"]
        assert rows(app)["default/blue-one"][:3] == ("blue-one", "3", "blue")
        # A change made with kubectl shows live.
        kubectl("patch", "widget", "blue-one", "--type=merge", "-p", '{"spec":{"size":5}}')
        await until(lambda: rows(app)["default/blue-one"][1] == "5", what="the new size")
        await open_view(app, "wg", "Widgets")
        # The CRD deleted: the view says its API is gone; the header's connection is fine.
        kubectl("delete", "crd", "widgets.example.com")
        await until(lambda: "default/blue-one" not in rows(app), timeout=15, what="the rows to go")
        status = app.query_one(StatusHeader)
        assert (status.connection, status.problem) == ("live", ""), (
            status.connection,
            status.problem,
        )


async def test_unknown_word_is_still_one_clear_line_after_asking_the_server(
    cluster: DemoCluster,
) -> None:
    app = make_app(cluster)
    async with app.run_test(size=SIZE):
        app.run_command("nosuchkind")
        await until(
            lambda: "unknown command 'nosuchkind'" in screen_text(app), timeout=10, what="why"
        )


async def test_secret_values_are_hidden_until_x_and_never_in_a_screenshot(
    cluster: DemoCluster, kubectl: Kubectl
) -> None:
    kubectl("create", "secret", "generic", "db", "--from-literal=password=s3cr3t")
    app = make_app(cluster)
    async with app.run_test(size=SIZE) as pilot:
        await open_view(app, "secret", "Secrets")
        await until(lambda: "default/db" in rows(app), what="the secret's row")
        app.query_one(Browser).table.move_cursor(key="default/db")
        await pilot.press("y")
        screen = await until(
            lambda: app.screen if isinstance(app.screen, SecretScreen) else None, what="the YAML"
        )
        assert "<hidden: 6 bytes>" in static_text(
            screen.query_one("#text", Static)
        ) and "s3cr3t" not in screen_text(app)
        await pilot.press("x")
        await until(lambda: "s3cr3t" in screen_text(app), what="the decoded value")
        with pytest.raises(SecretsShown):
            app.export_screenshot()
        await pilot.press("x")
        await until(lambda: "s3cr3t" not in screen_text(app), what="the value hidden again")
        assert "s3cr3t" not in app.export_screenshot()
        assert screen.revealed is False
        await pilot.press("escape")
        await pilot.press("d")
        await until(
            lambda: "Password" in screen_text(app) or "password" in screen_text(app),
            what="describe",
        )
        assert "6 bytes" in screen_text(app) and "s3cr3t" not in screen_text(app)
