"""The doctor's verdicts a view keeps: the same as `diagnose`, diagnosed again only after a
change to a kind a diagnosis reads (an idle screen costs nothing)."""

from __future__ import annotations

from k9lite.analysis.doctor import DOCTOR_KINDS, diagnose, worst
from k9lite.analysis.verdicts import Verdicts
from k9lite.model.services import Service
from k9lite.model.state import ClusterState
from tests.analysis.builders import HOSTNAME, W2, w2
from tests.model.manifests import metadata, service


def w2_service(state: ClusterState) -> Service:
    found = state.get("services", "default", W2)
    assert found is not None
    return found


def test_a_verdict_is_the_worst_finding_and_is_kept_while_nothing_changes() -> None:
    state, verdicts = w2(), Verdicts()
    svc = w2_service(state)
    assert verdicts.of(state, svc) == worst(diagnose(state, svc))
    for _ in range(5):
        assert verdicts.of(state, svc) == worst(diagnose(state, svc))
    assert verdicts.diagnoses == 1


def test_a_change_to_a_kind_the_doctor_reads_diagnoses_again() -> None:
    state, verdicts = w2(), Verdicts()
    svc = w2_service(state)
    assert verdicts.of(state, svc) is None
    # The pods go, their endpoints with them: the selector now matches nothing.
    state.replace("pods", [])
    state.replace("endpointslices", [])
    assert verdicts.of(state, svc) == "error"
    assert verdicts.diagnoses == 2


def test_a_change_to_a_kind_the_doctor_does_not_read_keeps_the_verdicts() -> None:
    state, verdicts = w2(), Verdicts()
    svc = w2_service(state)
    verdicts.of(state, svc)
    # Namespaces: the one kind the state holds that no diagnosis reads (DOCTOR_KINDS).
    assert "namespaces" not in DOCTOR_KINDS
    state.replace("namespaces", [{"kind": "Namespace", "metadata": metadata("shop", "")}])
    verdicts.of(state, svc)
    assert verdicts.diagnoses == 1


def test_another_state_is_diagnosed_anew() -> None:
    verdicts = Verdicts()
    healthy, empty = w2(), w2(pods=[], conds=[])
    assert verdicts.of(healthy, w2_service(healthy)) is None
    assert verdicts.of(empty, w2_service(empty)) == "error"


def test_an_older_object_of_a_service_gets_its_own_verdict() -> None:
    # A row built from the object a moment before a change: never the newer object's verdict.
    state, verdicts = w2(), Verdicts()
    before = w2_service(state)
    state.replace("services", [service(W2, selector={"app": "nothing-has-this"})])
    after = w2_service(state)
    assert verdicts.of(state, after) == "error"
    assert verdicts.of(state, before) == worst(diagnose(state, before))
    assert verdicts.of(state, before) is None, "its selector still matches the ready pods"
    assert before.selector == HOSTNAME
