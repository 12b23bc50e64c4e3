"""Requests a second of `k9lite probe` through a demo NodePort, against wrk on the same URL.

Starts the demo cluster in this process (the default scenario, with its data plane), waits until
its pods run, then alternates `--repeat` rounds of:
  1. `wrk -t1 -cC -dSs URL` (keep-alive, as wrk always is): its Requests/sec;
  2. `k9lite probe nodeport-hostname-service --via url --url URL --keepalive --concurrency C
     --count 100000 --duration S --json`, the installed console script in a child process: the
     answers it counted over the seconds its run took (its JSON says both; Python's start and
     the cluster listing are left out, as wrk's own start is).
URL is worker1's address:nodePort of nodeport-hostname-service: the data plane forwards each
connection to a pod's Hello server, as kube-proxy would. Both clients share the machine with
the cluster (2 cores): the ratio is what counts. Goals: k9lite >= 0.5 x wrk, and >= 500
requests a second. Without wrk (`apt-get install wrk`) only k9lite's rate is measured.

    python bench/probe_rate.py [--seconds 5] [--concurrency 8] [--repeat 3] [--quick]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from k9lite.demo.cluster import ClusterRuntime, DemoCluster, DemoOptions
from k9lite.demo.registry import resource

SERVICE = "nodeport-hostname-service"
NODE = "worker1"
GOAL_RATIO = 0.5
GOAL_RATE = 500.0
WRK_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")


class BenchError(Exception):
    """The benchmark could not run (no URL, a client failed, an unparsable answer...)."""


def log(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


def node_port_url(cluster: DemoCluster, timeout: float = 10.0) -> str:
    """worker1's address and the Service's nodePort, once this cluster's data plane listens."""

    def lookup(rt: ClusterRuntime) -> tuple[str, int] | None:
        node = rt.store.get(resource("Node"), "", NODE)
        service = rt.store.get(resource("Service"), "default", SERVICE)
        address = node["status"]["addresses"][0]["address"]
        port = int(service["spec"]["ports"][0]["nodePort"])
        assert rt.dataplane is not None
        if (address, port) not in {(li.host, li.port) for li in rt.dataplane.listeners()}:
            return None  # the data plane has not caught up with the Service yet
        # A port taken on this machine (another demo cluster) is served elsewhere: follow it.
        return rt.dataplane.port_mappings.get((address, port), (address, port))

    deadline = time.monotonic() + timeout
    while (found := cluster.call(lookup)) is None:
        if time.monotonic() > deadline:
            raise BenchError(f"no NodePort listener for {SERVICE} on {NODE} in {timeout:.0f} s")
        time.sleep(0.05)
    host, port = found
    return f"http://{host}:{port}/"


def wait_running(cluster: DemoCluster, timeout: float = 30.0) -> None:
    if not cluster.wait_settled(timeout):
        raise BenchError(f"the demo cluster's pods did not run within {timeout:.0f} s")


def run_wrk(wrk: str, url: str, concurrency: int, seconds: float) -> float:
    result = subprocess.run(
        [wrk, "-t1", f"-c{concurrency}", f"-d{max(1, round(seconds))}s", url],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
    )
    found = WRK_RATE.search(result.stdout)
    if result.returncode != 0 or found is None:
        raise BenchError(f"wrk failed ({result.returncode}): {result.stdout}{result.stderr}")
    return float(found.group(1))


@dataclass(frozen=True, slots=True)
class ProbeRun:
    rate: float
    answered: int
    failed: int
    pods: int


def run_probe(kubeconfig: Path, url: str, concurrency: int, seconds: float) -> ProbeRun:
    script = Path(sys.executable).with_name("k9lite")
    command = [
        str(script) if script.exists() else "k9lite",
        *("probe", SERVICE, "--kubeconfig", str(kubeconfig), "-n", "default"),
        *("--via", "url", "--url", url, "--keepalive", "--json"),
        *("--concurrency", str(concurrency), "--count", "100000", "--duration", str(seconds)),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if result.returncode != 0:
        raise BenchError(f"k9lite probe failed ({result.returncode}): {result.stderr.strip()}")
    summary = json.loads(result.stdout)
    answered, failed = int(summary["answered"]), int(summary["failed"])
    if failed:
        raise BenchError(f"k9lite probe: {failed} of {answered + failed} requests failed")
    pods = sum(1 for pod in summary["pods"] if pod["count"])
    return ProbeRun(answered / float(summary["seconds"]), answered, failed, pods)


def report(
    url: str, concurrency: int, seconds: float, wrk: list[float], probe: list[ProbeRun]
) -> str:
    rate = statistics.median(run.rate for run in probe)
    lines = [
        f"URL {url} ({SERVICE}, NodePort on {NODE}); {concurrency} connections kept alive, "
        f"{seconds:g} s a run, {len(probe)} round(s)",
        "",
        f"  {'figure':<46}{'value':>14}  {'goal':<20}verdict",
    ]
    if wrk:
        reference = statistics.median(wrk)
        lines.append(f"  {'wrk (requests/s, median)':<46}{reference:>14,.0f}  {'reference':<20}")
    rate_ok = "met" if rate >= GOAL_RATE else "MISSED"
    lines.append(
        f"  {'k9lite probe (requests/s, median)':<46}{rate:>14,.0f}  "
        f"{f'>= {GOAL_RATE:.0f}':<20}{rate_ok}"
    )
    lines.append("")
    if wrk:
        ratio = rate / statistics.median(wrk)
        verdict = "met" if ratio >= GOAL_RATIO else "MISSED"
        lines.append(f"k9lite probe / wrk = {ratio:.2f} (goal >= {GOAL_RATIO}: {verdict})")
    else:
        lines.append("k9lite probe / wrk = n/a: wrk is not installed (apt-get install wrk)")
    lines.append(
        f"answers counted by the probe: {sum(r.answered for r in probe):,}, "
        f"failed 0, pods answering in the last round: {probe[-1].pods}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, help="seconds a run (default 5)")
    parser.add_argument("--concurrency", type=int, default=8, help="connections (default 8)")
    parser.add_argument("--repeat", type=int, help="alternating wrk/k9lite rounds (default 3)")
    parser.add_argument("--quick", action="store_true", help="1 round of 1 s each")
    args = parser.parse_args(argv)
    seconds = args.seconds or (1.0 if args.quick else 5.0)
    repeat = args.repeat or (1 if args.quick else 3)
    wrk = shutil.which("wrk")
    options = DemoOptions(pod_start_delay=0.05, pod_stop_delay=0.05)
    try:
        with DemoCluster(options) as cluster:
            wait_running(cluster)
            url = node_port_url(cluster)
            wrk_rates: list[float] = []
            probes: list[ProbeRun] = []
            for round_ in range(1, repeat + 1):
                if wrk is not None:
                    wrk_rates.append(run_wrk(wrk, url, args.concurrency, seconds))
                probes.append(run_probe(cluster.kubeconfig_path, url, args.concurrency, seconds))
                log(f"round {round_}/{repeat} done")
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(report(url, args.concurrency, seconds, wrk_rates, probes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
