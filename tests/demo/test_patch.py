"""PATCH semantics: what kubectl and the Python client send, and strategicpatch's own cases."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from k9lite.demo.patch import (
    JSON_PATCH,
    MERGE_PATCH,
    STRATEGIC_MERGE_PATCH,
    PatchError,
    UnsupportedPatchType,
    apply_patch,
)
from k9lite.demo.strategic_merge import PatchField, strategic_merge


def _strategic(original: dict[str, Any], patch: dict[str, Any], kind: str) -> dict[str, Any]:
    result = apply_patch(STRATEGIC_MERGE_PATCH, original, json.dumps(patch).encode(), kind=kind)
    _assert_no_directives(result)
    return result


def _assert_no_directives(value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            assert not key.startswith(("$patch", "$retainKeys", "$setElementOrder", "$delete"))
            _assert_no_directives(item)
    elif isinstance(value, list):
        for item in value:
            _assert_no_directives(item)


def _deployment() -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "web",
            "namespace": "shop",
            "labels": {"app": "web", "tier": "front"},
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"},
            "finalizers": ["a.example/keep"],
        },
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
            },
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {
                            "name": "c",
                            "image": "x:v1",
                            "imagePullPolicy": "IfNotPresent",
                            "ports": [{"containerPort": 80, "protocol": "TCP"}],
                            "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                            "resources": {},
                            "terminationMessagePath": "/dev/termination-log",
                        }
                    ],
                    "volumes": [{"name": "data", "emptyDir": {}}],
                    "tolerations": [{"key": "k", "operator": "Exists"}],
                    "restartPolicy": "Always",
                },
            },
        },
    }


def _service() -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {
            "type": "NodePort",
            "clusterIP": "10.96.0.10",
            "selector": {"app": "web"},
            "ports": [
                {
                    "name": "http",
                    "port": 80,
                    "protocol": "TCP",
                    "targetPort": 80,
                    "nodePort": 30080,
                },
                {
                    "name": "https",
                    "port": 443,
                    "protocol": "TCP",
                    "targetPort": 8443,
                    "nodePort": 30443,
                },
            ],
        },
    }


# -- what kubectl and the Python client send ----------------------------------------------------


def test_second_kubectl_apply_changes_the_image_and_keeps_defaulted_container_fields() -> None:
    patch = {
        "metadata": {"annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{2}"}},
        "spec": {
            "template": {
                "spec": {
                    "$setElementOrder/containers": [{"name": "c"}],
                    "containers": [{"image": "x:v2", "name": "c"}],
                }
            }
        },
    }
    original = _deployment()
    result = _strategic(original, patch, "Deployment")
    expected = _deployment()
    expected["spec"]["template"]["spec"]["containers"][0]["image"] = "x:v2"
    expected["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = "{2}"
    assert result == expected
    assert original == _deployment()


def test_kubectl_apply_deletes_a_service_port_and_keeps_the_other_node_port() -> None:
    patch = {
        "spec": {
            "$setElementOrder/ports": [{"port": 443}],
            "ports": [{"$patch": "delete", "port": 80}],
        }
    }
    result = _strategic(_service(), patch, "Service")
    assert result["spec"]["ports"] == [_service()["spec"]["ports"][1]]
    assert result["spec"]["clusterIP"] == "10.96.0.10"


def test_kubectl_apply_adds_a_service_port_in_the_applied_order() -> None:
    patch = {
        "spec": {
            "$setElementOrder/ports": [{"port": 8080}, {"port": 80}, {"port": 443}],
            "ports": [{"name": "alt", "port": 8080, "targetPort": 8080}],
        }
    }
    result = _strategic(_service(), patch, "Service")
    assert [port["port"] for port in result["spec"]["ports"]] == [8080, 80, 443]
    assert result["spec"]["ports"][1]["nodePort"] == 30080


def test_apply_changes_replicas_and_removes_a_label_with_null() -> None:
    patch = {"metadata": {"labels": {"tier": None}}, "spec": {"replicas": 5}}
    result = _strategic(_deployment(), patch, "Deployment")
    assert result["metadata"]["labels"] == {"app": "web"}
    assert result["spec"]["replicas"] == 5
    assert result["spec"]["template"] == _deployment()["spec"]["template"]


def test_env_merges_by_name_inside_the_container_merged_by_name() -> None:
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "$setElementOrder/containers": [{"name": "c"}],
                    "containers": [
                        {
                            "$setElementOrder/env": [{"name": "A"}, {"name": "B"}, {"name": "C"}],
                            "env": [{"name": "B", "value": "20"}, {"name": "C", "value": "3"}],
                            "name": "c",
                        }
                    ],
                }
            }
        }
    }
    result = _strategic(_deployment(), patch, "Deployment")
    container = result["spec"]["template"]["spec"]["containers"][0]
    assert container["env"] == [
        {"name": "A", "value": "1"},
        {"name": "B", "value": "20"},
        {"name": "C", "value": "3"},
    ]
    assert container["ports"] == [{"containerPort": 80, "protocol": "TCP"}]


def test_kubectl_scale_merge_patch_on_a_scale() -> None:
    scale = {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {"name": "web", "namespace": "shop", "resourceVersion": "7"},
        "spec": {"replicas": 2},
        "status": {"replicas": 2, "selector": "app=web"},
    }
    result = apply_patch(MERGE_PATCH, scale, b'{"spec":{"replicas":4}}', kind="Scale")
    assert result == {**scale, "spec": {"replicas": 4}}
    assert scale["spec"] == {"replicas": 2}


def test_python_client_strategic_patch_of_replicas() -> None:
    result = apply_patch(
        "application/strategic-merge-patch+json; charset=utf-8",
        _deployment(),
        b'{"spec":{"replicas":4}}',
        kind="Deployment",
    )
    assert result == {**_deployment(), "spec": {**_deployment()["spec"], "replicas": 4}}


def test_switching_to_recreate_clears_rolling_update_through_retain_keys() -> None:
    patch = {
        "spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": None, "type": "Recreate"}}
    }
    result = _strategic(_deployment(), patch, "Deployment")
    assert result["spec"]["strategy"] == {"type": "Recreate"}


def test_a_volume_changes_source_through_retain_keys() -> None:
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "$setElementOrder/volumes": [{"name": "data"}],
                    "volumes": [
                        {
                            "$retainKeys": ["configMap", "name"],
                            "configMap": {"name": "settings"},
                            "name": "data",
                        }
                    ],
                }
            }
        }
    }
    result = _strategic(_deployment(), patch, "Deployment")
    assert result["spec"]["template"]["spec"]["volumes"] == [
        {"name": "data", "configMap": {"name": "settings"}}
    ]


def test_retain_keys_refuses_a_patched_field_it_does_not_retain() -> None:
    patch = {"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": {"maxSurge": 1}}}}
    with pytest.raises(PatchError, match="not in \\$retainKeys"):
        _strategic(_deployment(), patch, "Deployment")


def test_tolerations_have_no_merge_strategy_and_are_replaced() -> None:
    patch = {"spec": {"template": {"spec": {"tolerations": [{"key": "other"}]}}}}
    result = _strategic(_deployment(), patch, "Deployment")
    assert result["spec"]["template"]["spec"]["tolerations"] == [{"key": "other"}]


def test_finalizers_merge_as_a_set_and_delete_from_the_parallel_list() -> None:
    # strategicpatch puts patch items that were not live before the live-only ones.
    added = _strategic(_deployment(), {"metadata": {"finalizers": ["b/x"]}}, "ConfigMap")
    assert added["metadata"]["finalizers"] == ["b/x", "a.example/keep"]
    removed = _strategic(
        added,
        {
            "metadata": {
                "$setElementOrder/finalizers": ["b/x"],
                "$deleteFromPrimitiveList/finalizers": ["a.example/keep"],
            }
        },
        "ConfigMap",
    )
    assert removed["metadata"]["finalizers"] == ["b/x"]


def test_owner_references_merge_by_uid() -> None:
    original = {"metadata": {"ownerReferences": [{"uid": "1", "name": "a"}]}}
    patch = {"metadata": {"ownerReferences": [{"uid": "2", "name": "b"}, {"uid": "1", "x": 1}]}}
    result = _strategic(original, patch, "Pod")
    assert result["metadata"]["ownerReferences"] == [
        {"uid": "2", "name": "b"},
        {"uid": "1", "name": "a", "x": 1},
    ]


def test_pod_conditions_merge_by_type() -> None:
    pod = {"status": {"conditions": [{"type": "Ready", "status": "False"}, {"type": "X"}]}}
    patch = {"status": {"conditions": [{"type": "Ready", "status": "True"}]}}
    result = _strategic(pod, patch, "Pod")
    assert result["status"]["conditions"] == [{"type": "Ready", "status": "True"}, {"type": "X"}]


def test_unknown_kinds_replace_lists_but_still_merge_object_meta() -> None:
    original = {"metadata": {"finalizers": ["a"]}, "spec": {"items": [{"name": "a", "v": 1}]}}
    patch = {"metadata": {"finalizers": ["b"]}, "spec": {"items": [{"name": "a"}]}}
    result = _strategic(original, patch, "Widget")
    assert result == {"metadata": {"finalizers": ["b", "a"]}, "spec": {"items": [{"name": "a"}]}}


def test_replace_and_delete_directives_in_maps_and_lists() -> None:
    replaced = _strategic(
        _deployment(),
        {"spec": {"selector": {"$patch": "replace", "matchLabels": {"b": "c"}}}},
        "Deployment",
    )
    assert replaced["spec"]["selector"] == {"matchLabels": {"b": "c"}}
    deleted = _strategic(_deployment(), {"spec": {"strategy": {"$patch": "delete"}}}, "Deployment")
    assert deleted["spec"]["strategy"] == {}
    containers = _strategic(
        _deployment(),
        {"spec": {"template": {"spec": {"containers": [{"$patch": "replace"}, {"name": "n"}]}}}},
        "Deployment",
    )
    assert containers["spec"]["template"]["spec"]["containers"] == [{"name": "n"}]


def test_directives_in_new_values_leave_nothing_behind() -> None:
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "initContainers": [
                        {
                            "name": "i",
                            "$setElementOrder/env": [{"name": "E"}],
                            "env": [{"name": "E"}],
                            "gone": {"$patch": "delete"},
                        },
                        {"name": "x", "$patch": "delete"},
                    ]
                }
            }
        }
    }
    result = _strategic(_deployment(), patch, "Deployment")
    assert result["spec"]["template"]["spec"]["initContainers"] == [
        {"name": "i", "env": [{"name": "E"}]}
    ]


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"spec": {"$patch": "merge"}}, "unknown patch type 'merge' in a map"),
        (
            {"spec": {"template": {"spec": {"containers": [{"name": "c", "$patch": "merge"}]}}}},
            "merging lists cannot yet be specified",
        ),
        ({"spec": {"template": {"spec": {"containers": [{"image": "y"}]}}}}, "merge key: name"),
        ({"spec": {"$setElementOrder": []}}, "must be \\$setElementOrder/<field>"),
        ({"spec": {"template": {"spec": {"containers": [["c"]]}}}}, "lists of lists"),
        ({"metadata": {"$deleteFromPrimitiveList/finalizers": "a"}}, "must be a list"),
        (
            {
                "spec": {
                    "template": {"spec": {"$setElementOrder/hostAliases": [], "hostAliases": []}}
                }
            },
            "no elements in any of the given slices",
        ),
    ],
)
def test_malformed_strategic_patches_are_refused(patch: dict[str, Any], message: str) -> None:
    with pytest.raises(PatchError, match=message):
        _strategic(_deployment(), patch, "Deployment")


# -- JSON merge patch and JSON patch -------------------------------------------------------------


def test_merge_patch_replaces_lists_and_deletes_with_null() -> None:
    patch = json.dumps(
        {
            "metadata": {"labels": {"tier": None, "new": "1"}},
            "spec": {"template": {"spec": {"containers": [{"name": "z"}]}}},
        }
    ).encode()
    result = apply_patch(MERGE_PATCH, _deployment(), patch, kind="Deployment")
    assert result["metadata"]["labels"] == {"app": "web", "new": "1"}
    assert result["spec"]["template"]["spec"]["containers"] == [{"name": "z"}]


def test_json_patch_applies_rfc_6902_operations() -> None:
    patch = [
        {"op": "test", "path": "/spec/replicas", "value": 2},
        {"op": "replace", "path": "/spec/replicas", "value": 3},
        {"op": "add", "path": "/metadata/labels/env", "value": "prod"},
        {"op": "remove", "path": "/spec/template/spec/containers/0/env/1"},
    ]
    result = apply_patch(JSON_PATCH, _deployment(), json.dumps(patch).encode(), kind="Deployment")
    assert result["spec"]["replicas"] == 3
    assert result["metadata"]["labels"]["env"] == "prod"
    assert result["spec"]["template"]["spec"]["containers"][0]["env"] == [
        {"name": "A", "value": "1"}
    ]


@pytest.mark.parametrize(
    "patch",
    [
        [{"op": "test", "path": "/spec/replicas", "value": 9}],
        [{"op": "remove", "path": "/spec/nothing"}],
        [{"op": "add", "path": "/spec/replicas/x", "value": 1}],
        [{"op": "jump", "path": "/spec"}],
        [{"op": "replace", "path": "", "value": 5}],
        {"op": "add"},
    ],
)
def test_json_patches_that_cannot_apply_are_refused(patch: Any) -> None:
    with pytest.raises(PatchError, match="JSON patch"):
        apply_patch(JSON_PATCH, _deployment(), json.dumps(patch).encode(), kind="Deployment")


@pytest.mark.parametrize(
    ("content_type", "body", "error", "message"),
    [
        ("application/apply-patch+yaml", b"{}", UnsupportedPatchType, "not supported"),
        ("text/plain", b"{}", UnsupportedPatchType, "not supported"),
        (MERGE_PATCH, b"{nope", PatchError, "the patch body is not valid JSON"),
        (STRATEGIC_MERGE_PATCH, b"", PatchError, "the patch body is not valid JSON"),
        (MERGE_PATCH, b"[1]", PatchError, "must be a JSON object"),
        ("Application/Strategic-Merge-Patch+JSON; charset=utf-8", b"3", PatchError, "JSON object"),
    ],
)
def test_bad_media_types_and_bodies_are_refused(
    content_type: str, body: bytes, error: type[PatchError], message: str
) -> None:
    with pytest.raises(error, match=message):
        apply_patch(content_type, _deployment(), body, kind="Deployment")


# -- strategicpatch's own test tables (apimachinery patch_test.go), on its MergeItem type --------

# MergeItem nests MergeItems: the field table is filled after the fields that point back to it.
_ITEM_FIELDS: dict[str, PatchField] = {}
_MERGE_ITEM = PatchField(fields=_ITEM_FIELDS)
_ITEM_FIELDS.update(
    mergingList=PatchField(fields=_ITEM_FIELDS, merge=True, merge_key="name"),
    mergingIntList=PatchField(merge=True),
    retainKeysMergingList=PatchField(fields=_ITEM_FIELDS, merge=True, merge_key="name"),
)

_UPSTREAM_CASES = yaml.safe_load(
    """
