"""Malformed objects raise DecodeError, never anything else; RFC 3339 times."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from k9lite.model.fields import DecodeError, parse_time
from k9lite.model.kinds import KINDS, UnknownKind, decode
from k9lite.model.pods import (
    Pod,
    decode_pod,
)
from k9lite.model.services import decode_service
from k9lite.model.workloads import decode_deployment
from tests.model.manifests import (
    CREATED,
    deployment,
    endpoint,
    endpoint_slice,
    ingress_manifest,
    node,
    replica_set,
    running_pod,
    service,
)

UTC = timezone.utc


# -- kinds and malformed objects ----------------------------------------------------------------


def test_decode_dispatches_on_the_plural_kind() -> None:
    assert isinstance(decode("pods", running_pod("p")), Pod)
    assert len(KINDS) == 8
    with pytest.raises(UnknownKind):
        decode("pod", running_pod("p"))


def _set(raw: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    target: Any = raw
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return raw


@pytest.mark.parametrize(
    ("path", "value", "reason"),
    [
        (("metadata", "name"), "", "metadata.name: missing"),
        (("metadata", "uid"), None, "metadata.uid: missing"),
        (
            ("metadata", "labels"),
            {"app": 1},
            "metadata.labels: expected map of strings, got number",
        ),
        (("metadata", "creationTimestamp"), "yesterday", "metadata.creationTimestamp: not an RFC"),
        (("spec",), [], "spec: expected object, got array"),
        (
            ("spec", "containers", 0, "ports", 0, "containerPort"),
            "80",
            "spec.containers[0].ports[0].containerPort: expected integer, got string",
        ),
        (("spec", "containers", 0), "nginx", "spec.containers[0]: expected object, got string"),
        (("status", "containerStatuses", 0, "ready"), "yes", "status.containerStatuses[0].ready:"),
        (
            ("status", "containerStatuses", 0, "state", "running", "startedAt"),
            12,
            "status.containerStatuses[0].state.running.startedAt: expected RFC 3339",
        ),
        (("status", "conditions"), {}, "status.conditions: expected array, got object"),
    ],
)
def test_malformed_pod_raises_decode_error(
    path: tuple[str | int, ...], value: Any, reason: str
) -> None:
    raw = _set(running_pod("web-1", "shop"), path, value)
    with pytest.raises(DecodeError) as caught:
        decode_pod(raw)
    assert caught.value.kind == "Pod"
    assert caught.value.reason.startswith(reason)
    if path != ("metadata", "name"):
        assert (caught.value.namespace, caught.value.name) == ("shop", "web-1")
        assert str(caught.value).startswith("Pod shop/web-1: ")


def test_malformed_selector_and_non_object_raise_decode_error() -> None:
    raw = deployment("d", labels={}, pod_labels={"app": "d"}, replicas=1, container={"name": "c"})
    raw["spec"]["selector"] = {"matchExpressions": [{"key": "a", "operator": "Near"}]}
    with pytest.raises(DecodeError, match="spec.selector: .*not a valid label selector operator"):
        decode_deployment(raw)
    raw["spec"]["selector"] = {"matchLabels": {"app": 3}}
    with pytest.raises(DecodeError, match="spec.selector"):
        decode_deployment(raw)
    with pytest.raises(DecodeError, match="expected a JSON object"):
        decode_service([])  # type: ignore[arg-type]


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


_SAMPLES = {
    "pods": running_pod("web-1"),
    "services": service(
        "s", selector={"a": "b"}, status={"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}
    ),
    "endpointslices": endpoint_slice("e", "s", endpoints=[endpoint("10.0.0.1", "p", ready=True)]),
    "deployments": deployment(
        "d",
        labels={},
        pod_labels={"a": "b"},
        replicas=1,
        container={"name": "c", "ports": [{"containerPort": 1}]},
    ),
    "nodes": node("n", "10.0.0.1", labels={"node-role.kubernetes.io/x": ""}),
    "replicasets": replica_set("r", pod_labels={"a": "b"}, replicas=1, owner=("D", "d", "u")),
    "ingresses": ingress_manifest(),
}


@given(kind=st.sampled_from(sorted(_SAMPLES)), data=st.data(), junk=_json)
def test_any_corruption_decodes_or_raises_decode_error(
    kind: str, data: st.DataObject, junk: Any
) -> None:
    """One bad field must never surface as anything but DecodeError (the state skips it)."""
    raw = copy.deepcopy(_SAMPLES[kind])
    path = data.draw(st.sampled_from(_paths(raw)))
    _set(raw, path, junk)
    try:
        decoded = decode(kind, raw)
    except DecodeError as error:
        assert error.kind and error.reason
    else:
        assert decoded.meta.name


@given(
    moment=st.datetimes(
        min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
    ),
    offset_minutes=st.integers(min_value=-14 * 60, max_value=14 * 60),
    digits=st.integers(min_value=0, max_value=9),
)
def test_rfc3339_times_parse_to_the_same_instant(
    moment: datetime, offset_minutes: int, digits: int
) -> None:
    zone = timezone(timedelta(minutes=offset_minutes))
    local = moment.astimezone(zone)
    text = local.strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        text += "." + f"{local.microsecond:06d}{'0' * 3}"[:digits]
    text += (
        "Z" if offset_minutes == 0 else local.strftime("%z")[:3] + ":" + local.strftime("%z")[3:]
    )
    parsed = parse_time(text)
    assert parsed.tzinfo is not None
    expected = moment.replace(
        microsecond=int(f"{moment.microsecond:06d}"[:digits].ljust(6, "0")) if digits else 0
    )
    assert parsed == expected


@pytest.mark.parametrize("text", ["2024-05-01", "2024-05-01T10:00:00", "2024-13-01T00:00:00Z", ""])
def test_invalid_times_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_time(text)


def test_created_fixture_is_utc() -> None:
    assert parse_time(CREATED) == datetime(2024, 5, 1, 10, tzinfo=UTC)
