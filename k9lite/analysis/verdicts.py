"""The doctor's verdict per Service, diagnosed once while nothing a diagnosis reads changes.

A view redraws its rows on every change of the state and once a second for the rows on
screen; diagnosing each Service each time would cost a pass over its pods at every frame. A
`Verdicts` keeps each Service's verdict until a kind of `DOCTOR_KINDS` changes (its version in
the state moves) or the state is another one (a context or namespace switch): an idle screen
never diagnoses again. One per view, never shared, so that its entries go with the view.
"""

from __future__ import annotations

from k9lite.analysis.doctor import DOCTOR_KINDS, Severity, diagnose, worst
from k9lite.model.services import Service
from k9lite.model.state import ClusterState

__all__ = ["Verdicts"]


class Verdicts:
    """Each Service's worst finding (None: nothing found), by `namespace/name`, as of the state
    versions of the kinds a diagnosis reads."""

    __slots__ = ("_found", "_state", "_versions", "diagnoses")

    def __init__(self) -> None:
        self._state: ClusterState | None = None
        self._versions: tuple[int, ...] = ()
        # namespace/name -> (the Service object diagnosed, its verdict)
        self._found: dict[tuple[str, str], tuple[Service, Severity | None]] = {}
        self.diagnoses = 0
        """Diagnoses run so far: an idle view adds none."""

    def of(self, state: ClusterState, service: Service) -> Severity | None:
        """`service`'s verdict: `worst(diagnose(state, service))`, diagnosed again only after a
        change to a kind it reads."""
        # Read before diagnosing: a change that lands during the diagnosis moves a version
        # past these, and the next call diagnoses again.
        versions = tuple(state.version(kind) for kind in DOCTOR_KINDS)
        if state is not self._state or versions != self._versions:
            self._state, self._versions = state, versions
            self._found.clear()
        # A row may be built from an object older than the versions read: its own verdict,
        # never that of the object that replaced it.
        found = self._found.get(service.meta.key)
        if found is None or found[0] is not service:
            self.diagnoses += 1
            found = self._found[service.meta.key] = (service, worst(diagnose(state, service)))
        return found[1]
