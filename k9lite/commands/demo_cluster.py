"""`k9lite demo-cluster`: the bundled demo cluster in the foreground, every flag checked first."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from k9lite.demo.limits import DEFAULT_MAX_PODS, MAX_NODES, MAX_PODS
from k9lite.flag_checks import FlagError, bounded_int
from k9lite.render.literal import literal

if TYPE_CHECKING:
    from k9lite.demo.cluster import DemoOptions

__all__ = ["add_demo_cluster_parser", "run_demo_cluster"]


def add_demo_cluster_parser(commands: Any) -> None:
    """The `demo-cluster` subcommand and its flags."""
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
        # --scale spreads its pods 50 to a node: it brings the nodes it needs (the address plan
        # of MAX_NODES nodes holds MAX_PODS pods).
        nodes=min(max(nodes, -(-scale // 50)), MAX_NODES),
        scale=scale,
        load_balancer=not args.no_loadbalancer,
        max_pods=max_pods,
        users=users,
    )


# How long SIGINT/SIGTERM may take to stop the demo cluster before the process leaves anyway.
_STOP_SECONDS = 1.5


def run_demo_cluster(args: argparse.Namespace) -> int:
    """`k9lite demo-cluster`: start it, print where it listens, run until Ctrl+C or SIGTERM."""
    # Only the demo cluster pays for logging (the one-shots share this module's parser).
    import logging
    import signal
    import threading

    from k9lite.demo.cluster import DemoCluster, DemoStartError

    if args.scenario and "list" in args.scenario:
        from k9lite.commands.scenarios import print_scenarios

        return print_scenarios()
    try:
        options = _demo_options(args)
    except FlagError as exc:
        print(f"k9lite demo-cluster: {literal(str(exc))}", file=sys.stderr)
        return 2
    # The cluster's warnings (a port it had to move, a listener it could not open) are for the
    # person at the terminal: one plain line each.
    logging.basicConfig(level=logging.WARNING, format="demo cluster: %(message)s")
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
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
