"""The `k9lite` command line."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from k9lite import __version__

__all__ = ["main"]


def _positive(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="k9lite",
        description="A terminal dashboard for Kubernetes Services and the traffic behind them.",
    )
    parser.add_argument("--version", action="version", version=f"k9lite {__version__}")
    parser.add_argument(
        "--demo", action="store_true", help="start the bundled demo cluster and connect to it"
    )
    parser.add_argument(
        "--kubeconfig",
        metavar="FILE",
        help="kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)",
    )
    parser.add_argument("--context", metavar="NAME", help="kubeconfig context to use")
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument("-n", "--namespace", metavar="NS", help="namespace to show")
    scope.add_argument("-A", "--all-namespaces", action="store_true", help="show every namespace")
    parser.add_argument(
        "--readonly",
        action="store_true",
        help="disable the actions that change the cluster (scale, delete)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo-cluster",
        help="run the bundled demo cluster in the foreground",
        description="Run the demo cluster: a Kubernetes API server on 127.0.0.1 with nodes, "
        "controllers and pods that answer HTTP. kubectl and k9lite reach it "
        "through the kubeconfig it writes.",
    )
    demo.add_argument(
        "--port", type=_positive, default=0, help="API server port (default: a free one)"
    )
    demo.add_argument(
        "--kubeconfig-out",
        type=Path,
        metavar="FILE",
        help="where to write the kubeconfig (default: a temporary file)",
    )
    demo.add_argument(
        "--scenario",
        action="append",
        metavar="NAME",
        help="walkthrough scenario to load (repeatable): default, empty, w1 ... w8",
    )
    demo.add_argument(
        "--nodes",
        type=_positive,
        default=3,
        help="number of nodes: master, worker1, ... (default: 3)",
    )
    demo.add_argument(
        "--scale",
        type=_positive,
        default=0,
        metavar="PODS",
        help="also create this many pods over many Deployments, Services, "
        "namespaces and nodes, for performance work (no data plane)",
    )
    demo.add_argument(
        "--no-loadbalancer",
        action="store_true",
        help="run no load-balancer controller: EXTERNAL-IP stays <pending>",
    )
    return parser


def _run_demo_cluster(args: argparse.Namespace) -> int:
    from k9lite.demo.cluster import DemoCluster, DemoOptions, DemoStartError

    # The cluster's warnings (a port it had to move, a listener it could not open) are for the
    # person at the terminal: one plain line each.
    logging.basicConfig(level=logging.WARNING, format="demo cluster: %(message)s")
    scenario_names = tuple(args.scenario or ("default",))
    nodes = max(args.nodes, -(-args.scale // 50)) if args.scale else args.nodes
    options = DemoOptions(
        port=args.port,
        scenarios=scenario_names,
        nodes=nodes,
        scale=args.scale,
        load_balancer=not args.no_loadbalancer,
    )
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    try:
        cluster = DemoCluster(options, kubeconfig_path=args.kubeconfig_out).start()
    except DemoStartError as exc:
        print(f"k9lite: {exc}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        print(cluster.summary(), flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        cluster.stop()
    print("demo cluster stopped", flush=True)
    return 0


def _run_tui(args: argparse.Namespace) -> int:
    if not args.demo:
        return _open_tui(args, args.kubeconfig, args.context)
    # Only --demo pays for importing the demo cluster (aiohttp, certificates).
    from k9lite.demo.cluster import DemoCluster, DemoOptions, DemoStartError

    try:
        demo = DemoCluster(DemoOptions()).start()
    except DemoStartError as exc:
        print(f"k9lite: {exc}", file=sys.stderr)
        return 2
    try:
        return _open_tui(args, str(demo.kubeconfig_path), None)
    finally:
        demo.stop()


def _open_tui(args: argparse.Namespace, kubeconfig: str | None, context: str | None) -> int:
    from k9lite.kube.config import check_connection, load_connection
    from k9lite.kube.errors import ClusterUnreachable, KubeError, NoKubeconfig
    from k9lite.ui.app import AppOptions, K9liteApp

    try:
        connection = load_connection(kubeconfig, context)
        check_connection(connection)
    except (NoKubeconfig, ClusterUnreachable) as exc:
        print(
            f"k9lite: {exc}\nNo cluster at hand? Try the bundled one: k9lite --demo",
            file=sys.stderr,
        )
        return 2
    except KubeError as exc:
        print(f"k9lite: {exc}", file=sys.stderr)
        return 2
    namespace = None if args.all_namespaces else (args.namespace or connection.namespace)
    K9liteApp(AppOptions(connection, namespace, readonly=args.readonly)).run()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "demo-cluster":
        return _run_demo_cluster(args)
    return _run_tui(args)


if __name__ == "__main__":
    sys.exit(main())