- description: unique scalars when merging lists
  original: {mergingIntList: [1, 2]}
  patch: {mergingIntList: [2, 3]}
  result: {mergingIntList: [1, 2, 3]}
- description: delete map from nested map
  original: {simpleMap: {key1: 1, key2: 1}}
  patch: {simpleMap: {$patch: delete}}
  result: {simpleMap: {}}
- description: delete all items from merging list
  original: {mergingList: [{name: 1}, {name: 2}]}
  patch: {mergingList: [{$patch: replace}]}
  result: {mergingList: []}
- description: delete all keys from map
  original: {name: 1, value: 1}
  patch: {$patch: replace}
  result: {}
- description: add key and delete all keys from map
  original: {name: 1, value: 1}
  patch: {other: a, $patch: replace}
  result: {other: a}
- description: delete all duplicate entries in a merging list
  original: {mergingList: [{name: 1}, {name: 1}, {name: 2, value: a}, {name: 3}, {name: 3}]}
  patch: {mergingList: [{name: 1, $patch: delete}, {name: 3, $patch: delete}]}
  result: {mergingList: [{name: 2, value: a}]}
- description: retainKeys list can delete a field when no retainKeys directive present
  original: {retainKeysMergingList: [{name: bar}, {name: foo, value: a}]}
  patch: {retainKeysMergingList: [{name: foo, value: null}]}
  result: {retainKeysMergingList: [{name: bar}, {name: foo}]}
