"""The TUI through a cluster restart: it says why it reconnects, then shows exactly the new
cluster's rows (issue 12). The watcher's convergence is proven in test_restarts; this proves
the screen: the header and the message line while it fails, and no ghost row after."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from k9lite.kube.config import load_connection
from k9lite.ui.app import K9liteApp
from k9lite.ui.navigator import AppOptions
from k9lite.ui.widgets.status_header import StatusHeader
from tests.faults.bench import FaultBench, Front
from tests.ui.screen import screen_lines, screen_text
from tests.ui.test_app import rows, until


def namespaces(bench: FaultBench) -> set[str]:
    return {name.split("/", 1)[1] for name in bench.kubectl("get", "ns", "-o", "name").split()}


@pytest.mark.parametrize("new_credentials", [False, True], ids=["same-credentials", "new-ca"])
async def test_the_screen_says_why_then_shows_only_the_new_clusters_rows(
    bench_for: Callable[[Front], FaultBench], new_credentials: bool
) -> None:
    bench = bench_for("tcp")
    assert bench.tcp is not None
    app = K9liteApp(AppOptions(load_connection(str(bench.kubeconfig)), None, start_view="ns"))
    async with app.run_test(size=(80, 24)):
        header = app.query_one(StatusHeader)
        bench.kubectl("create", "namespace", "ghost")
        await until(lambda: "ghost" in rows(app), what="the namespace to vanish, listed")
        bench.tcp.down()
        bench.restart(fresh=True, new_credentials=new_credentials)
        await until(
            lambda: header.connection == "reconnecting" and "refused" in screen_text(app),
            timeout=15,
            what="the screen to say the server refuses",
        )
        assert "reconnecting" in screen_lines(app)[0]
        bench.tcp.up()
        if new_credentials:
            await until(
                lambda: "was the cluster restarted?" in screen_text(app).replace("\n", " "),
                timeout=15,
                what="the screen to name the new CA",
            )
            bench.publish_kubeconfig()
        truth = namespaces(bench)
        assert "ghost" not in truth
        await until(
            lambda: header.connection == "live" and set(rows(app)) == truth,
            timeout=15,
            what=f"exactly the new cluster's namespaces {sorted(truth)}",
        )
