"""The demo's kubeconfig: its document, where `--kubeconfig-out` may write, and writing it so
only its owner can read it.

The document names one cluster, the admin's context and one context per `--user` account. The
file holds a bearer token: it is written 0600 through a temporary file in the same directory
and an atomic rename, so a reader never sees half a file and an existing 0644 file never keeps
its mode. A file that is there already is replaced only when it is a kubeconfig this command
wrote before (its only context is the demo's), or when the user says `--force`.
"""

from __future__ import annotations

import base64
import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from k9lite.demo.rbac.users import ADMIN_USER

__all__ = [
    "CONTEXT_NAME",
    "KubeconfigOutError",
    "check_kubeconfig_out",
    "kubeconfig_document",
    "write_private",
]

CONTEXT_NAME = "k9lite-demo"


def kubeconfig_document(
    server: str, ca_pem: bytes, token: str, user_tokens: dict[str, str] | None = None
) -> dict[str, Any]:
    """One cluster, the admin's context (the current one), and a context per `--user`."""
    accounts = {ADMIN_USER: token, **(user_tokens or {})}
    contexts = {CONTEXT_NAME: ADMIN_USER} | {name: name for name in user_tokens or {}}
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": CONTEXT_NAME,
                "cluster": {
                    "server": server,
                    "certificate-authority-data": base64.b64encode(ca_pem).decode(),
                },
            }
        ],
        "users": [{"name": name, "user": {"token": secret}} for name, secret in accounts.items()],
        "contexts": [
            {
                "name": context,
                "context": {"cluster": CONTEXT_NAME, "user": user, "namespace": "default"},
            }
            for context, user in contexts.items()
        ],
        "current-context": CONTEXT_NAME,
    }


class KubeconfigOutError(ValueError):
    """`--kubeconfig-out` names a place the kubeconfig may not or cannot be written to."""


def _context_names(path: Path) -> list[str] | None:
    """The context names of a kubeconfig file, or None when it is not one (or unreadable)."""
    try:
        document = yaml.safe_load(path.read_text())
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    if not isinstance(document, dict) or document.get("kind") != "Config":
        return None
    contexts = document.get("contexts") or []
    if not isinstance(contexts, list):
        return None
    return [str(c.get("name")) for c in contexts if isinstance(c, dict)]


def _check_writable(path: Path) -> None:
    """The nearest existing ancestor of `path` must be a directory this process can write in."""
    ancestor = path.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise KubeconfigOutError(f"--kubeconfig-out {path}: {ancestor} is not a directory")
    # Try it: permission bits say nothing to root, and nothing of read-only file systems.
    try:
        fd, probe = tempfile.mkstemp(dir=ancestor, prefix=".k9lite-probe-")
    except OSError as exc:
        raise KubeconfigOutError(
            f"--kubeconfig-out {path}: cannot write in {ancestor}: {exc.strerror or exc}"
        ) from None
    os.close(fd)
    os.unlink(probe)


def check_kubeconfig_out(path: Path, *, force: bool) -> None:
    """Refuse, with one line, a path that is a directory, unwritable, or someone else's file."""
    if path.is_dir():
        raise KubeconfigOutError(
            f"--kubeconfig-out {path} is a directory; name a file, e.g. {path / 'kubeconfig'}"
        )
    _check_writable(path)
    if force or not (path.exists() or path.is_symlink()):
        return
    names = _context_names(path)
    # demo-cluster writes the admin's context first, then one per `--user` account.
    if names and names[0] == CONTEXT_NAME:
        return
    what = (
        f"a kubeconfig with contexts {', '.join(names)}"
        if names
        else "a file that is not a kubeconfig"
        if names is None
        else "a kubeconfig with no contexts"
    )
    raise KubeconfigOutError(
        f"--kubeconfig-out {path} is {what}, not one demo-cluster wrote; "
        "choose another file, or add --force to replace it"
    )


def write_private(path: Path, document: dict[str, Any]) -> None:
    """Write `document` as YAML to `path`, mode 0600, through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp creates the file 0600 whatever the umask: the token is never readable by others.
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as handle:
            yaml.safe_dump(document, handle, sort_keys=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