- description: preserve the order from the patch in a merging list
  original: {mergingList: [{name: 1}, {name: 2, value: b}, {name: 3}]}
  patch: {mergingList: [{name: 3, value: c}, {name: 1, value: a}, {name: 2, other: x}]}
  result: {mergingList: [{name: 3, value: c}, {name: 1, value: a}, {name: 2, value: b, other: x}]}
- description: preserve the order from the patch in a merging list 2
  original: {mergingList: [{name: 1}, {name: 2, value: b}, {name: 3}]}
  patch: {mergingList: [{name: 3, value: c}, {name: 1, value: a}]}
  result: {mergingList: [{name: 2, value: b}, {name: 3, value: c}, {name: 1, value: a}]}
- description: preserve the order from the patch in a merging int list
  original: {mergingIntList: [1, 2, 3]}
  patch: {mergingIntList: [3, 1]}
  result: {mergingIntList: [2, 3, 1]}
- description: $setElementOrder contains item that is not present in the list to be merged
  original: {mergingList: [{name: 1}, {name: 3}]}
  patch:
    $setElementOrder/mergingList: [{name: 3}, {name: 2}, {name: 1}]
    mergingList: [{name: 3, value: 3}, {name: 1, value: 1}]
  result: {mergingList: [{name: 3, value: 3}, {name: 1, value: 1}]}
