"""A one-shot's reads, started before the command imports what it analyses and draws with.

The analysis, the renderables and Rich take about as long to import as the server takes to
answer a route's or a diagnosis's requests: read in a thread from the moment the kubeconfig is
read, the two overlap.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from k9lite.commands.reads import Reads, reading
from k9lite.kube.proxy import ProxyAccess
from k9lite.model.state import ClusterState

__all__ = ["ReadAhead"]

T = TypeVar("T")


class ReadAhead(Generic[T]):
    """`plan` run on fresh `Reads` in a thread from now on; `result()` waits for it."""

    def __init__(self, access: ProxyAccess, purpose: str, plan: Callable[[Reads], T]) -> None:
        self._access = access
        self._purpose = purpose
        self._plan = plan
        self._outcome: tuple[ClusterState, T] | None = None
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=f"reading {purpose}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            with reading(self._access, self._purpose) as reads:
                found = self._plan(reads)
            self._outcome = (reads.state, found)
        except BaseException as exc:  # raised again by result(), in the command's thread
            self._failure = exc

    def result(self) -> tuple[ClusterState, T]:
        """The state read and what `plan` returned; its failure (CommandFailed, a KubeError)
        is raised here."""
        self._thread.join()
        if self._outcome is None:
            raise self._failure or RuntimeError(f"{self._purpose}: nothing was read")
        return self._outcome
