"""A shell in a pod: the TUI steps aside for `kubectl exec -it POD -- sh` and comes back when it
ends, as k9s does (`s` on a pod).

kubectl owns the terminal meanwhile: raw mode, window resizes (its TTY size queue), the
WebSocket to the API server. It is run with the context and kubeconfig k9lite uses, so it
reaches the same cluster as the same user. `--readonly` refuses the shell (it can change
anything inside the pod); logs and port-forwards stay allowed.
"""

from __future__ import annotations

import os
import shutil
import subprocess

from textual.app import SuspendNotSupported

from k9lite.kube.config import Connection
from k9lite.model.pods import Pod
from k9lite.ui.navigator import Navigator

__all__ = ["exec_command", "open_shell"]

SHELL = "sh"
"""What every image the tutorials use has (busybox, alpine, the demo's containers)."""


def exec_command(
    kubectl: str, connection: Connection, pod: Pod
) -> tuple[list[str], dict[str, str]]:
    """kubectl's command line and environment for an interactive shell in `pod`."""
    env = dict(os.environ)
    if connection.source != "in-cluster":
        env["KUBECONFIG"] = connection.source
    command = [
        kubectl,
        "--context",
        connection.context,
        "exec",
        "-it",
        "-n",
        pod.meta.namespace,
        pod.meta.name,
        "--",
        SHELL,
    ]
    if connection.source == "in-cluster":
        del command[1:3]  # in a pod, kubectl finds the cluster itself; there is no context
    return command, env


def open_shell(app: Navigator, pod: Pod) -> None:
    """Hand the terminal to a shell in `pod`; say on the message line how it ended."""
    what = f"pod/{pod.meta.name}"
    if app.options.readonly:
        app.show_error(f"read-only: no shell in {what} (started with --readonly)")
        return
    if pod.phase != "Running":
        app.show_error(f"{what} is {pod.phase or 'not running'}: no shell until it runs")
        return
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        app.show_error("a shell needs kubectl on PATH: k9lite runs kubectl exec -it, as k9s does")
        return
    command, env = exec_command(kubectl, app.connection, pod)
    try:
        with app.suspend():
            done = subprocess.run(command, env=env, check=False)
    except SuspendNotSupported:
        app.show_error("this terminal cannot be handed to a shell (no suspend here)")
        return
    except OSError as exc:
        app.show_error(f"cannot run kubectl: {exc.strerror or exc}")
        return
    # A shell ends with its last command's status: said, not raised as an error.
    app.show_message(f"shell in {what} ended (exit status {done.returncode})")
