"""CustomResourceDefinitions and their custom resources, with kubectl and the official client.

Followed: apiextensions-apiserver's CRD strategy and its naming/establishing controllers
(NamesAccepted and Established conditions, acceptedNames), its tableconvertor (NAME, then the
additionalPrinterColumns evaluated as simple JSON paths, `date` columns as ages, and AGE when a
version declares none: serveDefaultColumnsIfEmpty), and the CRD finalizer that deletes every
object of a CRD before the CRD.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import yaml
from kubernetes import client

from k9lite.demo.cluster import DemoCluster
from k9lite.demo.discovery import AGGREGATED_CONTENT_TYPE
from tests.conftest import Kubectl
from tests.demo.test_api_errors import connect

GROUP = "stable.example.com"
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"


def crd(plural: str, kind: str, scope: str = "Namespaced", **version: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{GROUP}"},
        "spec": {
            "group": GROUP,
            "scope": scope,
            "names": {"plural": plural, "kind": kind, "shortNames": [plural[:2]]},
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": {
                        "openAPIV3Schema": {
                            "type": "object",
                            "x-kubernetes-preserve-unknown-fields": True,
                        }
                    },
                    **version,
                }
            ],
        },
    }


CRONTABS = crd(
    "crontabs",
    "CronTab",
    additionalPrinterColumns=[
        {"name": "Spec", "type": "string", "jsonPath": ".spec.cronSpec"},
        {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"},
        {"name": "Image", "type": "string", "jsonPath": ".spec.image", "priority": 1},
        {"name": "Started", "type": "date", "jsonPath": ".status.startedAt"},
    ],
    subresources={"status": {}},
)


def crontab(name: str, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": f"{GROUP}/v1",
        "kind": "CronTab",
        "metadata": {"name": name},
        "spec": spec,
    }


def _apply(kubectl: Kubectl, *objects: dict[str, Any]) -> str:
    return kubectl("apply", "-f", "-", stdin="\n---\n".join(json.dumps(o) for o in objects))


def _rows(kubectl: Kubectl, *args: str) -> list[list[str]]:
    return [line.split() for line in kubectl("get", *args).splitlines()]


@pytest.fixture
def crontabs(kubectl: Kubectl) -> Kubectl:
    assert _apply(kubectl, CRONTABS).strip() == (
        "customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created"
    )
    return kubectl


def test_a_crd_is_established_at_once(crontabs: Kubectl) -> None:
    header, row = _rows(crontabs, "crd")
    assert header == ["NAME", "CREATED", "AT"] and row[0] == "crontabs.stable.example.com"
    status = yaml.safe_load(crontabs("get", "crd", "crontabs.stable.example.com", "-o", "yaml"))[
        "status"
    ]
    assert {c["type"]: c["status"] for c in status["conditions"]} == {
        "NamesAccepted": "True",
        "Established": "True",
    }
    assert status["acceptedNames"] == {
        "kind": "CronTab",
        "listKind": "CronTabList",
        "plural": "crontabs",
        "shortNames": ["cr"],
        "singular": "crontab",
    }
    assert status["storedVersions"] == ["v1"]


def test_discovery_lists_the_custom_resource_at_once(
    cluster: DemoCluster, crontabs: Kubectl
) -> None:
    resources = json.loads(crontabs("get", "--raw", f"/apis/{GROUP}/v1"))["resources"]
    assert [(r["name"], r["kind"], r["namespaced"], r.get("shortNames")) for r in resources] == [
        ("crontabs", "CronTab", True, ["cr"]),
        ("crontabs/status", "CronTab", True, None),
    ]
    groups = json.loads(crontabs("get", "--raw", "/apis"))["groups"]
    version = {"groupVersion": f"{GROUP}/v1", "version": "v1"}
    assert {"name": GROUP, "versions": [version], "preferredVersion": version} in groups
    with connect(cluster) as raw:
        aggregated = raw.get("/apis", headers={"Accept": AGGREGATED_CONTENT_TYPE}).json()
    (item,) = [i for i in aggregated["items"] if i["metadata"].get("name") == GROUP]
    (entry,) = item["versions"][0]["resources"]
    assert (entry["resource"], entry["shortNames"], entry["scope"]) == (
        "crontabs",
        ["cr"],
        "Namespaced",
    )
    api_resources = crontabs("api-resources", f"--api-group={GROUP}").splitlines()
    assert api_resources[1].split() == ["crontabs", "cr", f"{GROUP}/v1", "true", "CronTab"]


def test_objects_print_their_printer_columns(crontabs: Kubectl) -> None:
    _apply(crontabs, crontab("nightly", cronSpec="0 3 * * *", replicas=2, image="cron:1"))
    assert _rows(crontabs, "crontabs") == [
        ["NAME", "SPEC", "REPLICAS", "STARTED"],
        # No status yet: the date column's path finds nothing, a nil cell kubectl leaves blank.
        ["nightly", "0", "3", "*", "*", "*", "2"],
    ]
    lines = crontabs("get", "cr", "-o", "wide").splitlines()
    assert lines[0].split() == ["NAME", "SPEC", "REPLICAS", "IMAGE", "STARTED"]
    assert lines[1].startswith("nightly   0 3 * * *   2          cron:1")
    # A missing value is an empty cell (nil); the date column is an age once status is written.
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 300))
    crontabs(
        "patch", "crontab", "nightly", "--subresource=status", "--type=merge",
        "-p", json.dumps({"status": {"startedAt": started}}),
    )  # fmt: skip
    assert _rows(crontabs, "crontab", "nightly")[1][-1] in ("5m", "5m1s", "300s", "301s")


def test_no_printer_columns_means_name_and_age(kubectl: Kubectl) -> None:
    _apply(kubectl, crd("widgets", "Widget"))
    _apply(kubectl, {"apiVersion": f"{GROUP}/v1", "kind": "Widget", "metadata": {"name": "w1"}})
    header, row = _rows(kubectl, "widgets")
    assert header == ["NAME", "AGE"] and row[0] == "w1"
    assert _rows(kubectl, "wi", "w1")[1][0] == "w1"


def _lines(process: subprocess.Popen[str]) -> queue.Queue[str]:
    """The lines a running kubectl prints, read by a thread so a test can wait with a bound."""
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout
    threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True).start()
    return lines


def _next(lines: queue.Queue[str], timeout: float = 10.0) -> str:
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        raise AssertionError(f"kubectl printed nothing in {timeout}s") from None


def test_watch_then_delete_an_object(crontabs: Kubectl) -> None:
    _apply(crontabs, crontab("first", cronSpec="* * * * *", replicas=1))
    watch = crontabs.popen("get", "crontabs", "-w")
    lines = _lines(watch)
    try:
        assert _next(lines).split() == ["NAME", "SPEC", "REPLICAS", "STARTED"]
        assert _next(lines).split()[0] == "first"
        _apply(crontabs, crontab("second", cronSpec="*/5 * * * *", replicas=4))
        assert _next(lines).split()[:3] == ["second", "*/5", "*"]
    finally:
        watch.kill()
        watch.communicate(timeout=5)
    assert crontabs("delete", "crontab", "first").strip() == (
        f'crontab.{GROUP} "first" deleted from default namespace'
    )
    assert [row[0] for row in _rows(crontabs, "crontabs")[1:]] == ["second"]


def test_deleting_the_crd_removes_its_objects_and_its_api(
    cluster: DemoCluster, crontabs: Kubectl
) -> None:
    _apply(crontabs, crontab("nightly", cronSpec="0 3 * * *", replicas=2))
    crontabs("delete", "crd", f"crontabs.{GROUP}")
    gone = crontabs.run("get", "--raw", f"/apis/{GROUP}/v1", check=False)
    assert gone.returncode == 1 and "NotFound" in gone.stderr
    assert GROUP not in crontabs("get", "--raw", "/apis")
    # Defined again, the resource starts empty: the old objects went with the old CRD.
    _apply(crontabs, CRONTABS)
    result = crontabs.run("get", "crontabs", check=False)
    assert result.stdout == ""
    assert result.stderr.strip() == "No resources found in default namespace."


def test_official_client_custom_objects(cluster: DemoCluster, official: client.ApiClient) -> None:
    """CustomObjectsApi and ApiextensionsV1Api, with a cluster-scoped CRD."""
    extensions = client.ApiextensionsV1Api(official)
    created = extensions.create_custom_resource_definition(
        crd(
            "regions",
            "Region",
            scope="Cluster",
            additionalPrinterColumns=[{"name": "Zone", "type": "string", "jsonPath": ".spec.zone"}],
        )
    )
    assert [c.type for c in created.status.conditions] == ["NamesAccepted", "Established"]
    objects = client.CustomObjectsApi(official)
    body = {"apiVersion": f"{GROUP}/v1", "kind": "Region", "metadata": {"name": "eu"},
            "spec": {"zone": "eu-west-1"}}  # fmt: skip
    made = objects.create_cluster_custom_object(GROUP, "v1", "regions", body)
    assert made["spec"] == {"zone": "eu-west-1"} and "namespace" not in made["metadata"]
    listed = objects.list_cluster_custom_object(GROUP, "v1", "regions")
    assert (listed["kind"], [i["metadata"]["name"] for i in listed["items"]]) == (
        "RegionList",
        ["eu"],
    )
    got = objects.get_cluster_custom_object(GROUP, "v1", "regions", "eu")
    assert got["metadata"]["uid"] == made["metadata"]["uid"]
    objects.delete_cluster_custom_object(GROUP, "v1", "regions", "eu")
    assert objects.list_cluster_custom_object(GROUP, "v1", "regions")["items"] == []
    extensions.delete_custom_resource_definition(f"regions.{GROUP}")
    with pytest.raises(client.ApiException) as refused:
        objects.list_cluster_custom_object(GROUP, "v1", "regions")
    assert refused.value.status == 404


@pytest.fixture
def http(cluster: DemoCluster) -> Iterator[httpx.Client]:
    with connect(cluster) as raw:
        yield raw


def _metadata_keys(row: dict[str, Any]) -> set[str]:
    assert row["object"]["kind"] == "PartialObjectMetadata"
    return set(row["object"]["metadata"])


@pytest.mark.parametrize(
    "path",
    [
        f"/apis/{GROUP}/v1/namespaces/default/crontabs",
        "/apis/apps/v1/namespaces/default/statefulsets",
        "/api/v1/namespaces/default/configmaps",
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
    ],
)
def test_table_list_then_watch_carry_object_metadata(
    crontabs: Kubectl, http: httpx.Client, path: str
) -> None:
    """What the TUI reads for every non-core kind: a Table list, then a Table watch."""
    _apply(crontabs, crontab("nightly", cronSpec="0 3 * * *", replicas=2))
    crontabs("create", "-f", "-", stdin=json.dumps({
        "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web"},
        "spec": {"selector": {"matchLabels": {"a": "b"}}, "serviceName": "web",
                 "template": {"metadata": {"labels": {"a": "b"}},
                              "spec": {"containers": [{"name": "c", "image": "x"}]}}},
    }))  # fmt: skip
    _apply(crontabs, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "extra"}})
    listed = http.get(path, params={"includeObject": "Metadata"}, headers={"Accept": TABLE})
    assert listed.status_code == 200, listed.text
    page = listed.json()
    assert page["kind"] == "Table" and page["columnDefinitions"][0]["name"] == "Name"
    assert page["rows"], page
    wanted = {"uid", "name", "creationTimestamp", "resourceVersion"}
    for row in page["rows"]:
        assert wanted <= _metadata_keys(row)
        if "/namespaces/" in path:
            assert row["object"]["metadata"]["namespace"] == "default"
    params = {
        "watch": "true",
        "includeObject": "Metadata",
        "resourceVersion": page["metadata"]["resourceVersion"],
        "timeoutSeconds": "5",
    }
    with http.stream("GET", path, params=params, headers={"Accept": TABLE}) as stream:
        lines = stream.iter_lines()
        if "crontabs" in path:
            _apply(crontabs, crontab("hourly", cronSpec="0 * * * *", replicas=1))
        elif "statefulsets" in path:
            crontabs("label", "sts", "web", "touched=yes")
        elif "configmaps" in path:
            crontabs("label", "cm", "extra", "touched=yes")
        else:
            _apply(crontabs, crd("gadgets", "Gadget"))
        event = json.loads(next(lines))
    assert event["type"] in ("ADDED", "MODIFIED")
    table = event["object"]
    assert table["kind"] == "Table" and table["columnDefinitions"], table
    (row,) = table["rows"]
    assert wanted <= _metadata_keys(row)


def test_bad_crds_are_refused_as_the_real_server(kubectl: Kubectl) -> None:
    bad = crd("things", "Thing")
    bad["metadata"]["name"] = "wrong.stable.example.com"
    bad["spec"]["group"] = GROUP
    result = kubectl.run("create", "-f", "-", stdin=json.dumps(bad), check=False)
    assert result.returncode == 1
    assert 'metadata.name: Invalid value: "wrong.stable.example.com": must be ' in result.stderr
    nodot = crd("things", "Thing")
    nodot["spec"]["group"] = "example"
    nodot["metadata"]["name"] = "things.example"
    result = kubectl.run("create", "-f", "-", stdin=json.dumps(nodot), check=False)
    assert 'spec.group: Invalid value: "example": should be a domain with at least one dot' in (
        result.stderr
    )


def test_a_crd_update_keeps_its_objects(crontabs: Kubectl) -> None:
    _apply(crontabs, crontab("nightly", cronSpec="0 3 * * *", replicas=2))
    renamed = json.loads(json.dumps(CRONTABS))
    renamed["spec"]["names"]["shortNames"] = ["cr", "ctab"]
    _apply(crontabs, renamed)
    assert [row[0] for row in _rows(crontabs, "crontabs")[1:]] == ["nightly"]
    assert json.loads(crontabs("get", "--raw", f"/apis/{GROUP}/v1"))["resources"][0][
        "shortNames"
    ] == ["cr", "ctab"]
