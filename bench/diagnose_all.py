"""`k9lite diagnose -A` on the demo cluster: the whole report, pods asked, against kubectl.

Starts the demo cluster with its default walkthroughs plus `--services` more Services (each a
Deployment of `--replicas` pods behind it), waits until every Service has its ready endpoints,
then runs, alternating, `--repeat` rounds of:
  1. `kubectl get services -A` (the reference: one list, printed);
  2. `k9lite diagnose -A --no-check` (lists six kinds everywhere, diagnoses each Service);
  3. `k9lite diagnose -A` (and asks every ready endpoint, and each Service three times).
Each is a fresh process, as a user runs it. Prints medians, ratios against kubectl's, and the
issue's goal (the report in under 3 s on the demo). A report that lacks a Service, or that a
healthy Service fails, is an error (exit 1).

    python bench/diagnose_all.py [--services 20] [--replicas 3] [--repeat 3] [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from k9lite.demo.cluster import DemoCluster, DemoOptions

GOAL_SECONDS = 3.0
K9LITE = [sys.executable, "-m", "k9lite.cli"]


class BenchError(Exception):
    """The benchmark could not run, or the report was wrong."""


def kubectl(kubeconfig: Path, *args: str, stdin: str | None = None) -> str:
    beside = Path(sys.executable).with_name("kubectl")
    result = subprocess.run(
        [str(beside), "--kubeconfig", str(kubeconfig), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode != 0:
        raise BenchError(f"kubectl {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def add_services(kubeconfig: Path, count: int, replicas: int) -> list[str]:
    names = [f"bench-{index}" for index in range(count)]
    manifests = []
    for name in names:
        manifests.append(
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\n"
            f"spec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: {name}}}}}\n"
            f"  template:\n    metadata: {{labels: {{app: {name}}}}}\n"
            f"    spec: {{containers: [{{name: web, image: takytaky/hostname, "
            f"ports: [{{containerPort: 80}}]}}]}}\n"
        )
        manifests.append(
            f"apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\n"
            f"spec: {{selector: {{app: {name}}}, ports: [{{port: 80}}]}}\n"
        )
    kubectl(kubeconfig, "apply", "-f", "-", stdin="---\n".join(manifests))
    return names


def wait_ready(kubeconfig: Path, names: list[str], replicas: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    path = (
        "jsonpath={range .items[*]}{.metadata.labels.kubernetes\\.io/service-name} "
        "{.endpoints[*].conditions.ready}{'\\n'}{end}"
    )
    while time.monotonic() < deadline:
        lines = kubectl(kubeconfig, "get", "endpointslices", "-o", path).splitlines()
        ready = {line.split()[0]: line.split()[1:].count("true") for line in lines if line.split()}
        if all(ready.get(name, 0) == replicas for name in names):
            return
        time.sleep(0.2)
    raise BenchError(f"the {len(names)} bench Services did not get {replicas} ready endpoints")


def timed(command: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    return time.perf_counter() - start, result


def check_report(out: str, names: list[str]) -> None:
    rows = {line.split()[1]: line for line in out.split("\n\n")[0].splitlines()[1:]}
    missing = [name for name in names if name not in rows]
    if missing:
        raise BenchError(f"the report lacks {missing[:3]}")
    failing = [name for name in names if "✓ ok" not in rows[name]]
    if failing:
        raise BenchError(f"healthy Services reported failing: {[rows[n] for n in failing[:3]]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, help="Services added (default 20)")
    parser.add_argument("--replicas", type=int, default=3, help="pods behind each (default 3)")
    parser.add_argument("--repeat", type=int, help="alternating rounds (default 3)")
    parser.add_argument("--quick", action="store_true", help="5 Services, 1 round: a CI smoke run")
    args = parser.parse_args(argv)
    count = args.services if args.services is not None else (5 if args.quick else 20)
    repeat = args.repeat or (1 if args.quick else 3)
    samples: dict[str, list[float]] = {"kubectl": [], "no-check": [], "check": []}
    try:
        with DemoCluster(DemoOptions()) as cluster:
            kubeconfig = cluster.kubeconfig_path
            names = add_services(kubeconfig, count, args.replicas)
            wait_ready(kubeconfig, names, args.replicas, timeout=60 + count)
            cluster.wait_settled()
            base = ["diagnose", "-A", "--kubeconfig", str(kubeconfig)]
            runs = {
                "kubectl": [
                    str(Path(sys.executable).with_name("kubectl")),
                    *("--kubeconfig", str(kubeconfig), "get", "services", "-A"),
                ],
                "no-check": [*K9LITE, *base, "--no-check"],
                "check": [*K9LITE, *base],
            }
            for _ in range(repeat):
                for name, command in runs.items():
                    seconds, result = timed(command)
                    if name == "kubectl" and result.returncode != 0:
                        raise BenchError(f"kubectl failed: {result.stderr.strip()}")
                    if name != "kubectl":
                        # The default walkthroughs hold one broken Service (W6): exit 1.
                        if result.returncode != 1 or result.stderr:
                            raise BenchError(
                                f"diagnose exited {result.returncode}: {result.stderr}"
                            )
                        check_report(result.stdout, names)
                    samples[name].append(seconds)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    median = {name: statistics.median(values) for name, values in samples.items()}
    services = count + 5  # the default walkthroughs' Services, kubernetes included
    pods = count * args.replicas
    print(f"demo cluster: {services} Services, {pods:,} bench pods; {repeat} round(s), medians")
    print(f"kubectl get services -A: {median['kubectl']:.2f} s")
    for name in ("no-check", "check"):
        ratio = median[name] / median["kubectl"]
        print(
            f"diagnose -A {'--no-check' if name == 'no-check' else '(pods asked)'}: "
            f"{median[name]:.2f} s; / kubectl = {ratio:.1f}"
        )
    print(f"diagnose -A / goal ({GOAL_SECONDS:g} s) = {median['check'] / GOAL_SECONDS:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
