"""What the app does before its first screen: only what that screen needs, as early as it can.

- aiohttp (about 0.2 s and 8 MB; the probe's client no longer uses it) is not imported, and
  the official client's CoreV1Api (0.4 s of generated models) when a port-forward
  first connects, not when the app starts (issue 19: "start-up: import only what the first
  screen needs").
- `k9lite` starts the session (the first list request) before Textual and the views are
  imported, so the server builds the list while they load: the session's module imports
  neither, and an app handed a started session keeps its watcher.
- With a kubeconfig of the common kinds (the demo's: a token and a CA in one file), the session
  lists, watches and discovers without the official client at all (0.15-0.2 s of imports, a
  third of the time to the first screen at 1,000 pods): k9lite's own client talks to the server.
"""

from __future__ import annotations

import os
import subprocess
import sys

from k9lite.demo.cluster import DemoCluster
from k9lite.kube.config import load_connection
from k9lite.ui.app import K9liteApp
from k9lite.ui.navigator import AppOptions
from k9lite.ui.session import Session
from tests.ui.test_app import rows, until

IMPORTED = """
import importlib, sys
importlib.import_module(sys.argv[1])
watched = {"aiohttp", "textual", "kubernetes", "kubernetes.client.api.core_v1_api"}
print(sorted(set(sys.modules) & watched))
"""


SESSION_RUN = """
import sys
from k9lite.kube.config import load_connection
from k9lite.ui.session import Session

session = Session(load_connection(sys.argv[1]), None)
session.start(first=("pods",))
listed = session.feed.wait_listed(("pods", "services", "endpointslices"), 30)
found = session.discover_now()
print(sorted(kind for kind, status in listed.items() if status.state == "live"), len(found) > 10)
print(sorted(name for name in sys.modules if name.split(".")[0] == "kubernetes"))
session.stop()
"""


def _run(script: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_app_starts_without_the_probes_http_client_or_the_official_client() -> None:
    assert _run(IMPORTED, "k9lite.ui.app") == "['textual']"


def test_a_session_starts_without_textual() -> None:
    assert _run(IMPORTED, "k9lite.ui.session") == "[]"


def test_a_session_lists_watches_and_discovers_without_the_official_client(
    cluster: DemoCluster,
) -> None:
    listed, imported = _run(SESSION_RUN, str(cluster.kubeconfig_path)).splitlines()
    assert listed == "['endpointslices', 'pods', 'services'] True"
    assert imported == "[]"


async def test_an_app_keeps_the_session_started_before_it(cluster: DemoCluster) -> None:
    connection = load_connection(str(cluster.kubeconfig_path))
    session = Session(connection, "default")
    session.start(first=("pods",))
    watcher = session._watcher
    app = K9liteApp(AppOptions(connection, "default"), session=session)
    async with app.run_test(size=(120, 30)):
        shown = await until(lambda: rows(app) or None, timeout=10, what="the pods' rows")
        assert any(key.startswith("default/hostname-server-") for key in shown), shown
        assert app.session is session and session._watcher is watcher
