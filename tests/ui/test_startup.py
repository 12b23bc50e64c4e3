"""What the app does before its first screen: only what that screen needs, as early as it can.

- aiohttp (about 0.2 s and 8 MB; the probe's client no longer uses it) is not imported, and
  the official client's CoreV1Api (0.4 s of generated models) when a port-forward
  first connects, not when the app starts (issue 19: "start-up: import only what the first
  screen needs").
- `k9lite` starts the session (the first list request) before Textual and the views are
  imported, so the server builds the list while they load: the session's module imports
  neither, and an app handed a started session keeps its watcher.
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
watched = {"aiohttp", "textual", "kubernetes.client.api.core_v1_api"}
print(sorted(set(sys.modules) & watched))
"""


def _top_level_imports(module: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", IMPORTED, module],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_app_starts_without_the_probes_http_client_or_the_generated_api() -> None:
    assert _top_level_imports("k9lite.ui.app") == "['textual']"


def test_a_session_starts_without_textual() -> None:
    assert _top_level_imports("k9lite.ui.session") == "[]"


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
