"""Every flag value is checked up front: the real `k9lite` CLI says one line and exits 2."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml


def run_k9lite(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "k9lite.cli", *args], capture_output=True, text=True, timeout=30
    )


def one_line_refusal(result: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a refused command (exit 2, nothing else said)."""
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert result.stdout == ""
    return lines[0]


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["--port", "70000"], "--port 70000 is out of range: it must be from 0 to 65,535"),
        (["--port", "-1"], "--port -1 is out of range: it must be from 0 to 65,535"),
        (["--port", "http"], "--port 'http' is not a whole number (0 to 65,535)"),
        (["--nodes", "0"], "--nodes 0 is out of range: it must be from 1 to 2,048"),
        (["--scale", "-5"], "--scale -5 is out of range: it must be from 0 to 20,000"),
        (["--max-pods", "0"], "--max-pods 0 is out of range: it must be from 1 to 255,875"),
        # 2,047 workers of 125 pod addresses each: one pod more has no address to get.
        (
            ["--max-pods", "255876"],
            "--max-pods 255876 is out of range: it must be from 1 to 255,875",
        ),
        (["--max-pods", "many"], "--max-pods 'many' is not a whole number of pods (1 to 255,875)"),
        (["--port", ""], "--port '' is not a whole number (0 to 65,535)"),
        (["--port", "99999999999999999999"], "--port 99999999999999999999 is out of range"),
        (["--port", "6443.0"], "--port '6443.0' is not a whole number (0 to 65,535)"),
        (["--nodes", "2049"], "--nodes 2049 is out of range: it must be from 1 to 2,048"),
        (["--nodes", "three"], "--nodes 'three' is not a whole number of nodes (1 to 2,048)"),
        (["--scale", "1e3"], "--scale '1e3' is not a whole number of pods (0 to 20,000)"),
        (["--scale", "20001"], "--scale 20001 is out of range: it must be from 0 to 20,000"),
        (["--user", "bob:nope"], "user 'bob': unknown role 'nope'; choose from cluster-admin,"),
        (["--user", "bob:view", "--user", "bob:edit"], "user 'bob' is given twice"),
        (["--scenario", ""], "unknown scenario ''; choose from default, empty, w1"),
        (["--scenario", "w1", "--scenario", "w9"], "unknown scenario 'w9'; choose from default"),
        (["--max-pods", "10", "--scale", "11"], "--scale 11 is out of range"),
        (["--force"], "--force only applies to --kubeconfig-out FILE"),
        (["--scenario", "nope"], "unknown scenario 'nope'; choose from default, empty, w1"),
    ],
)
def test_demo_cluster_flag_values(flags: list[str], expected: str) -> None:
    line = one_line_refusal(run_k9lite("demo-cluster", *flags))
    assert line.startswith("k9lite") and expected in line, line


def test_kubeconfig_out_onto_a_directory(tmp_path: Path) -> None:
    line = one_line_refusal(run_k9lite("demo-cluster", "--kubeconfig-out", str(tmp_path)))
    assert line == (
        f"k9lite demo-cluster: --kubeconfig-out {tmp_path} is a directory; "
        f"name a file, e.g. {tmp_path / 'kubeconfig'}"
    )


def test_a_path_with_escapes_is_shown_escaped(tmp_path: Path) -> None:
    hostile = tmp_path / "a\x1b]0;pwned\x07b"
    hostile.mkdir()
    line = one_line_refusal(run_k9lite("demo-cluster", "--kubeconfig-out", str(hostile)))
    assert "\x1b" not in line and "\x07" not in line
    assert f"{tmp_path}/a\\x1b]0;pwned\\x07b is a directory" in line, line
    line = one_line_refusal(run_k9lite("--demo", "--kubeconfig", "\x1b[2J"))
    assert line.endswith("it cannot be used with --kubeconfig \\x1b[2J"), line


