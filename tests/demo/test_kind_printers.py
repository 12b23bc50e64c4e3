"""The printers of the kinds in `kinds/`, as pure functions of an object and `now`.

Followed: kubernetes pkg/printers/internalversion/printers.go printJob, printDaemonSet,
printStatefulSet, printConfigMap, printSecret; apiextensions-apiserver's tableconvertor for
custom resources (cellForJSONValue: typed cells, nil when the path finds nothing).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
import yaml

from k9lite.demo.kinds.catalog import BUILTIN
from k9lite.demo.tables.printer_columns import custom_printer
from tests.demo.kinds import column_definitions, printer

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def _cells(plural: str, text: str) -> list[Any]:
    return printer(plural).cells(yaml.safe_load(text), NOW)


def _headers(plural: str, priority: int) -> str:
    return ", ".join(
        c["name"].upper() for c in column_definitions(plural) if c["priority"] == priority
    )


@pytest.mark.parametrize(
    ("plural", "narrow", "wide_only"),
    [
        ("statefulsets", "NAME, READY, AGE", "CONTAINERS, IMAGES"),
        (
            "daemonsets",
            "NAME, DESIRED, CURRENT, READY, UP-TO-DATE, AVAILABLE, NODE SELECTOR, AGE",
            "CONTAINERS, IMAGES, SELECTOR",
        ),
        ("jobs", "NAME, STATUS, COMPLETIONS, DURATION, AGE", "CONTAINERS, IMAGES, SELECTOR"),
        ("configmaps", "NAME, DATA, AGE", ""),
        ("secrets", "NAME, TYPE, DATA, AGE", ""),
        ("customresourcedefinitions", "NAME, CREATED AT", ""),
    ],
)
def test_headers_as_kubectl_prints_them(plural: str, narrow: str, wide_only: str) -> None:
    assert (_headers(plural, 0), _headers(plural, 1)) == (narrow, wide_only)


@pytest.mark.parametrize(
    ("spec", "status", "cells"),
    [
        ("{completions: 3}", "{succeeded: 1}", ["Running", "1/3", ""]),
        ("{parallelism: 4}", "{}", ["Running", "0/1 of 4", ""]),
        ("{parallelism: 1}", "{startTime: '2024-05-01T11:58:00Z'}", ["Running", "0/1", "2m"]),
        (
            "{completions: 1}",
            "{startTime: '2024-05-01T11:00:00Z', completionTime: '2024-05-01T11:00:42Z',"
            " succeeded: 1, conditions: [{type: Complete, status: 'True'}]}",
            ["Complete", "1/1", "42s"],
        ),
        ("{}", "{conditions: [{type: Failed, status: 'True'}]}", ["Failed", "0/1", ""]),
        ("{}", "{conditions: [{type: Suspended, status: 'True'}]}", ["Suspended", "0/1", ""]),
        ("{}", "{conditions: [{type: Complete, status: 'False'}]}", ["Running", "0/1", ""]),
    ],
)
def test_job_status_completions_and_duration(spec: str, status: str, cells: list[str]) -> None:
    job = f"{{metadata: {{name: j}}, spec: {spec}, status: {status}}}"
    assert _cells("jobs", job)[1:4] == cells


def test_a_job_being_deleted_is_terminating_unless_finished() -> None:
    job = "{metadata: {name: j, deletionTimestamp: '2024-05-01T11:00:00Z'}, spec: {}}"
    assert _cells("jobs", job)[1] == "Terminating"


def test_daemonset_and_statefulset_cells() -> None:
    daemonset = """
    metadata: {name: d, creationTimestamp: "2024-05-01T11:00:00Z"}
    spec: {selector: {matchLabels: {a: b}}, template: {spec: {containers: [{name: c, image: i}]}}}
    status: {desiredNumberScheduled: 3, currentNumberScheduled: 2, numberReady: 1,
             updatedNumberScheduled: 2, numberAvailable: 1}
    """
    assert _cells("daemonsets", daemonset) == ["d", 3, 2, 1, 2, 1, "<none>", "60m", "c", "i", "a=b"]
    statefulset = "{metadata: {name: s}, spec: {}, status: {readyReplicas: 0}}"
    # The API defaults replicas to 1.
    assert _cells("statefulsets", statefulset)[1] == "0/1"


def test_configmap_and_secret_cells() -> None:
    assert _cells("configmaps", "{metadata: {name: c}, binaryData: {x: AA==}}")[1] == 1
    assert _cells("secrets", "{metadata: {name: s}, type: kubernetes.io/tls, data: {a: b}}")[
        1:3
    ] == ["kubernetes.io/tls", 1]


def test_every_builtin_printer_fills_as_many_cells_as_it_has_columns() -> None:
    for strategy in BUILTIN:
        cells = strategy.printer.cells({"metadata": {"name": "x"}}, NOW)
        assert len(cells) == len(strategy.printer.columns), strategy.resource.plural


def test_custom_columns_are_typed_as_declared() -> None:
    columns = [
        {"name": "Count", "type": "integer", "jsonPath": ".spec.count"},
        {"name": "Ratio", "type": "number", "jsonPath": ".spec.count"},
        {"name": "On", "type": "boolean", "jsonPath": ".spec.on"},
        {"name": "First", "type": "string", "jsonPath": ".spec.items[0].name"},
        {"name": "Dotted", "type": "string", "jsonPath": ".metadata.labels['a.b/c']"},
        {"name": "Obj", "type": "string", "jsonPath": ".spec.nested"},
        {"name": "Since", "type": "date", "jsonPath": ".status.at"},
        {"name": "Bad", "type": "date", "jsonPath": ".status.bad"},
        {"name": "Missing", "type": "integer", "jsonPath": ".spec.nothing"},
        {"name": "Mistyped", "type": "integer", "jsonPath": ".spec.on"},
    ]
    obj = {
        "metadata": {"name": "x", "labels": {"a.b/c": "v"}},
        "spec": {"count": 3, "on": True, "items": [{"name": "i0"}], "nested": {"k": 1}},
        "status": {"at": "2024-05-01T11:55:00Z", "bad": "yesterday"},
    }
    table = custom_printer(columns)
    assert [c.name for c in table.columns] == ["Name"] + [c["name"] for c in columns]
    assert table.cells(obj, NOW) == [
        "x", 3, 3.0, True, "i0", "v", '{"k":1}', "5m", "<invalid>", None, None,
    ]  # fmt: skip


def test_custom_resources_without_columns_show_their_age() -> None:
    table = custom_printer([])
    assert [(c.name, c.type) for c in table.columns] == [("Name", "string"), ("Age", "date")]
    obj = {"metadata": {"name": "x", "creationTimestamp": "2024-05-01T10:00:00Z"}}
    assert table.cells(obj, NOW) == ["x", "120m"]
