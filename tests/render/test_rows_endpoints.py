"""The Services view's ENDPOINTS agree with kube-proxy, describe and the route (issue 13).

A slice whose named targetPort resolved on no pod lists addresses but no port: kube-proxy
programs nothing and `kubectl get endpoints` says <none> (the EndpointSlice controller's
getEndpointPorts drops the port it cannot resolve). And endpoints the user may not list are
unknown, never none. After the name, the doctor's verdict, as `k9lite diagnose` gives it.
"""

from __future__ import annotations

from datetime import datetime, timezone

from k9lite.analysis.doctor import diagnose, worst
from k9lite.analysis.doctor_findings import SEVERITIES, Severity
from k9lite.kinds.registry import find
from k9lite.model.endpoints import port_endpoints
from k9lite.model.state import ClusterState
from k9lite.render.describe import describe
from k9lite.render.doctor import verdict_mark
from k9lite.render.rows import UNKNOWN_ENDPOINTS, RowContext
from tests.analysis.builders import HOSTNAME, W2, W2_PODS, bare_endpoint, state_of, w2
from tests.model.manifests import endpoint, endpoint_slice, running_pod, service

NOW = datetime(2024, 5, 1, tzinfo=timezone.utc)


def services_row(state: object, name: str = W2) -> dict[str, str]:
    kind = find("svc")
    assert kind is not None and kind.view is not None
    view = kind.view
    svc = state.get("services", "default", name)  # type: ignore[attr-defined]
    row = view.row(svc, RowContext(now=NOW, state=state, all_namespaces=False))  # type: ignore[arg-type]
    return dict(zip([c.key for c in view.columns], row, strict=True))


def named_port_state() -> object:
    """targetPort `web`, which the pods do not declare: the slice has endpoints, no ports."""
    port = {"name": "http", "protocol": "TCP", "port": 8080, "targetPort": "web"}
    raw_slice = endpoint_slice(
        f"{W2}-x7k2p", W2, endpoints=[endpoint("10.244.1.5", "hostname-server-a", ready=True)]
    )
    raw_slice["ports"] = []
    return state_of(
        services=[service(W2, selector=HOSTNAME, spec={"ports": [port]})],
        pods=[running_pod("hostname-server-a", labels=HOSTNAME, ip="10.244.1.5")],
        endpointslices=[raw_slice],
    )


def test_a_named_port_resolved_nowhere_is_no_endpoint_anywhere() -> None:
    state = named_port_state()
    row = services_row(state)
    assert row["endpoints"] == "<none>"
    assert row["name"] == f"{W2} ✗"
    svc = state.get("services", "default", W2)  # type: ignore[attr-defined]
    text = describe("services", svc, state, now=NOW)  # type: ignore[arg-type]
    endpoints_lines = [line.split() for line in text.splitlines() if "Endpoints:" in line]
    assert endpoints_lines == [["Endpoints:", "<none>"]]


def test_a_slice_without_ports_serves_a_service_without_ports() -> None:
    raw_slice = endpoint_slice("h-1", "h", endpoints=[endpoint("10.244.1.5", "p", ready=True)])
    raw_slice["ports"] = []
    state = state_of(endpointslices=[raw_slice])
    slices = state.objects("endpointslices", "default")
    assert port_endpoints(slices, None).ready == ("10.244.1.5",)
    assert port_endpoints(slices, "http").ready == ()


def test_endpoints_the_user_may_not_list_are_unknown_not_none() -> None:
    state = w2()
    assert services_row(state)["endpoints"].startswith("2 ready")
    state.mark_unknown("endpointslices", 'endpointslices is forbidden: User "alice" cannot')
    row = services_row(state)
    assert row["endpoints"] == UNKNOWN_ENDPOINTS
    assert row["name"] == f"{W2} ?", "not allowed to know is not broken: could not check"
    svc = state.get("services", "default", W2)
    described = describe("services", svc, state, now=NOW)
    assert "Endpoints:" in described and "<unknown: may not list endpointslices>" in described
    state.mark_unknown("endpointslices", None)
    assert services_row(state)["endpoints"].startswith("2 ready")
    assert services_row(state)["name"] == W2


def verdict(state: ClusterState, name: str = W2) -> Severity | None:
    """What `k9lite diagnose` says of the Service `name`."""
    svc = state.get("services", "default", name)
    assert svc is not None
    return worst(diagnose(state, svc))


def test_the_name_carries_the_doctors_verdict_as_a_readable_mark() -> None:
    healthy = w2()
    assert verdict(healthy) is None
    assert services_row(healthy)["name"] == W2
    single = w2(pods=W2_PODS[:1])  # one ready endpoint: a warning
    assert verdict(single) == "warning"
    assert services_row(single)["name"] == f"{W2} !"
    # No selector: endpoints kept by hand, an info finding only, which is ok.
    by_hand = state_of(
        services=[service("db")],
        endpointslices=[endpoint_slice("db-1", "db", endpoints=[bare_endpoint("10.0.0.5")])],
    )
    assert verdict(by_hand, "db") == "info"
    assert services_row(by_hand, "db")["name"] == "db"


def test_each_verdict_has_its_own_mark_and_ok_has_none() -> None:
    marks = {severity: verdict_mark(severity) for severity in (*SEVERITIES, None)}
    assert marks == {"error": "✗", "warning": "!", "unknown": "?", "info": "", None: ""}