def test_kubeconfig_out_where_nothing_can_be_written(tmp_path: Path) -> None:
    # /proc takes no new files, whoever asks (the tests may run as root).
    line = one_line_refusal(
        run_k9lite("demo-cluster", "--kubeconfig-out", "/proc/k9lite-nowhere/kubeconfig")
    )
    assert line.startswith(
        "k9lite demo-cluster: --kubeconfig-out /proc/k9lite-nowhere/kubeconfig: "
        "cannot write in /proc: "
    ), line
    file = tmp_path / "a-file"
    file.write_text("x")
    line = one_line_refusal(run_k9lite("demo-cluster", "--kubeconfig-out", f"{file}/kubeconfig"))
    assert line.endswith(f"{file} is not a directory"), line


def test_kubeconfig_out_keeps_files_it_did_not_write(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    line = one_line_refusal(run_k9lite("demo-cluster", "--kubeconfig-out", str(notes)))
    assert line == (
        f"k9lite demo-cluster: --kubeconfig-out {notes} is a file that is not a kubeconfig, "
        "not one demo-cluster wrote; choose another file, or add --force to replace it"
    )
    assert notes.read_text() == "my notes\n"
    # Someone's real kubeconfig, ~/.kube/config say: its contexts are named.
    config = tmp_path / "config"
    document = {
        "apiVersion": "v1",
        "kind": "Config",
        "contexts": [{"name": "prod", "context": {}}, {"name": "k9lite-demo", "context": {}}],
    }
    config.write_text(yaml.safe_dump(document))
    line = one_line_refusal(run_k9lite("demo-cluster", "--kubeconfig-out", str(config)))
    assert f"{config} is a kubeconfig with contexts prod, k9lite-demo, not one" in line, line
    assert yaml.safe_load(config.read_text()) == document


def test_demo_conflicts_with_a_kubeconfig(tmp_path: Path) -> None:
    config = tmp_path / "config"
    line = one_line_refusal(run_k9lite("--demo", "--kubeconfig", str(config)))
    assert line == (
        "k9lite: --demo starts its own cluster and connects through its own kubeconfig; "
        f"it cannot be used with --kubeconfig {config}"
    )
    line = one_line_refusal(run_k9lite("route", "--demo", "--context", "prod", "svc"))
    assert line.endswith("it cannot be used with --context prod"), line


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            None,
            "k9lite probe: --via url needs --url URL (for example --url http://127.0.0.1:8080/)",
        ),
        ("ftp://127.0.0.1/x", "k9lite probe: --url 'ftp://127.0.0.1/x' is not an http(s) URL"),
        ("localhost:8080", "k9lite probe: --url 'localhost:8080' is not an http(s) URL"),
        (
            "http://127.0.0.1:70000/",
            "k9lite probe: --url 'http://127.0.0.1:70000/' is not a usable URL: "
            "Port out of range 0-65535",
        ),
        ("http://[::1/", "k9lite probe: --url 'http://[::1/' is not a usable URL: Invalid IPv6"),
        ("http:///path", "k9lite probe: --url 'http:///path' has no host"),
    ],
)
def test_probe_url_is_named_as_the_problem(url: str | None, expected: str) -> None:
    flags = ["--url", url] if url is not None else []
    line = one_line_refusal(run_k9lite("probe", "svc", "--via", "url", *flags))
    assert line.startswith(expected), line


def test_kubeconfig_out_mode_is_0600_through_a_rename(tmp_path: Path) -> None:
    """write_private replaces an existing 0644 file: the new file is 0600, nothing left behind."""
    from k9lite.demo.kubeconfig_file import write_private

    path = tmp_path / "kubeconfig"
    path.write_text("old")
    path.chmod(0o644)
    old_inode = path.stat().st_ino
    write_private(path, {"kind": "Config", "contexts": [{"name": "k9lite-demo"}]})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # A rename, not a rewrite in place: a reader never sees a half-written token.
    assert path.stat().st_ino != old_inode
    assert yaml.safe_load(path.read_text())["contexts"] == [{"name": "k9lite-demo"}]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kubeconfig"]
