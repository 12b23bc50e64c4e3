"""What the app imports before its first screen: only what that screen needs.

The probe's HTTP client (aiohttp: about 0.2 s and 8 MB) is imported when a traffic test first
runs, not when the app starts (issue 19: "start-up: import only what the first screen needs").
"""

from __future__ import annotations

import os
import subprocess
import sys

IMPORTED = """
import sys
import k9lite.ui.app
print(sorted(m for m in sys.modules if m == "aiohttp" or m.startswith("aiohttp.")))
"""


def test_the_app_starts_without_the_probes_http_client() -> None:
    result = subprocess.run(
        [sys.executable, "-c", IMPORTED],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", result.stdout