- description: $setElementOrder contains item that is not present in the int list to be merged
  original: {mergingIntList: [1, 3]}
  patch: {$setElementOrder/mergingIntList: [3, 2, 1]}
  result: {mergingIntList: [3, 1]}
- description: $deleteFromPrimitiveList of nonexistent item should not add the item to the list
  original: {mergingIntList: [1, 2]}
  patch: {$deleteFromPrimitiveList/mergingIntList: [3]}
  result: {mergingIntList: [1, 2]}
- description: $deleteFromPrimitiveList on empty primitive list should not add the item
  original: {mergingIntList: null}
  patch: {$deleteFromPrimitiveList/mergingIntList: [3]}
  result: {mergingIntList: null}
- description: $deleteFromPrimitiveList on nonexistent primitive list should not add the list
  original: {foo: [bar]}
  patch: {$deleteFromPrimitiveList/mergingIntList: [3]}
  result: {foo: [bar]}
- description: $deleteFromPrimitiveList should delete item from a list without merge strategy
  original: {nonMergingIntList: [1, 2, 3]}
  patch: {$deleteFromPrimitiveList/nonMergingIntList: [2]}
  result: {nonMergingIntList: [1, 3]}
- description: nested patch merge with empty list
  original: {name: hi, mergingList: [{name: hello2}]}
  patch:
    $setElementOrder/mergingList: [{name: hello}, {name: doesntexist}]
    mergingList: [{name: hello}, {$patch: delete, name: doesntexist}]
  result: {name: hi, mergingList: [{name: hello}, {name: hello2}]}
