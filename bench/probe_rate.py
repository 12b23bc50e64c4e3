"""Requests a second of `k9lite probe` against wrk on each way in, and the data plane's own rate.

Starts the demo cluster in this process (the default scenario, with its data plane), waits until
its pods run, then alternates `--repeat` rounds of, for each way in:
  - keep-alive: worker1's address:nodePort of nodeport-hostname-service, connections kept
    (`wrk -t1 -cC -dSs URL`; `k9lite probe ... --via url --url URL --keepalive`);
  - new connections: the same URL, a new connection for each request
    (`wrk ... -H 'Connection: close' URL`; `k9lite probe ... --via url --url URL`);
  - API proxy: the API server's `/api/v1/namespaces/default/services/NAME:80/proxy/`, with the
    bearer token (`wrk ... -H 'Authorization: Bearer T' URL`; `k9lite probe ... --via proxy`);
and wrk kept alive straight to one pod's Hello server (its pod IP), the reference for the
data plane's forwarder: a NodePort can serve no faster than the pods behind it.
k9lite runs as the installed console script in a child process: its rate is the answers it
counted over the seconds its run took (its JSON says both; Python's start and the cluster
listing are left out, as wrk's own start is). Every client shares the machine with the cluster
(2 cores): the ratios, measured in the same rounds, are what count. Goal: k9lite >= 0.8 x wrk
on each way in. Without wrk (`apt-get install wrk`) only k9lite's rates are measured.

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
GOAL_RATIO = 0.8
WRK_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")


class BenchError(Exception):
    """The benchmark could not run (no URL, a client failed, an unparsable answer...)."""


def log(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True, slots=True)
class Way:
    """One way into the Service: the URL and headers wrk uses, and k9lite probe's options."""

    name: str
    url: str
    wrk_headers: tuple[str, ...]
    probe_args: tuple[str, ...]


def ways_in(cluster: DemoCluster, node_port: str, port: int) -> list[Way]:
    """Keep-alive and new connections to the NodePort, and the API server's service proxy."""
    proxy = f"{cluster.url}/api/v1/namespaces/default/services/{SERVICE}:{port}/proxy/"
    url_args = ("--via", "url", "--url", node_port)
    return [
        Way("keep-alive (NodePort)", node_port, (), (*url_args, "--keepalive")),
        Way("new connections (NodePort)", node_port, ("Connection: close",), url_args),
        Way(
            "API proxy",
            proxy,
            (f"Authorization: Bearer {cluster.token}",),
            ("--via", "proxy", "--keepalive"),
        ),
    ]


def data_plane_urls(cluster: DemoCluster, timeout: float = 10.0) -> tuple[str, str, int]:
    """worker1's address:nodePort of the Service, once the data plane listens, the socket of
    one of its pods' Hello servers, and the Service's port."""

    def lookup(rt: ClusterRuntime) -> tuple[tuple[str, int], tuple[str, int], int] | None:
        node = rt.store.get(resource("Node"), "", NODE)
        service_port = rt.store.get(resource("Service"), "default", SERVICE)["spec"]["ports"][0]
        address = node["status"]["addresses"][0]["address"]
        port = int(service_port["nodePort"])
        plane = rt.dataplane
        assert plane is not None
        if (address, port) not in {(li.host, li.port) for li in plane.listeners()}:
            return None  # the data plane has not caught up with the Service yet
        endpoints = plane.ready_endpoints("default", SERVICE, "")
        pod = plane.resolve(*endpoints[0]) if endpoints else None
        if pod is None:
            return None
        # A port taken on this machine (another demo cluster) is served elsewhere: follow it.
        node_port = plane.port_mappings.get((address, port), (address, port))
        return node_port, pod, int(service_port["port"])

    deadline = time.monotonic() + timeout
    while (found := cluster.call(lookup)) is None:
        if time.monotonic() > deadline:
            raise BenchError(f"no NodePort listener for {SERVICE} on {NODE} in {timeout:.0f} s")
        time.sleep(0.05)
    (host, port), (pod_host, pod_port), service_port = found
    return f"http://{host}:{port}/", f"http://{pod_host}:{pod_port}/", service_port


def wait_running(cluster: DemoCluster, timeout: float = 30.0) -> None:
    if not cluster.wait_settled(timeout):
        raise BenchError(f"the demo cluster's pods did not run within {timeout:.0f} s")


def run_wrk(
    wrk: str, url: str, headers: tuple[str, ...], concurrency: int, seconds: float
) -> float:
    command = [wrk, "-t1", f"-c{concurrency}", f"-d{max(1, round(seconds))}s"]
    for header in headers:
        command += ["-H", header]
    result = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 30)
    found = WRK_RATE.search(result.stdout)
    if result.returncode != 0 or found is None:
        raise BenchError(f"wrk failed ({result.returncode}): {result.stdout}{result.stderr}")
    if "Non-2xx" in result.stdout or "Socket errors" in result.stdout:
        raise BenchError(f"wrk to {url} had failures: {result.stdout}")
    return float(found.group(1))


