"""The `k9lite` command line."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from k9lite import __version__
from k9lite.commands.demo_cluster import add_demo_cluster_parser, run_demo_cluster
from k9lite.commands.reach import connected, on_cluster, reached
from k9lite.flag_checks import FlagError, probe_url
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
    add_demo_cluster_parser(commands)
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
    _diagnose_parser(commands)
    return parser


def _diagnose_parser(commands: Any) -> None:
    diagnose = commands.add_parser(
        "diagnose",
        help="say what keeps a Service's traffic from its pods, and how to fix it",
        description="Check Services for what keeps traffic from their pods: selectors that "
        "match no pod (or a Deployment's own labels), pods not ready, ports nobody listens on, "
        "nodes that drop traffic, pending load balancers; then ask each ready endpoint whether "
        "it answers. Each finding names its evidence, the rule and a kubectl command that "
        "fixes it. Without SERVICE: a line per Service of the namespace (-A: of every "
        "namespace), then what is wrong with each. Exit status 1 when any finding is an error, "
        "2 when something could not be checked, else 0.",
    )
    _connection_options(diagnose, subcommand=True)
    diagnose.add_argument(
        "service", metavar="SERVICE", nargs="?", help="the Service (default: every Service)"
    )
    diagnose.add_argument(
        "-A",
        "--all-namespaces",
        action="store_true",
        default=argparse.SUPPRESS,
        help="every Service of every namespace",
    )
    diagnose.add_argument(
        "-o", "--output", choices=("text", "json"), default="text", help="text (default) or json"
    )
    diagnose.add_argument(
        "--json", dest="output", action="store_const", const="json", help="the same as -o json"
    )
    diagnose.add_argument(
        "--no-check",
        action="store_true",
        help="only read the cluster's objects: send no request to the pods",
    )
    diagnose.add_argument(
        "--via",
        choices=("proxy", "direct"),
        default="proxy",
        help="how the pods are asked: through the API server's pod and service proxies "
        "(default), or straight to the pod IPs and the ClusterIP (from a node or a pod)",
    )
    diagnose.add_argument("--path", default="/", help="the path to request (default /)")
    diagnose.add_argument(
        "--timeout", type=float, default=2.0, help="seconds a request may take (default 2)"
    )


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


if TYPE_CHECKING:
    from k9lite.commands.ahead import ReadAhead
    from k9lite.kube.config import Connection
    from k9lite.kube.quick_config import QuickTarget
    from k9lite.model.services import Service


def _open_tui(args: argparse.Namespace, connection: Connection) -> int:
    from k9lite.ui.session import Session

    namespace = None if args.all_namespaces else (args.namespace or connection.namespace)
    # The first screen's list (the Pods view's) is asked for before Textual and the views are
    # imported: the server builds it while they load (about 0.7 s), not after.
    session = Session(connection, namespace)
    session.start(first=("pods",))
    from k9lite.ui.app import K9liteApp
    from k9lite.ui.navigator import AppOptions

    K9liteApp(AppOptions(connection, namespace, readonly=args.readonly), session=session).run()
    return 0


def _read_one(args: argparse.Namespace, target: QuickTarget, purpose: str) -> ReadAhead[Service]:
    """The Service `args` name and what its route reads, read from now on: the command
    imports what it draws with meanwhile."""
    from k9lite.commands.ahead import ReadAhead
    from k9lite.commands.reads import read_one

    namespace = args.namespace or target.namespace
    plan = partial(read_one, namespace=namespace, name=args.service, doctor=False)
    return ReadAhead(target.access, purpose, plan)


def _print_route(args: argparse.Namespace, target: QuickTarget) -> int:
    read = _read_one(args, target, "the route")
    from k9lite.commands.route import print_route

    return print_route(read, json=args.json)


def _print_diagnosis(args: argparse.Namespace, target: QuickTarget) -> int:
    from k9lite.commands.ahead import ReadAhead
    from k9lite.commands.reads import read_diagnosis

    namespace = None if args.all_namespaces else (args.namespace or target.namespace)
    plan = partial(read_diagnosis, namespace=namespace, name=args.service)
    read = ReadAhead(target.access, "the diagnosis", plan)
    # Imported while the server answers (as in _read_one).
    from k9lite.commands.diagnose import print_diagnosis

    check = None
    if not args.no_check:
        # Only a check pays for the HTTP client it sends with (traffic/transport).
        from k9lite.traffic.check import CheckOptions

        check = CheckOptions(args.via, args.path, args.timeout)
    return print_diagnosis(
        target.access, read, namespace, args.service, output=args.output, check=check
    )


def _print_probe(args: argparse.Namespace, target: QuickTarget) -> int:
    read = _read_one(args, target, "the probe")
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
    namespace = args.namespace or target.namespace
    return print_probe(target.access, read, namespace, request, json=args.json, log=args.log)


def _diagnose_problem(args: argparse.Namespace) -> str | None:
    """The one line that says what is wrong with diagnose's flags, if anything."""
    if args.all_namespaces and args.service:
        return f"{literal(args.service)} is one Service: name its namespace with -n, not -A"
    if not 0 < args.timeout <= 60:
        return "--timeout must be over 0 and at most 60 s"
    return None


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
        return run_demo_cluster(args)
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
    if args.command == "diagnose":
        problem = _diagnose_problem(args)
        if problem:
            print(f"k9lite diagnose: {problem}", file=sys.stderr)
            return 2
    if args.command in ("route", "probe", "diagnose"):
        if args.all_namespaces and args.command != "diagnose":
            parser.error(f"{args.command} works in one namespace: name it with -n, not -A")
        run = {"route": _print_route, "probe": _print_probe, "diagnose": _print_diagnosis}[
            args.command
        ]
        return on_cluster(args, lambda k, c: reached(k, c, lambda target: run(args, target)))
    return on_cluster(
        args, lambda k, c: connected(k, c, lambda connection: _open_tui(args, connection))
    )


if __name__ == "__main__":
    sys.exit(main())
