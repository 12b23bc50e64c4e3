"""Reaching the cluster a command names: the demo for --demo, the kubeconfig's otherwise, and
a failure said as one line with an exit status."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from k9lite.render.literal import literal

if TYPE_CHECKING:
    from k9lite.kube.config import Connection
    from k9lite.kube.quick_config import QuickTarget

__all__ = ["connected", "on_cluster", "reached"]


def on_cluster(args: argparse.Namespace, reach: Callable[[str | None, str | None], int]) -> int:
    """Reach the cluster the options name (`reach(kubeconfig, context)`), starting the demo
    cluster first for --demo."""
    if not args.demo:
        return reach(args.kubeconfig, args.context)
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
        return reach(str(demo.kubeconfig_path), None)
    finally:
        demo.stop()


def connected(kubeconfig: str | None, context: str | None, run: Callable[[Connection], int]) -> int:
    """`run` on the connection the official loader makes (the TUI watches through it)."""

    def connect() -> int:
        from k9lite.kube.config import check_connection, load_connection

        connection = load_connection(kubeconfig, context)
        check_connection(connection)
        return run(connection)

    return _said(connect)


def reached(kubeconfig: str | None, context: str | None, run: Callable[[QuickTarget], int]) -> int:
    """`run` a one-shot: its kubeconfig read without the official client when it is a common
    one (k9lite.kube.quick_config), else by the official loader, as the TUI's."""

    def reach() -> int:
        from k9lite.kube.quick_config import QuickTarget, quick_target

        target = quick_target(kubeconfig, context)
        if target is None:
            from k9lite.kube.config import check_connection, load_connection
            from k9lite.kube.proxy import proxy_access

            connection = load_connection(kubeconfig, context)
            check_connection(connection)
            target = QuickTarget(proxy_access(connection), connection.namespace)
        return run(target)

    return _said(reach)


def _said(call: Callable[[], int]) -> int:
    """`call`, its failure said as one line on stderr and an exit status."""
    from k9lite.commands.lookup import CommandFailed
    from k9lite.kube.errors import ClusterUnreachable, KubeError, NoKubeconfig

    try:
        return call()
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
