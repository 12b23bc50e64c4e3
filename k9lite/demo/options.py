"""How to build a demo cluster (`DemoOptions`), and the checks it must pass before it starts.

A bad option is refused with one line (`DemoStartError`) before any port is bound, so the
command line can print it and exit.
"""

from __future__ import annotations

from dataclasses import dataclass

from k9lite.demo import scenarios
from k9lite.demo.kubeconfig_file import CONTEXT_NAME
from k9lite.demo.limits import DEFAULT_MAX_PODS, MAX_NODES
from k9lite.demo.rbac.policy import assignable_roles
from k9lite.demo.rbac.users import DemoUser

__all__ = ["DemoOptions", "DemoStartError", "check_options"]


class DemoStartError(RuntimeError):
    """The demo cluster could not start (a taken port, an unknown scenario...)."""


@dataclass(frozen=True, slots=True)
class DemoOptions:
    """How to build the demo cluster."""

    port: int = 0
    scenarios: tuple[str, ...] = ("default",)
    nodes: int = 3
    scale: int = 0
    max_pods: int = DEFAULT_MAX_PODS
    """Creates and scales that would take the cluster past this many pods are refused."""
    load_balancer: bool = True
    dataplane: bool = True
    pod_start_delay: float = 0.5
    pod_stop_delay: float = 0.5
    bookmark_interval: float = 30.0
    seed: int | None = None
    users: tuple[DemoUser, ...] = ()
    """Accounts beside the admin, each with its own token and kubeconfig context."""


def check_options(options: DemoOptions) -> None:
    """Raise DemoStartError for a scale over the pod cap, too many nodes, an unknown scenario or
    a bad user."""
    if not 1 <= options.nodes <= MAX_NODES:
        raise DemoStartError(f"{options.nodes} nodes asked for; the demo runs 1 to {MAX_NODES:,}")
    if options.scale > options.max_pods:
        raise DemoStartError(f"{options.scale} pods asked for, over the cap of {options.max_pods}")
    unknown = [s for s in options.scenarios if s not in scenarios.SCENARIOS]
    if unknown:
        raise DemoStartError(
            f"unknown scenario {unknown[0]!r}; choose from {', '.join(scenarios.SCENARIOS)}"
        )
    _check_users(options.users)


def _check_users(users: tuple[DemoUser, ...]) -> None:
    """Each account once, never the admin, each bound to a role the cluster starts with."""
    roles = assignable_roles()
    seen: set[str] = set()
    for user in users:
        problem = user.problem() or (
            f"user name {user.name!r} is the admin's context" if user.name == CONTEXT_NAME else None
        )
        if problem:
            raise DemoStartError(problem)
        if user.name in seen:
            raise DemoStartError(f"user {user.name!r} is given twice")
        if user.role not in roles:
            raise DemoStartError(
                f"user {user.name!r}: unknown role {user.role!r}; choose from {', '.join(roles)}"
            )
        seen.add(user.name)