- description: delete all duplicate items in lists of scalars
  original: {mergingIntList: [1, 2, 3, 3, 4]}
  patch:
    $setElementOrder/mergingIntList: [1, 2]
    $deleteFromPrimitiveList/mergingIntList: [3]
  result: {mergingIntList: [1, 2, 4]}
- description: add and delete items in lists of scalars
  original: {mergingIntList: [1, 2, 3, 4]}
  patch:
    $setElementOrder/mergingIntList: [1, 2, 4]
    $deleteFromPrimitiveList/mergingIntList: [3]
    mergingIntList: [4]
  result: {mergingIntList: [1, 2, 4]}
- description: merge lists of maps
  original: {mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b}]}
  patch:
    $setElementOrder/mergingList: [{name: 4}, {name: 1}, {name: 2}, {name: 3}]
    mergingList: [{name: 4, value: 4}, {name: 3, value: 3}]
  result:
    mergingList:
      - {name: 4, value: 4}
      - {name: 1, other: a}
      - {name: 2, value: 2, other: b}
      - {name: 3, value: 3}
- description: add field to map in merging list with conflict
  original: {mergingList: [{name: 1, other: a}, {name: 3, value: 2, other: b}]}
  patch:
    $setElementOrder/mergingList: [{name: 1}, {name: 2}]
    mergingList: [{name: 1, value: 1}, {name: 2, value: 2}]
  result:
    mergingList:
      - {name: 1, value: 1, other: a}
      - {name: 2, value: 2}
      - {name: 3, value: 2, other: b}
