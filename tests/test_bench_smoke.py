"""The benchmarks run in quick mode, as smoke tests: they finish, count right and print ratios.

No timing is asserted here: speed targets live in bench/, as ratios measured in the same run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def quick(script: str) -> str:
    """The output of `bench/SCRIPT --quick`, which must exit 0."""
    result = subprocess.run(
        [sys.executable, str(BENCH / script), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_demo_list_quick() -> None:
    out = quick("demo_list.py")
    for ratio in ("raw list / kubectl = ", "table list / kubectl = ", "unpaged server answer"):
        assert ratio in out, out
    assert "demo cluster: 1,000 pods" in out, out
    assert "pods counted: kubectl 1000, raw 1000, table 1000, unpaged 1000 (cluster 1000)" in out, (
        out
    )


def test_tui_load_quick() -> None:
    out = quick("tui_load.py")
    assert "demo cluster: 1,000 pods" in out, out
    for line in (
        "app load (from spawn) / kubectl = ",
        "app load (from spawn) / kubectl --chunk-size=0 = ",
        "app load (from K9liteApp) / kubectl --chunk-size=0 = ",
        "storm key p95 / goal = ",
        "app peak RSS / kubectl --chunk-size=0 peak RSS = ",
        "rows shown: 1000 (cluster 1000 pods)",
    ):
        assert line in out, out


def test_probe_rate_quick() -> None:
    out = quick("probe_rate.py")
    for way in ("keep-alive (NodePort)", "new connections (NodePort)", "API proxy"):
        assert f"k9lite probe / wrk ({way}) = " in out, out
    assert "data plane (wrk, keep-alive): one pod direct" in out, out
    assert "pods answering in the last round: 2" in out, out


def test_diagnose_all_quick() -> None:
    out = quick("diagnose_all.py")
    assert "demo cluster: 10 Services, 15 bench pods" in out, out
    for line in ("diagnose -A --no-check: ", "diagnose -A (pods asked): ", "/ goal (3 s) = "):
        assert line in out, out


def test_model_memory_quick() -> None:
    out = quick("model_memory.py")
    assert "demo cluster: 1,000 pods" in out, out
    for line in ("model / kubectl -w = ", "app / kubectl -w = ", "a full gc.collect() once loaded"):
        assert line in out, out
    assert "model pods counted: 1000 (cluster 1000)" in out, out


def test_oneshot_quick() -> None:
    out = quick("oneshot.py")
    assert "demo cluster: 500 pods; 1 round(s), medians" in out, out
    for line in (
        "k9lite route / kubectl get svc,endpointslices = ",
        "k9lite diagnose SVC / kubectl get svc,endpointslices = ",
        "k9lite diagnose -A / kubectl get svc,endpointslices,pods -A = ",
    ):
        assert line in out, out
