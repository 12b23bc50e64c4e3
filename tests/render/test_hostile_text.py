"""Hostile names, labels, annotations, messages and answers through every renderer.

Property tests: whatever the cluster or a pod's body holds (markup, `[/]`, C0 and C1 controls,
escape sequences), rows, describe, the route, the doctor and the histogram neither fail nor
write a raw control byte (checked on what a Rich Console writes, to a terminal and to a pipe),
and the text still reads: its escaped form is in the output.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.text import Text

from k9lite.analysis.doctor import diagnose
from k9lite.analysis.doctor_findings import Finding
from k9lite.analysis.doctor_labels import Candidate, LabelCheck
from k9lite.analysis.stats import Outcome, Tally
from k9lite.kinds.registry import KINDS
from k9lite.model.state import ClusterState
from k9lite.render.describe import describe
from k9lite.render.doctor import FindingDetail, Findings, fix_line
from k9lite.render.histogram import Histogram
from k9lite.render.literal import literal
from k9lite.render.route import RouteDiagram
from k9lite.render.rows import RowContext
from tests.analysis.builders import nodes, route_of, state_of
from tests.model import manifests
from tests.render.hostile import assert_literal, hostile, names, printed

# The views of the kinds the model types (the others are the server's own Tables).
VIEWS = [kind.view for kind in KINDS if kind.view is not None]


NOW = datetime(2024, 5, 1, 10, 5, 0, tzinfo=timezone.utc)
IP = "192.168.235.140"


def _annotated(raw: dict[str, Any], text: str) -> dict[str, Any]:
    raw["metadata"]["annotations"] = {"note": text}
    return raw


def hostile_cluster(name: str, text: str) -> ClusterState:
    """One object of each kind named `name` in namespace `name`, `text` in every free field."""
    pod = _annotated(
        manifests.running_pod(name, name, labels={"app": text}, node=name, ip=IP), text
    )
    pod["spec"]["containers"][0]["image"] = text
    pod["status"].update(reason=text, message=text)
    pod["status"]["containerStatuses"][0]["state"] = {"waiting": {"reason": text}}
    svc = manifests.service(
        name,
        name,
        selector={"app": text},
        spec={"type": "LoadBalancer"},
        status={"loadBalancer": {"ingress": [{"hostname": text}]}},
    )
    # A Deployment's selector must hold valid label values (the model drops one that does not).
    deploy = manifests.deployment(
        name,
        name,
        labels={"k": text},
        pod_labels={"app": "web"},
        replicas=1,
        container={"name": text, "image": text},
    )
    deploy["status"]["conditions"][0]["reason"] = text
    worker = manifests.node(name, "172.30.1.11", labels={f"node-role.kubernetes.io/{text}": ""})
    worker["status"]["conditions"][0]["message"] = text
    worker["status"]["nodeInfo"]["kubeletVersion"] = text
    namespace = {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": manifests.metadata(name, "", labels={"k": text}),
        "status": {"phase": text},
    }
    return state_of(
        namespaces=[_annotated(namespace, text)],
        nodes=[_annotated(worker, text)],
        pods=[pod],
        services=[_annotated(svc, text)],
        endpointslices=[
            manifests.endpoint_slice(
                f"{name}-x", name, name, endpoints=[manifests.endpoint(IP, name)]
            )
        ],
        deployments=[_annotated(deploy, text)],
    )


@given(names, hostile)
def test_every_view_shows_names_and_fields_literally(name: str, text: str) -> None:
    state = hostile_cluster(name, text)
    context = RowContext(NOW, state, all_namespaces=True)
    for view in VIEWS:
        (obj,) = state.objects(view.kind, None)
        row = view.row(obj, context)
        assert len(row) == len(view.columns_for(True))
        # The name, and the text in whichever column quotes it (status, image, IP, role, phase).
        assert_literal(" | ".join(row), name, text)


@given(names, hostile)
def test_describe_shows_every_kind_literally_and_text_fakes_no_line(name: str, text: str) -> None:
    state = hostile_cluster(name, text)
    plain = hostile_cluster("plain", "plain")
    for view in VIEWS:
        (obj,) = state.objects(view.kind, None)
        out = describe(view.kind, obj, state, now=NOW)
        assert_literal(out, name, text)
        printed(Text(out))  # and Rich writes it without a raw control either
        (same,) = plain.objects(view.kind, None)
        # A newline or a tab in a value is shown as `\n`, `\t`: no line is added or moved.
        lines = describe(view.kind, same, plain, now=NOW).count("\n")
        assert out.count("\n") == lines, out


@given(names, names, hostile)
def test_route_draws_names_and_selectors_literally(name: str, pod: str, text: str) -> None:
    state = state_of(
        services=[manifests.service(name, selector={"app": text}, spec={"type": "NodePort"})],
        pods=[manifests.running_pod(pod, labels={"app": text}, node="worker1", ip=IP)],
        endpointslices=[
            manifests.endpoint_slice(f"{name}-x", name, endpoints=[manifests.endpoint(IP, pod)])
        ],
        nodes=nodes(),
    )
    out = printed(RouteDiagram(route_of(state, name)))
    assert_literal(out, f"default/{name}", pod, text)


@given(names, hostile)
def test_the_doctor_quotes_labels_literally(name: str, wanted: str) -> None:
    state = state_of(
        services=[manifests.service(name, selector={"app": wanted})],
        pods=[manifests.running_pod(name, labels={"app": f"{wanted}-2"}, node="worker1", ip=IP)],
        nodes=nodes(),
    )
    svc = state.get("services", "default", name)
    assert svc is not None
    findings = diagnose(state, svc)
    assert findings, "a selector that matches no pod is a finding"
    out = printed(Findings(findings)) + "".join(printed(FindingDetail(f)) for f in findings)
    assert_literal(out, wanted)


@given(hostile, hostile, hostile, hostile)
def test_a_finding_of_hostile_text_is_drawn_not_parsed(
    title: str, evidence: str, key: str, value: str
) -> None:
    check = LabelCheck(key, value, value + "[/]", "different")
    finding = Finding(
        "selects-nothing",
        "error",
        title,
        evidence=(evidence,),
        rule=evidence,
        fix=f"kubectl label pod {value}",
        candidates=(Candidate("Pod", "default", title, (check,)),),
    )
    out = printed(FindingDetail(finding)) + printed(fix_line(finding))
    assert_literal(out, title, evidence, f"{key}={value}", f"{value}[/]", finding.fix or "")


@settings(max_examples=60)
@given(names, names, hostile, st.lists(hostile, min_size=1, max_size=3))
def test_the_histogram_shows_answers_targets_and_errors_literally(
    pod: str, node_name: str, text: str, answers: list[str]
) -> None:
    tally = Tally({pod: 1.0}, {pod: node_name})
    tally.add(Outcome(text, 0.01, pod, pod, node_name, 200))
    for answer in answers:  # bodies that name no known pod: their first words, as they came
        tally.add(Outcome("other", 0.01, answer, status=200))
    tally.add(Outcome("other", 0.2, status=500, error="http", detail=text))
    summary = tally.summary()
    out = printed(Histogram(summary, title=(text, "via url"), note=(text,)))
    assert_literal(out, pod, node_name, text, *answers[:1])
    # At 40 columns names are cut, never wrapped into raw bytes.
    printed(Histogram(summary, title=(text,), note=(text,)), width=40)


def test_markup_in_every_renderer_is_text() -> None:
    """The inputs the issue names: `[/]` and `[bold red]X[/]` show as typed."""
    for text in ("[/]", "[bold red]X[/]"):
        state = hostile_cluster("x", text)
        for view in VIEWS:
            (obj,) = state.objects(view.kind, None)
            assert literal(text) in describe(view.kind, obj, state, now=NOW)
        svc = state.get("services", "x", "x")
        assert svc is not None
        assert text in printed(Findings(diagnose(state, svc)))
