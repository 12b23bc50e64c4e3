"""The pure layers and the demo cluster import neither Textual nor the kubernetes client."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module",
    ["k9lite.model.state", "k9lite.analysis.routes", "k9lite.render.route", "k9lite.demo.cluster"],
)
def test_module_stays_headless(module: str) -> None:
    probe = (
        f"import sys, {module}; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'kubernetes')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"
