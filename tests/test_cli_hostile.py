"""`k9lite probe` against a server whose bodies carry escape sequences: the real console script.

Piped, on a pseudo-terminal and as JSON, no ESC, BEL or C1 byte of a body reaches the output
(on a terminal Rich's own colour codes are the only escapes), and the bodies still read, as
visible escapes. Errors that quote a name or a server say it in one literal line.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from k9lite.commands.lookup import CommandFailed
from k9lite.demo.cluster import DemoCluster
from tests.conftest import Kubectl, wait_for
from tests.hostile_http import ESCAPED_ERROR, ESCAPED_LINE, ESCAPED_NAME, NAME, RAW, hostile_server
from tests.test_cli_route import ready_endpoints

W2 = "clusterip-hostname-service"
_RICH_SGR = re.compile(rb"\x1b\[[0-9;]*m")


@pytest.fixture
def kubeconfig(cluster: DemoCluster, kubectl: Kubectl) -> str:
    assert cluster.wait_settled(), "the demo's Deployments did not become ready"
    wait_for(lambda: len(ready_endpoints(kubectl, W2)) == 2, message=f"the 2 endpoints of {W2}")
    return str(cluster.kubeconfig_path)


def _command(kubeconfig: str, *args: str) -> list[str]:
    script = Path(sys.executable).with_name("k9lite")
    assert script.exists(), f"no console script at {script}: install the package"
    return [str(script), *args[:1], "--kubeconfig", kubeconfig, "-n", "default", *args[1:]]


def _env() -> dict[str, str]:
    """This checkout's k9lite, and Rich left to decide colours from the stream itself."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    env["TERM"] = "xterm-256color"
    return env


def _raw(data: bytes) -> list[bytes]:
    return [raw for raw in RAW if raw in data]


def _probe(kubeconfig: str, *options: str) -> subprocess.CompletedProcess[bytes]:
    """`k9lite probe W2 --via url` at the hostile server, piped; it must succeed."""
    with hostile_server() as url:
        argv = _command(kubeconfig, "probe", W2, "--via", "url", "--url", url, *options)
        result = subprocess.run(argv, capture_output=True, timeout=60, env=_env())
    assert result.returncode == 0, result.stderr
    return result


def test_probe_piped_prints_bodies_escaped(kubeconfig: str) -> None:
    result = _probe(kubeconfig, "--count", "6", "--log")
    assert _raw(result.stdout) == [] and _raw(result.stderr) == [], result.stdout
    out = result.stdout.decode()
    assert out.count(ESCAPED_LINE) == 3, out  # the log: each 200's Hello line
    assert out.count(ESCAPED_ERROR) >= 3, out  # each 500 in the log, and the error summary
    assert f"? {ESCAPED_NAME}" in out, out  # the histogram's row for an unknown answer
    assert "6 sent · 3 answered · 3 failed" in out, out


def test_probe_on_a_terminal_writes_no_escape_but_its_own_colours(kubeconfig: str) -> None:
    with hostile_server() as url:
        argv = ["probe", W2, "--via", "url", "--url", url, "--count", "4", "--log"]
        output = _on_a_terminal(_command(kubeconfig, *argv))
    assert _RICH_SGR.search(output), "no colour: Rich did not see a terminal"
    shown = _RICH_SGR.sub(b"", output).replace(b"\r\n", b"\n")  # the tty's own line ends
    assert _raw(shown) == [], shown
    assert b"\r" not in shown, shown
    assert ESCAPED_LINE.encode() in shown and ESCAPED_ERROR.encode() in shown, shown


def _on_a_terminal(argv: list[str], timeout: float = 60.0) -> bytes:
    """What `argv` writes to a pseudo-terminal as its stdout and stderr, until it exits."""
    main, child = pty.openpty()
    process = subprocess.Popen(argv, stdout=child, stderr=child, env=_env())
    os.close(child)
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([main], [], [], 0.5)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(main, 65536)
            except OSError:  # EIO: the child side closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        else:
            raise AssertionError(f"{argv} still running after {timeout} s")
        assert process.wait(timeout=10) == 0, b"".join(chunks)
    finally:
        os.close(main)
        if process.poll() is None:
            process.kill()
            process.wait(timeout=5)
    return b"".join(chunks)


def test_probe_json_escapes_the_names_and_keeps_them_exact(kubeconfig: str) -> None:
    result = _probe(kubeconfig, "--count", "4", "--json")
    assert _raw(result.stdout) == [], result.stdout
    document = json.loads(result.stdout)
    assert document["unknown"] == [[NAME, 2]]  # the exact name, JSON-escaped on the wire
    (error,) = document["errors"]
    assert error["detail"].startswith("HTTP 500 Internal Server Error: \x1b]0;pwned\x07")


def test_an_unknown_service_with_escapes_is_one_literal_line(kubeconfig: str) -> None:
    name = "x\x1b]0;pwned\x07[/]\u009b2J"
    result = subprocess.run(
        _command(kubeconfig, "route", name), capture_output=True, timeout=60, env=_env()
    )
    assert result.returncode == 2
    assert result.stdout == b"" and _raw(result.stderr) == [], result.stderr
    (line,) = result.stderr.decode().splitlines()
    assert line.startswith("k9lite: no service 'x\\x1b]0;pwned\\x07[/]\\x9b2J' in namespace"), line


def test_a_command_failure_quoting_the_server_is_kept_literal() -> None:
    failed = CommandFailed('cannot list services in default: "\x1b]0;pwned\x07"\nsecond line')
    assert str(failed) == 'cannot list services in default: "\\x1b]0;pwned\\x07"\\nsecond line'
