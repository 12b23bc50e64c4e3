"""The `k9lite` command line."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from k9lite import __version__
from k9lite.demo.limits import DEFAULT_MAX_PODS, MAX_NODES, MAX_PODS
from k9lite.flag_checks import FlagError, bounded_int, probe_url
from k9lite.render.literal import literal

__all__ = ["main"]


def _connection_options(parser: argparse.ArgumentParser, *, subcommand: bool = False) -> None:
    """--demo, --kubeconfig, --context and -n, on the main parser and on each subcommand.

    A subcommand's copies default to "not given", so `k9lite -n NS route SVC` and
    `k9lite route -n NS SVC` mean the same.
    """
    given: dict[str, Any] = {"default": argparse.SUPPRESS} if subcommand else {}
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start the bundled demo cluster and connect to it",
        **given,
    )
    parser.add_argument(
        "--kubeconfig",
        metavar="FILE",
        help="kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)",
        **given,
    )
    parser.add_argument("--context", metavar="NAME", help="kubeconfig context to use", **given)
    parser.add_argument(
        "-n", "--namespace", metavar="NS", help="namespace (default: the context's)", **given
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="k9lite",
        description="A terminal dashboard for Kubernetes Services and the traffic behind them.",
    )
    parser.add_argument("--version", action="version", version=f"k9lite {__version__}")
    _connection_options(parser)
    parser.add_argument(
        "-A", "--all-namespaces", action="store_true", help="show every namespace (not with -n)"
    )
    parser.add_argument(
        "--readonly",
        action="store_true",
        help="disable the actions that change the cluster (scale, delete)",
    )
    parser.add_argument(
        "--scenario",
        action="append",
        metavar="NAME",
        help="with --demo: the walkthrough scenario the demo cluster holds (repeatable); "
        "`--scenario list` names them all",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo-cluster",
        help="run the bundled demo cluster in the foreground",
        description="Run the demo cluster: a Kubernetes API server on 127.0.0.1 with nodes, "
        "controllers and pods that answer HTTP. kubectl and k9lite reach it "
        "through the kubeconfig it writes.",
    )
    # Numbers are read as text and checked after parsing (flag_checks): one line per bad value.
    demo.add_argument("--port", default="0", help="API server port (default: a free one)")
    demo.add_argument(
        "--kubeconfig-out",
        type=Path,
        metavar="FILE",
        help="where to write the kubeconfig, mode 0600 (default: a temporary file); an existing "
        "file is replaced only if demo-cluster wrote it",
    )
    demo.add_argument(
        "--force",
        action="store_true",
        help="with --kubeconfig-out: replace the file even if demo-cluster did not write it",
    )
    demo.add_argument(
        "--scenario",
        action="append",
        metavar="NAME",
        help="walkthrough scenario to load (repeatable): default, empty, w1 ... w8; "
        "`--scenario list` names them all",
    )
    demo.add_argument(
        "--nodes", default="3", help="number of nodes: master, worker1, ... (default: 3)"
    )
    demo.add_argument(
        "--scale",
        default="0",
        metavar="PODS",
        help="also create this many pods over many Deployments, Services, "
        "namespaces and nodes, for performance work (no data plane)",
    )
    demo.add_argument(
        "--user",
        action="append",
        default=[],
        metavar="NAME:ROLE",
        help="add a user with its own token and kubeconfig context, bound to ROLE: cluster-admin, "
        "admin, edit, view (cluster-wide) or viewer (pods and services of default); repeatable",
    )
    demo.add_argument(
        "--max-pods",
        default=str(DEFAULT_MAX_PODS),
        metavar="PODS",
        help=f"refuse creates and scales that would take the cluster past this many pods "
        f"(default {DEFAULT_MAX_PODS:,}, at most {MAX_PODS:,})",
    )
    demo.add_argument(
        "--no-loadbalancer",
        action="store_true",
        help="run no load-balancer controller: EXTERNAL-IP stays <pending>",
    )
    route = commands.add_parser(
        "route",
        help="draw how traffic reaches a Service's pods",
        description="Draw the route traffic takes to a Service's pods: ingress, load balancer, "
        "NodePorts, ClusterIP, endpoints; from the cluster's state now.",
    )
    _connection_options(route, subcommand=True)
    route.add_argument("service", metavar="SERVICE", help="the Service's name")
    route.add_argument("--json", action="store_true", help="print the route's hops as JSON")
    _probe_parser(commands)
    from k9lite.commands.tour import add_tour_parser

    add_tour_parser(commands)
    diagnose = commands.add_parser(
        "diagnose",
        help="explain why a Service has no (or too few) endpoints, and how to fix it",
        description="Check Services for what keeps traffic from their pods: selectors that "
        "match no pod (or a Deployment's own labels), pods not ready, ports the pods do not "
        "declare, nodes that drop traffic, pending load balancers. Each finding names its "
        "evidence, the rule and a kubectl command that fixes it. Exit status 1 when any "
        "finding is an error.",
    )
    _connection_options(diagnose, subcommand=True)
    which = diagnose.add_mutually_exclusive_group(required=True)
    which.add_argument("service", metavar="SERVICE", nargs="?", help="the Service's name")
    which.add_argument("--all", action="store_true", help="every Service of the namespace")
    diagnose.add_argument("--json", action="store_true", help="print the findings as JSON")
    return parser


def _probe_parser(commands: Any) -> None:
    from k9lite.traffic.limits import MAX_CONCURRENCY, MAX_COUNT

    probe = commands.add_parser(
        "probe",
        help="fire test requests at a Service and show which pods answered",
        description="Send repeated HTTP requests to a Service, as the tutorials' curl loop, "
        "and print how many answers came from each pod and node, whether the spread is fair, "
        "the latency and the errors. Exit status 1 when every request failed.",
    )
    _connection_options(probe, subcommand=True)
    probe.add_argument("service", metavar="SERVICE", help="the Service's name")
    probe.add_argument(
        "--via",
        choices=("proxy", "nodeport", "loadbalancer", "clusterip", "url"),
        default="proxy",
        help="the way in: the API server's service proxy (default), every node's NodePort, "
        "the load balancer, the ClusterIP (from a node or pod), or --url",
    )
    probe.add_argument("--url", help="with --via url: the URL (a port-forward, an ingress)")
    probe.add_argument("--port", help="the Service port, by number or name (default: its first)")
    probe.add_argument("--path", default="/", help="the path to request (default /)")
    probe.add_argument("--node", help="with --via nodeport: only this node (default: round robin)")
    probe.add_argument(
        "--count",
        type=int,
        default=100,
        help=f"requests to send (default 100, at most {MAX_COUNT:,})",
    )
    probe.add_argument(
        "--duration", type=float, default=60.0, help="stop after this many seconds (default 60)"
    )
    probe.add_argument(
        "--concurrency",
        type=int,
        default=1,
        help=f"requests in flight at once (default 1, at most {MAX_CONCURRENCY})",
    )
    probe.add_argument(
        "--interval",
        type=float,
        default=0.0,
        help="seconds each sender waits between requests, as the loop's `sleep 1` (default 0)",
    )
    probe.add_argument(
        "--timeout", type=float, default=5.0, help="seconds a request may take (default 5)"
    )
    probe.add_argument(
        "--keepalive",
        action="store_true",
        help="reuse connections (default: a new one per request, as curl): kube-proxy "
        "spreads connections, so one kept-alive connection pins one pod (through the proxy "
        "the API server picks a pod per request either way)",
    )
    probe.add_argument("--host", help="a Host header (for an ingress that routes by host)")
    probe.add_argument(
        "--match",
        metavar="REGEX",
        help="a regex with one group that captures the answering hostname from the body",
    )
    probe.add_argument("--json", action="store_true", help="print the summary as JSON")
    probe.add_argument("--log", action="store_true", help="print each answer as it comes")


def _demo_options(args: argparse.Namespace) -> DemoOptions:
    """The demo cluster's options from its flags, every value checked (FlagError otherwise)."""
    from k9lite.demo.cluster import DemoOptions
    from k9lite.demo.kubeconfig_file import KubeconfigOutError, check_kubeconfig_out
    from k9lite.demo.rbac.users import DemoUser

    port = bounded_int("--port", args.port, 0, 65535)
    nodes = bounded_int("--nodes", args.nodes, 1, MAX_NODES, "nodes")
    max_pods = bounded_int("--max-pods", args.max_pods, 1, MAX_PODS, "pods")
    scale = bounded_int("--scale", args.scale, 0, max_pods, "pods")
    try:
        # Unknown roles and taken names are refused by DemoCluster itself, in one line.
        users = tuple(DemoUser.parse(text) for text in args.user)
    except ValueError as exc:
        raise FlagError(f"--user {exc}") from None
    if args.force and args.kubeconfig_out is None:
        raise FlagError("--force only applies to --kubeconfig-out FILE")
    if args.kubeconfig_out is not None:
        try:
            check_kubeconfig_out(args.kubeconfig_out, force=args.force)
        except KubeconfigOutError as exc:
            raise FlagError(str(exc)) from None
    return DemoOptions(
        port=port,
        # An unknown scenario is refused by DemoCluster itself, in one line.
        scenarios=tuple(args.scenario or ("default",)),
        # --scale spreads its pods 50 to a node: it brings the nodes it needs.
        nodes=max(nodes, -(-scale // 50)) if scale else nodes,
        scale=scale,
        load_balancer=not args.no_loadbalancer,
        max_pods=max_pods,
        users=users,
    )


# How long SIGINT/SIGTERM may take to stop the demo cluster before the process leaves anyway.
_STOP_SECONDS = 1.5


def _run_demo_cluster(args: argparse.Namespace) -> int:
    from k9lite.demo.cluster import DemoCluster, DemoStartError

    if args.scenario and "list" in args.scenario:
        return _print_scenarios()
    try:
        options = _demo_options(args)
    except FlagError as exc:
        print(f"k9lite demo-cluster: {literal(str(exc))}", file=sys.stderr)
        return 2
    # The cluster's warnings (a port it had to move, a listener it could not open) are for the
    # person at the terminal: one plain line each.
    logging.basicConfig(level=logging.WARNING, format="demo cluster: %(message)s")
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if stop.is_set():
            # A second Ctrl+C while stopping: leave at once.
            os._exit(130)
        stop.set()

    try:
        cluster = DemoCluster(options, kubeconfig_path=args.kubeconfig_out).start()
    except DemoStartError as exc:
        print(f"k9lite: {literal(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        # Ctrl+C while it was starting (a big --scale): its thread is a daemon and goes too.
        print("demo cluster interrupted while starting", file=sys.stderr)
        return 130
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        print(cluster.summary(), flush=True)
        while not stop.wait(0.1):
            pass
    finally:
        cluster.stop(timeout=_STOP_SECONDS)
    print("demo cluster stopped", flush=True)
    return 0


if TYPE_CHECKING:
    from k9lite.demo.cluster import DemoOptions
    from k9lite.kube.config import Connection


def _on_cluster(args: argparse.Namespace, run: Callable[[Connection], int]) -> int:
    """Connect as the options say (starting the demo cluster for --demo) and `run`."""
    if not args.demo:
        return _connected(args.kubeconfig, args.context, run)
    # Only --demo pays for importing the demo cluster (aiohttp, certificates).
    from k9lite.demo.cluster import DemoCluster, DemoOptions, DemoStartError

    try:
        demo = DemoCluster(DemoOptions(scenarios=tuple(args.scenario or ("default",)))).start()
    except DemoStartError as exc:
        print(f"k9lite: {exc}", file=sys.stderr)
        return 2
    try:
        if args.command is not None:
            # A one-shot command on a cluster that just started would catch pods starting.
            demo.wait_settled()
        return _connected(str(demo.kubeconfig_path), None, run)
    finally:
        demo.stop()


def _connected(
    kubeconfig: str | None, context: str | None, run: Callable[[Connection], int]
) -> int:
    from k9lite.commands.lookup import CommandFailed
    from k9lite.kube.config import check_connection, load_connection
    from k9lite.kube.errors import ClusterUnreachable, KubeError, NoKubeconfig

    try:
        connection = load_connection(kubeconfig, context)
        check_connection(connection)
        return run(connection)
    # A KubeError may quote the server's message: shown literally, as all cluster text.
    except (NoKubeconfig, ClusterUnreachable) as exc:
        print(
            f"k9lite: {literal(str(exc))}\nNo cluster at hand? Try the bundled one: k9lite --demo",
            file=sys.stderr,
        )
        return 2
    except KubeError as exc:
        print(f"k9lite: {literal(str(exc))}", file=sys.stderr)
        return 2
    except CommandFailed as exc:
        print(f"k9lite: {exc}", file=sys.stderr)
        return exc.status


def _open_tui(args: argparse.Namespace, connection: Connection) -> int:
    from k9lite.ui.app import K9liteApp
    from k9lite.ui.navigator import AppOptions

    namespace = None if args.all_namespaces else (args.namespace or connection.namespace)
    K9liteApp(AppOptions(connection, namespace, readonly=args.readonly)).run()
    return 0


def _print_route(args: argparse.Namespace, connection: Connection) -> int:
    from k9lite.commands.route import print_route

    namespace = args.namespace or connection.namespace
    return print_route(connection, namespace, args.service, json=args.json)


def _print_diagnosis(args: argparse.Namespace, connection: Connection) -> int:
    from k9lite.commands.diagnose import print_diagnosis

    namespace = args.namespace or connection.namespace
    return print_diagnosis(connection, namespace, args.service, json=args.json)


def _print_probe(args: argparse.Namespace, connection: Connection) -> int:
    from k9lite.commands.probe import print_probe
    from k9lite.traffic.plan import ProbeRequest
    from k9lite.traffic.runner import ProbeOptions

    options = ProbeOptions(
        count=args.count,
        duration=args.duration,
        concurrency=args.concurrency,
        interval=args.interval,
        timeout=args.timeout,
        keepalive=args.keepalive,
        host=args.host,
    )
    request = ProbeRequest(
        args.service,
        args.via,
        options,
        port=args.port,
        path=args.path,
        node=args.node,
        url=args.url,
        match=args.match,
    )
    namespace = args.namespace or connection.namespace
    return print_probe(connection, namespace, request, json=args.json, log=args.log)


def _print_scenarios() -> int:
    # Only listing pays for reading the scenarios (the demo package).
    from k9lite.commands.scenarios import print_scenarios

    return print_scenarios()


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # `k9lite probe ... | head`: the reader left; say nothing more, as other tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _main(argv: Sequence[str] | None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "demo-cluster":
        return _run_demo_cluster(args)
    if args.all_namespaces and args.namespace:
        parser.error("-n/--namespace and -A/--all-namespaces cannot be used together")
    if args.demo and (args.kubeconfig or args.context):
        given = (
            f"--kubeconfig {args.kubeconfig}" if args.kubeconfig else f"--context {args.context}"
        )
        print(
            f"k9lite: --demo starts its own cluster and connects through its own kubeconfig; "
            f"it cannot be used with {literal(given)}",
            file=sys.stderr,
        )
        return 2
    if args.scenario and "list" in args.scenario:
        return _print_scenarios()
    if args.command == "tour":
        from k9lite.commands.tour import run_tour

        return run_tour(args)
    if args.scenario and not args.demo:
        print(
            "k9lite: --scenario picks what the demo cluster holds: use it with --demo",
            file=sys.stderr,
        )
        return 2
    if args.command == "probe" and args.via == "url":
        try:
            probe_url(args.url)
        except FlagError as exc:
            print(f"k9lite probe: {literal(str(exc))}", file=sys.stderr)
            return 2
    if args.command in ("route", "probe", "diagnose"):
        if args.all_namespaces:
            parser.error(f"{args.command} works in one namespace: name it with -n, not -A")
        run = {"route": _print_route, "probe": _print_probe, "diagnose": _print_diagnosis}[
            args.command
        ]
        return _on_cluster(args, lambda connection: run(args, connection))
    return _on_cluster(args, lambda connection: _open_tui(args, connection))


if __name__ == "__main__":
    sys.exit(main())