- description: add map and delete map from merging list
  original: {mergingList: [{name: 1}, {name: 2, other: b}, {name: 4, other: c}]}
  patch:
    $setElementOrder/mergingList: [{name: 2}, {name: 3}]
    mergingList: [{name: 3}, {name: 1, $patch: delete}]
  result: {mergingList: [{name: 2, other: b}, {name: 4, other: c}, {name: 3}]}
- description: add map and delete map from merging list with conflict
  original: {mergingList: [{name: 1, other: a}, {name: 4, other: c}]}
  patch:
    $setElementOrder/mergingList: [{name: 2}, {name: 3}]
    mergingList: [{name: 2}, {name: 3}, {name: 1, $patch: delete}]
  result: {mergingList: [{name: 4, other: c}, {name: 2}, {name: 3}]}
- description: delete missing map from merging list with conflict
  original: {mergingList: [{name: 3, other: a}]}
  patch:
    $setElementOrder/mergingList: [{name: 2}]
    mergingList: [{name: 2}, {name: 1, $patch: delete}]
  result: {mergingList: [{name: 2}, {name: 3, other: a}]}
- description: replace non merging list nested in merging list
  original:
    mergingList:
      - {name: 1, other: a, nonMergingList: [{name: 1}, {name: 2, value: 2}]}
      - {name: 2, other: b}
  patch:
    $setElementOrder/mergingList: [{name: 1}, {name: 2}]
    mergingList: [{name: 1, nonMergingList: [{name: 1, value: 1}]}]
  result:
    mergingList:
      - {name: 1, other: a, nonMergingList: [{name: 1, value: 1}]}
      - {name: 2, other: b}
