"""The differential suite's shape comparison: what it reports, and what it leaves out."""

from __future__ import annotations

from tests.demo.differential.shape import differences, shape


def test_values_differ_but_not_the_shape() -> None:
    recorded = {"items": [{"metadata": {"name": "a", "uid": "1"}, "spec": {"replicas": 3}}]}
    demo = {"items": [{"metadata": {"name": "b", "uid": "2"}, "spec": {"replicas": 1}}] * 4}
    assert differences(shape(recorded), shape(demo)) == []


def test_a_missing_subtree_is_reported_once_at_its_top() -> None:
    recorded = {"metadata": {"managedFields": [{"manager": "m", "fieldsV1": {"f:spec": {}}}]}}
    assert differences(shape(recorded), shape({"metadata": {}})) == [
        "missing metadata.managedFields"
    ]
    assert differences(shape({"metadata": {}}), shape(recorded)) == ["extra metadata.managedFields"]


def test_types_and_keyed_items() -> None:
    recorded = {"n": 30, "e": None, "f": {'k:{"uid":"abc"}': {}}}
    demo = {"n": 30.0, "e": [], "f": {'k:{"uid":"def"}': {}}}
    assert differences(shape(recorded), shape(demo)) == [
        "type e: recorded null, demo array",
        "type n: recorded integer, demo number",
    ]
    assert differences(shape({"a": {"x.y/z": 1}}), shape({"a": {}})) == ['missing a["x.y/z"]']
