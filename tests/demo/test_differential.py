"""The demo cluster against recorded answers of a real kube-apiserver, in shape.

For every recording in tests/demo/differential/recorded/ (see its README), the same request is
made on a demo cluster holding the same objects, and the answers are compared where a client can
tell them apart: the status, the headers that matter (Content-Type, Cache-Control, an Audit-Id,
chunked or not), the keys and JSON types at every level of the body (not the values: names,
uids, times, IPs and resourceVersions differ), a Status's reason, code, message and details,
and the order of watch event types. Each difference left is listed with its reason in
differential/accepted.yaml; the test fails on one that is not listed and on a listed one that
no longer occurs, so the list stays true.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import yaml

from k9lite.demo.cluster import DemoCluster, DemoOptions
from tests.conftest import Kubectl, wait_for
from tests.demo.differential.replay import Answer, replay_all
from tests.demo.differential.shape import Shape, differences, shape

HERE = Path(__file__).with_name("differential")
RECORDINGS = sorted(p.stem for p in (HERE / "recorded").glob("*.json"))
# The recording's cluster: no load-balancer controller (EXTERNAL-IP stays <pending>), and a
# deleted pod that stays Terminating while the answers are recorded.
OPTIONS = DemoOptions(
    scenarios=("empty",), load_balancer=False, pod_start_delay=0.05, pod_stop_delay=120
)
# Watches whose event order is not the server's to choose: history replayed from version 1
# depends on every write the controllers made since, so only the kinds of events are compared.
UNORDERED = {"watch_old_rv"}


def recorded(name: str) -> Answer:
    raw = orjson.loads((HERE / "recorded" / f"{name}.json").read_bytes())
    events = [entry["event"] for entry in raw.get("events") or ()]
    if "events" in raw and raw["status"] != 200:
        return Answer(raw["status"], raw["headers"], events[0])
    if "events" in raw:
        return Answer(raw["status"], raw["headers"], events=tuple(events))
    return Answer(raw["status"], raw["headers"], raw["body"])


def accepted() -> dict[str, dict[str, str]]:
    """recording -> {difference: reason}, from differential/accepted.yaml."""
    raw = yaml.safe_load((HERE / "accepted.yaml").read_text()) or {}
    # Keys starting with `_` hold YAML anchors shared by several recordings.
    return {
        name: {entry["difference"]: entry["reason"] for entry in entries}
        for name, entries in raw.items()
        if not name.startswith("_")
    }


def _header_facts(headers: dict[str, str]) -> dict[str, str]:
    lower = {k.lower(): v for k, v in headers.items()}
    return {
        "Content-Type": lower.get("content-type", "(none)"),
        "Cache-Control": lower.get("cache-control", "(none)"),
        "Audit-Id": "present" if lower.get("audit-id") else "absent",
        "chunked": "yes" if lower.get("transfer-encoding") == "chunked" else "no",
    }


def _events_shape(events: tuple[dict[str, Any], ...]) -> Shape:
    merged: dict[tuple[str, ...], frozenset[str]] = {}
    for event in events:
        for path, types in shape(event["object"]).items():
            key = (f"{event['type']}-event", *path)
            merged[key] = merged.get(key, frozenset()) | types
    return merged


def _event_order(events: tuple[dict[str, Any], ...], ordered: bool) -> list[str]:
    types = [event["type"] for event in events]
    if not ordered:
        return sorted(set(types))
    return [t for i, t in enumerate(types) if i == 0 or types[i - 1] != t]


def compare(name: str, real: Answer, demo: Answer) -> list[str]:
    """Every difference a client could notice between the two answers, one line each."""
    lines = []
    if real.status != demo.status:
        lines.append(f"status: recorded {real.status}, demo {demo.status}")
    real_headers, demo_headers = _header_facts(real.headers), _header_facts(demo.headers)
    for header, value in real_headers.items():
        if demo_headers[header] != value:
            lines.append(f"header {header}: recorded {value}, demo {demo_headers[header]}")
    if real.events is not None and demo.events is not None:
        ordered = name not in UNORDERED
        real_order = _event_order(real.events, ordered)
        demo_order = _event_order(demo.events, ordered)
        if real_order != demo_order:
            lines.append(f"event types: recorded {real_order}, demo {demo_order}")
        lines += differences(_events_shape(real.events), _events_shape(demo.events))
        return lines
    if isinstance(real.body, dict) and real.body.get("kind") == "Status":
        for field in ("reason", "code", "message", "details"):
            real_value, demo_value = real.body.get(field), (demo.body or {}).get(field)
            if real_value != demo_value:
                lines.append(
                    f"Status {field}: recorded {orjson.dumps(real_value).decode()}, "
                    f"demo {orjson.dumps(demo_value).decode()}"
                )
    lines += differences(shape(real.body), shape(demo.body))
    return lines


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Answer]]:
    with DemoCluster(OPTIONS) as cluster:
        wait_for(cluster.wait_settled, timeout=20, message="the empty demo cluster to settle")
        kubectl = Kubectl(cluster.kubeconfig_path, tmp_path_factory.mktemp("kube-cache"))
        context = ssl.create_default_context(cadata=cluster.ca_pem.decode())
        with httpx.Client(
            base_url=cluster.url,
            verify=context,
            headers={"Authorization": f"Bearer {cluster.token}"},
            timeout=httpx.Timeout(10.0),
        ) as http:
            yield replay_all(cluster, kubectl, http)


def test_every_recording_is_replayed(answers: dict[str, Answer]) -> None:
    assert sorted(answers) == RECORDINGS
    assert set(accepted()) <= set(RECORDINGS), "accepted.yaml names a recording that is gone"


@pytest.mark.parametrize("name", RECORDINGS)
def test_answer_has_the_recorded_shape(name: str, answers: dict[str, Answer]) -> None:
    found = compare(name, recorded(name), answers[name])
    listed = accepted().get(name, {})
    unexpected = [line for line in found if line not in listed]
    stale = [line for line in listed if line not in found]
    assert not unexpected, f"{name}: differences not in accepted.yaml:\n" + "\n".join(unexpected)
    assert not stale, f"{name}: listed in accepted.yaml, no longer seen:\n" + "\n".join(stale)