"""
)


@pytest.mark.parametrize("case", _UPSTREAM_CASES, ids=[c["description"] for c in _UPSTREAM_CASES])
def test_strategicpatch_table(case: dict[str, Any]) -> None:
    original = copy.deepcopy(case["original"])
    result = strategic_merge(original, case["patch"], _MERGE_ITEM)
    assert result == case["result"]
    assert original == case["original"]


@pytest.mark.parametrize(
    ("original", "patch", "message"),
    [
        (
            {"mergingList": [{"name": 1}, {"name": 3}, {"name": 2}]},
            {
                "$setElementOrder/mergingList": [{"name": 1}, {"name": 2}, {"name": 3}],
                "mergingList": [{"name": 3, "value": 3}, {"name": 1, "value": 1}],
            },
            "doesn't match",
        ),
        (
            {"mergingIntList": [1, 3, 2]},
            {"$setElementOrder/mergingIntList": [1, 2, 3], "mergingIntList": [3, 1]},
            "doesn't match",
        ),
        (
            {"mergingList": [{"name": 1, "value": "a"}]},
            {"mergingList": [{"value": "b"}]},
            "does not contain declared merge key",
        ),
    ],
)
def test_strategicpatch_error_table(
    original: dict[str, Any], patch: dict[str, Any], message: str
) -> None:
    with pytest.raises(PatchError, match=message):
        strategic_merge(original, patch, _MERGE_ITEM)


# -- properties ------------------------------------------------------------------------------------

_KEYS = st.text(alphabet="abcxyz$/", min_size=1, max_size=4).filter(lambda k: k[0] != "$")
_SCALARS = st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=3)
_LISTLESS = st.recursive(
    _SCALARS, lambda inner: st.dictionaries(_KEYS, inner, max_size=4), max_leaves=12
)
_OBJECTS = st.dictionaries(_KEYS, _LISTLESS, max_size=5)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
    max_leaves=15,
)


@given(original=_OBJECTS, patch=_OBJECTS)
def test_without_lists_strategic_and_merge_patch_agree(
    original: dict[str, Any], patch: dict[str, Any]
) -> None:
    body = json.dumps(patch).encode()
    merged = apply_patch(MERGE_PATCH, original, body, kind="Deployment")
    assert apply_patch(STRATEGIC_MERGE_PATCH, original, body, kind="Deployment") == merged


@given(original=st.dictionaries(_KEYS, _JSON, max_size=5), kind=st.sampled_from(["Pod", "Widget"]))
def test_an_empty_patch_changes_nothing_and_the_original_is_never_mutated(
    original: dict[str, Any], kind: str
) -> None:
    snapshot = copy.deepcopy(original)
    for content_type, body in (
        (MERGE_PATCH, b"{}"),
        (STRATEGIC_MERGE_PATCH, b"{}"),
        (JSON_PATCH, b"[]"),
    ):
        result = apply_patch(content_type, original, body, kind=kind)
        assert result == snapshot
        result["mutated"] = True
        assert original == snapshot


# -- the same patches through the real kubectl (`patch --local` runs strategicpatch client-side) --

_KUBECTL = Path(sys.executable).with_name("kubectl")


def _kubectl_strategic(original: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    completed = subprocess.run(
        [
            str(_KUBECTL),
            "patch",
            "-f",
            "-",
            "--local",
            "--type=strategic",
            "-o",
            "json",
            "-p",
            json.dumps(patch),
        ],
        input=json.dumps(original).encode(),
        capture_output=True,
        check=True,
        env={**os.environ, "KUBECONFIG": os.devnull},
    )
    patched: dict[str, Any] = json.loads(completed.stdout)
    return patched


def _pod(*containers: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "finalizers": ["f/a", "f/b"]},
        "spec": {"containers": list(containers)},
        "status": {"conditions": [{"type": "Ready", "status": "False"}]},
    }


_KUBECTL_CASES: list[tuple[dict[str, Any], dict[str, Any]]] = [
    (
        _deployment(),
        {
            "spec": {
                "template": {
                    "spec": {
                        "$setElementOrder/containers": [{"name": "c"}],
                        "containers": [{"image": "x:v2", "name": "c"}],
                    }
                }
            }
        },
    ),
    (
        _service(),
        {
            "spec": {
                "$setElementOrder/ports": [{"port": 443}],
                "ports": [{"$patch": "delete", "port": 80}],
            }
        },
    ),
    (_deployment(), {"metadata": {"labels": {"tier": None}}, "spec": {"replicas": 4}}),
    (
        _deployment(),
        {
            "spec": {
                "strategy": {"$retainKeys": ["type"], "rollingUpdate": None, "type": "Recreate"}
            }
        },
    ),
    (
        _deployment(),
        {
            "spec": {
                "template": {
                    "spec": {
                        "volumes": [
                            {
                                "$retainKeys": ["configMap", "name"],
                                "configMap": {"name": "cm"},
                                "name": "data",
                            }
                        ]
                    }
                }
            }
        },
    ),
    (
        _pod({"name": "a"}, {"name": "b"}, {"name": "side"}),
        {
            "spec": {
                "$setElementOrder/containers": [{"name": "b"}, {"name": "n"}],
                "containers": [{"name": "n"}, {"name": "a", "$patch": "delete"}],
            }
        },
    ),
    (_pod({"name": "a"}, {"name": "b"}), {"spec": {"containers": [{"name": "new", "image": "i"}]}}),
    (_pod({"name": "a"}), {"spec": {"containers": [{"$patch": "replace"}, {"name": "z"}]}}),
    (
        _pod({"name": "a", "env": [{"name": "X", "value": "1"}], "ports": [{"containerPort": 80}]}),
        {
            "spec": {
                "containers": [
                    {
                        "name": "a",
                        "env": [{"name": "Y", "value": "2"}],
                        "ports": [{"containerPort": 81}],
                    }
                ]
            }
        },
    ),
    (
        _pod({"name": "a"}),
        {
            "metadata": {
                "$setElementOrder/finalizers": ["f/c", "f/b"],
                "$deleteFromPrimitiveList/finalizers": ["f/a"],
                "finalizers": ["f/c"],
            }
        },
    ),
    (
        _pod({"name": "a"}),
        {
            "status": {
                "conditions": [
                    {"type": "Ready", "status": "True"},
                    {"type": "Scheduled", "status": "True"},
                ]
            }
        },
    ),
    (
        {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": "n"},
            "spec": {"podCIDRs": ["10.0.0.0/24"]},
            "status": {"addresses": [{"type": "InternalIP", "address": "10.1.1.1"}]},
        },
        {
            "spec": {"podCIDRs": ["10.0.1.0/24"]},
            "status": {"addresses": [{"type": "Hostname", "address": "n"}]},
        },
    ),
]


@pytest.mark.parametrize(("original", "patch"), _KUBECTL_CASES)
def test_strategic_merge_matches_kubectl(original: dict[str, Any], patch: dict[str, Any]) -> None:
    kind = original["kind"]
    assert _strategic(original, patch, kind) == _kubectl_strategic(original, patch)


@st.composite
def _container_patches(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A Pod with some containers and a patch that sets, deletes and reorders them by name."""
    names = "abcdef"
    live = draw(st.lists(st.sampled_from(names), unique=True, min_size=1, max_size=4))
    touched = draw(st.lists(st.sampled_from(names), unique=True, max_size=4))
    deleted = [name for name in touched if draw(st.booleans())]
    kept = [name for name in touched if name not in deleted]
    order = draw(
        st.permutations(kept + [n for n in live if n not in touched and draw(st.booleans())])
    )
    items: list[dict[str, Any]] = [
        {"name": name, "image": f"{name}:2"} for name in order if name in kept
    ]
    items += [{"name": name, "$patch": "delete"} for name in deleted]
    patch: dict[str, Any] = {"containers": items}
    if draw(st.booleans()):
        patch["$setElementOrder/containers"] = [{"name": name} for name in order]
    pod = _pod(*({"name": name, "image": f"{name}:1"} for name in live))
    return pod, {"spec": patch}


@settings(max_examples=40, deadline=None)
@given(case=_container_patches())
def test_container_merges_match_kubectl(case: tuple[dict[str, Any], dict[str, Any]]) -> None:
    pod, patch = case
    assert _strategic(pod, patch, "Pod") == _kubectl_strategic(pod, patch)