@dataclass(frozen=True, slots=True)
class ProbeRun:
    rate: float
    answered: int
    pods: int


def run_probe(kubeconfig: Path, way: Way, concurrency: int, seconds: float) -> ProbeRun:
    script = Path(sys.executable).with_name("k9lite")
    command = [
        str(script) if script.exists() else "k9lite",
        *("probe", SERVICE, "--kubeconfig", str(kubeconfig), "-n", "default"),
        *way.probe_args,
        "--json",
        *("--concurrency", str(concurrency), "--count", "100000", "--duration", str(seconds)),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if result.returncode != 0:
        raise BenchError(f"k9lite probe failed ({result.returncode}): {result.stderr.strip()}")
    summary = json.loads(result.stdout)
    answered, failed = int(summary["answered"]), int(summary["failed"])
    if failed:
        raise BenchError(f"k9lite probe ({way.name}): {failed} of {answered + failed} failed")
    pods = sum(1 for pod in summary["pods"] if pod["count"])
    return ProbeRun(answered / float(summary["seconds"]), answered, pods)


@dataclass(slots=True)
class Rates:
    """What the rounds measured: per way in, wrk's and k9lite's rates; wrk to one pod."""

    wrk: dict[str, list[float]]
    probe: dict[str, list[ProbeRun]]
    pod: list[float]


def measure(
    cluster: DemoCluster, wrk: str | None, args: argparse.Namespace, seconds: float, repeat: int
) -> tuple[list[Way], str, Rates]:
    node_port, pod, port = data_plane_urls(cluster)
    ways = ways_in(cluster, node_port, port)
    rates = Rates({w.name: [] for w in ways}, {w.name: [] for w in ways}, [])
    for round_ in range(1, repeat + 1):
        for way in ways:
            if wrk is not None:
                rate = run_wrk(wrk, way.url, way.wrk_headers, args.concurrency, seconds)
                rates.wrk[way.name].append(rate)
            run = run_probe(cluster.kubeconfig_path, way, args.concurrency, seconds)
            rates.probe[way.name].append(run)
        if wrk is not None:
            rates.pod.append(run_wrk(wrk, pod, (), args.concurrency, seconds))
        log(f"round {round_}/{repeat} done")
    return ways, pod, rates


def report(ways: list[Way], pod: str, rates: Rates, concurrency: int, seconds: float) -> str:
    rounds = len(next(iter(rates.probe.values())))
    lines = [
        f"{SERVICE} on {NODE}: {ways[0].url} (NodePort), {ways[2].url} (API proxy)",
        f"{concurrency} connections, {seconds:g} s a run, {rounds} round(s), medians",
        "",
        f"  {'way in':<30}{'wrk req/s':>12}{'k9lite req/s':>14}{'ratio':>8}  {'goal':<8}verdict",
    ]
    ratios = {}
    for way in ways:
        probe = statistics.median(run.rate for run in rates.probe[way.name])
        if rates.wrk[way.name]:
            reference = statistics.median(rates.wrk[way.name])
            ratios[way.name] = f"{probe / reference:.2f}"
            verdict = "met" if probe / reference >= GOAL_RATIO else "MISSED"
            lines.append(
                f"  {way.name:<30}{reference:>12,.0f}{probe:>14,.0f}{ratios[way.name]:>8}  "
                f"{f'>= {GOAL_RATIO}':<8}{verdict}"
            )
        else:
            ratios[way.name] = "n/a: wrk is not installed (apt-get install wrk)"
            lines.append(f"  {way.name:<30}{'n/a':>12}{probe:>14,.0f}")
    lines.append("")
    lines += [f"k9lite probe / wrk ({name}) = {ratio}" for name, ratio in ratios.items()]
    direct = f"{statistics.median(rates.pod):,.0f}" if rates.pod else "n/a"
    forwarded = rates.wrk[ways[0].name]
    lines.append(
        f"data plane (wrk, keep-alive): one pod direct {pod} {direct} req/s, "
        f"through the NodePort forwarder "
        + (f"{statistics.median(forwarded):,.0f} req/s" if forwarded else "n/a")
    )
    answered = sum(run.answered for runs in rates.probe.values() for run in runs)
    last = min(runs[-1].pods for runs in rates.probe.values())
    lines.append(
        f"answers counted by the probe: {answered:,}, failed 0, "
        f"pods answering in the last round: {last}"
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
            ways, pod, rates = measure(cluster, wrk, args, seconds, repeat)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(report(ways, pod, rates, args.concurrency, seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
