"""headline(): the failure a one-line header names when kinds fail for different reasons."""

from __future__ import annotations

from k9lite.kube.status import KindStatus, Trouble, headline

LIVE = KindStatus("live")
FORBIDDEN = KindStatus("forbidden", "nodes is forbidden", "forbidden", "ask for list and watch")
REFUSED = KindStatus(
    "reconnecting", "cannot reach https://127.0.0.1:1: connection refused", "refused", "retry"
)


def test_nothing_failing_has_no_headline() -> None:
    assert headline({}) is None
    assert headline({"pods": LIVE, "nodes": KindStatus("loading")}) is None


def test_a_cause_that_stops_every_kind_comes_before_a_forbidden_kind() -> None:
    statuses = {"nodes": FORBIDDEN, "pods": REFUSED, "services": REFUSED, "ingresses": LIVE}
    assert headline(statuses) == Trouble(REFUSED, ("pods", "services"))
    assert headline({"nodes": FORBIDDEN, "pods": LIVE}) == Trouble(FORBIDDEN, ("nodes",))
