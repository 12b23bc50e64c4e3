"""Events, as the real components word them and as kube-apiserver serves them under both APIs.

Followed: kubelet events.go and kuberuntime (Pulling, Pulled, Created, Started, Killing, with
`spec.containers{NAME}` as fieldPath), kube-scheduler (events.k8s.io, action Binding/Scheduling,
FitError's message), deployment_controller/replica_set.go (ScalingReplicaSet, SuccessfulCreate,
SuccessfulDelete), the service controller (EnsuringLoadBalancer, EnsuredLoadBalancer), node
lifecycle (RegisteredNode); pkg/apis/events/v1 conversion.go for events.k8s.io/v1 and its field
label conversion. kubectl describe's own event query is in KUBECTL-FACTS.md.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
from kubernetes import client

from k9lite.demo.cluster import DemoCluster
from tests.conftest import Kubectl, running_pods, wait_for
from tests.demo.test_api_errors import MERGE_PATCH, PODS, assert_status

EVENTS = "/api/v1/namespaces/default/events"
EVENTS_V1 = "/apis/events.k8s.io/v1/namespaces/default/events"


def events_section(description: str) -> list[list[str]]:
    """The rows of a `kubectl describe` Events table, each split into its columns."""
    lines = description.split("\nEvents:\n", 1)[1].splitlines()
    assert lines[0].split() == ["Type", "Reason", "Age", "From", "Message"], lines
    return [re.split(r"\s{2,}", line.strip(), maxsplit=4) for line in lines[2:] if line.strip()]


def test_kubectl_describe_shows_each_kinds_events(cluster: DemoCluster, kubectl: Kubectl) -> None:
    pod = running_pods(cluster, "hostname-server")[0]
    rows = events_section(kubectl("describe", "pod", pod))
    by_reason = {row[1]: row for row in rows}
    assert by_reason["Scheduled"][3:] == [
        "default-scheduler",
        f"Successfully assigned default/{pod} to {by_reason['Scheduled'][4].split()[-1]}",
    ]
    # The image has no tag: imagePullPolicy Always, so the kubelet pulls it.
    container = "spec.containers{hostname-server}: "
    assert by_reason["Pulling"][3:] == ["kubelet", f'{container}Pulling image "takytaky/hostname"']
    assert re.fullmatch(
        rf'{re.escape(container)}Successfully pulled image "takytaky/hostname" in \S+ '
        r"\(\S+ including waiting\)\. Image size: \d+ bytes\.",
        by_reason["Pulled"][4],
    )
    assert by_reason["Created"][4] == f"{container}Created container: hostname-server"
    assert by_reason["Started"][4] == f"{container}Started container hostname-server"
    assert {row[0] for row in rows} == {"Normal"}

    rows = events_section(kubectl("describe", "deploy", "hostname-server"))
    assert [row[1:2] + row[3:] for row in rows] == [
        [
            "ScalingReplicaSet",
            "deployment-controller",
            f"Scaled up replica set {pod.rsplit('-', 1)[0]} from 0 to 2",
        ]
    ]
    rows = events_section(kubectl("describe", "rs", pod.rsplit("-", 1)[0]))
    assert sorted(row[4] for row in rows) == sorted(
        f"Created pod: {name}" for name in running_pods(cluster, "hostname-server")
    )
    assert {row[3] for row in rows} == {"replicaset-controller"}
    rows = events_section(kubectl("describe", "svc", "svc-3"))
    assert sorted(row[1] for row in rows) == ["EnsuredLoadBalancer", "EnsuringLoadBalancer"]
    assert {row[3] for row in rows} == {"service-controller"}
    rows = events_section(kubectl("describe", "node", "worker1"))
    assert {row[1]: row[3] for row in rows} == {
        "Starting": "kubelet",
        "NodeHasSufficientMemory": "kubelet",
        "NodeHasNoDiskPressure": "kubelet",
        "NodeHasSufficientPID": "kubelet",
        "NodeAllocatableEnforced": "kubelet",
        "RegisteredNode": "node-controller",
        "NodeReady": "kubelet",
    }


def test_a_service_without_endpoints_records_no_event(kubectl: Kubectl) -> None:
    # my-service selects no pod (W6). No controller of a real cluster records an Event for
    # that: `describe` shows an empty Endpoints line and no Events, and so does the demo.
    out = kubectl("describe", "svc", "my-service")
    assert re.search(r"Endpoints:\s*\n", out), out
    assert out.rstrip().endswith("Events:                   <none>"), out


def test_scaling_down_records_deletes_and_kills(cluster: DemoCluster, kubectl: Kubectl) -> None:
    kubectl("scale", "deploy", "hostname-server", "--replicas=1")

    def killed() -> list[str]:
        out = kubectl("get", "events", "--field-selector", "reason=Killing", "-o", "json")
        return [e["message"] for e in json.loads(out)["items"]]

    assert wait_for(killed, message="a Killing event") == ["Stopping container hostname-server"]
    out = kubectl("get", "events")
    assert re.search(
        r"Normal\s+ScalingReplicaSet\s+deployment/hostname-server\s+"
        r"Scaled down replica set hostname-server-\w+ from 2 to 1",
        out,
    ), out
    assert re.search(
        r"Normal\s+SuccessfulDelete\s+replicaset/hostname-server-\w+\s+Deleted pod: ", out
    )
    out = kubectl("events", "--for", "deployment/hostname-server")
    assert out.splitlines()[0].split() == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert "Scaled down replica set" in out and "Scaled up replica set" in out


def test_a_pod_that_fits_nowhere_gets_the_schedulers_warning(kubectl: Kubectl) -> None:
    kubectl(
        "run",
        "nowhere",
        "--image=busybox:1.36",
        "--overrides",
        json.dumps({"spec": {"nodeSelector": {"disk": "ssd"}}}),
    )

    def warning() -> str:
        out = kubectl(
            "get", "events", "--field-selector", "involvedObject.name=nowhere", "-o", "json"
        )
        return "".join(e["message"] for e in json.loads(out)["items"] if e["type"] == "Warning")

    assert wait_for(warning, message="FailedScheduling") == (
        "0/3 nodes are available: 1 node(s) had untolerated taint "
        "{node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node "
        "affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful "
        "for scheduling."
    )


def test_official_client_reads_both_apis(cluster: DemoCluster, official: client.ApiClient) -> None:
    core = client.CoreV1Api(official)
    pod = core.read_namespaced_pod(running_pods(cluster, "hostname-server")[0], "default")
    # The selector `kubectl describe pod` sends.
    selector = (
        f"involvedObject.uid={pod.metadata.uid},involvedObject.name={pod.metadata.name},"
        "involvedObject.namespace=default,involvedObject.kind=Pod"
    )
    core_events = core.list_namespaced_event("default", field_selector=selector).items
    assert sorted(e.reason for e in core_events) == [
        "Created",
        "Pulled",
        "Pulling",
        "Scheduled",
        "Started",
    ]
    assert all(e.involved_object.uid == pod.metadata.uid for e in core_events)
    kubelet = [e for e in core_events if e.reason == "Started"][0]
    assert kubelet.source.component == "kubelet" and kubelet.source.host == pod.spec.node_name
    assert kubelet.count == 1 and kubelet.event_time is None
    assert kubelet.involved_object.field_path == "spec.containers{hostname-server}"

    events_v1 = client.EventsV1Api(official)
    # The scheduler's Events are events.k8s.io ones: they carry the eventTime the client's
    # EventsV1Event requires.
    scheduled = events_v1.list_namespaced_event(
        "default",
        field_selector=f"regarding.name={pod.metadata.name},reportingController=default-scheduler",
    ).items
    assert [e.reason for e in scheduled] == ["Scheduled"]
    assert scheduled[0].action == "Binding"
    assert scheduled[0].reporting_instance == "default-scheduler-master"
    assert scheduled[0].regarding.uid == pod.metadata.uid
    assert scheduled[0].note.startswith(f"Successfully assigned default/{pod.metadata.name} to ")
    assert scheduled[0].deprecated_count is None
    # The kubelet's are core/v1 ones, converted with a null eventTime as kube-apiserver does;
    # the Python client cannot build models of those (kubernetes-client/python#1616), so
    # they are read raw.
    response = events_v1.list_namespaced_event(
        "default", field_selector=f"regarding.name={pod.metadata.name}", _preload_content=False
    )
    events = {e["reason"]: e for e in json.loads(response.data)["items"]}
    assert {e["metadata"]["uid"] for e in events.values()} == {e.metadata.uid for e in core_events}
    started = events["Started"]
    assert started["eventTime"] is None
    assert started["note"] == "Started container hostname-server"
    assert started["regarding"]["uid"] == pod.metadata.uid
    assert started["deprecatedSource"] == {"component": "kubelet", "host": pod.spec.node_name}
    assert started["deprecatedCount"] == 1
    assert started["reportingController"] == "kubelet"


def test_events_k8s_io_is_the_same_storage_converted(raw: httpx.Client) -> None:
    core = raw.get(EVENTS, params={"fieldSelector": "reason=ScalingReplicaSet"}).json()
    converted = raw.get(EVENTS_V1, params={"fieldSelector": "reason=ScalingReplicaSet"}).json()
    assert converted["kind"] == "EventList" and converted["apiVersion"] == "events.k8s.io/v1"
    assert len(core["items"]) == len(converted["items"]) > 0
    for old, new in zip(core["items"], converted["items"], strict=True):
        assert new["metadata"] == old["metadata"]
        assert new["regarding"] == old["involvedObject"]
        assert new["note"] == old["message"]
        assert new["reportingController"] == old["reportingComponent"]
        assert new["deprecatedSource"] == old["source"]
        assert new["deprecatedFirstTimestamp"] == old["firstTimestamp"]
        assert new["deprecatedLastTimestamp"] == old["lastTimestamp"]
        assert new["deprecatedCount"] == old["count"]
        assert "involvedObject" not in new and "message" not in new
    one = converted["items"][0]
    got = raw.get(f"{EVENTS_V1}/{one['metadata']['name']}").json()
    assert got == {**one, "apiVersion": "events.k8s.io/v1", "kind": "Event"}
    # events.k8s.io selects by its own field names, never the core ones.
    assert_status(
        raw.get(EVENTS_V1, params={"fieldSelector": "involvedObject.kind=Pod"}),
        400,
        "BadRequest",
        "field label not supported: involvedObject.kind",
    )
    kubelet = raw.get(EVENTS_V1, params={"fieldSelector": "reportingController=kubelet"}).json()
    by_source = raw.get(EVENTS, params={"fieldSelector": "source=kubelet"}).json()
    assert {e["metadata"]["uid"] for e in kubelet["items"]} == {
        e["metadata"]["uid"] for e in by_source["items"]
    }
    assert len(by_source["items"]) > 0


def test_events_k8s_io_writes_and_watches(raw: httpx.Client) -> None:
    pod = raw.get(PODS).json()["items"][0]
    reference = {
        "kind": "Pod",
        "namespace": "default",
        "name": pod["metadata"]["name"],
        "uid": pod["metadata"]["uid"],
        "apiVersion": "v1",
    }
    listed = raw.get(EVENTS_V1, params={"fieldSelector": "reason=Probed"}).json()
    watch = {
        "watch": "true",
        "resourceVersion": listed["metadata"]["resourceVersion"],
        "fieldSelector": f"regarding.name={reference['name']}",
        "timeoutSeconds": "5",
    }
    body: dict[str, Any] = {
        "apiVersion": "events.k8s.io/v1",
        "kind": "Event",
        "metadata": {"name": "probe.1"},
        "eventTime": "2026-12-04T10:00:00.000000Z",
        "reportingController": "k9lite.dev/test",
        "reportingInstance": "test-1",
        "action": "Probing",
        "reason": "Probed",
        "regarding": reference,
        "note": "probed once",
        "type": "Normal",
    }
    created = raw.post(EVENTS_V1, json=body)
    assert created.status_code == 201, created.text
    assert created.json()["note"] == "probed once"
    stored = raw.get(f"{EVENTS}/probe.1").json()
    assert stored["message"] == "probed once" and stored["involvedObject"] == reference
    assert stored["reportingComponent"] == "k9lite.dev/test" and stored["source"] == {}
    patched = raw.patch(
        f"{EVENTS_V1}/probe.1", content=json.dumps({"note": "probed twice"}), headers=MERGE_PATCH
    )
    assert patched.status_code == 200, patched.text
    assert raw.get(f"{EVENTS}/probe.1").json()["message"] == "probed twice"
    with raw.stream("GET", EVENTS_V1, params=watch) as stream:
        seen = []
        for line in stream.iter_lines():
            event = json.loads(line)
            seen.append((event["type"], event["object"].get("note")))
            if len(seen) == 2:
                break
    assert seen == [("ADDED", "probed once"), ("MODIFIED", "probed twice")]


def test_discovery_serves_both_event_apis(kubectl: Kubectl) -> None:
    rows = [line.split() for line in kubectl("api-resources").splitlines()]
    assert ["events", "ev", "v1", "true", "Event"] in rows
    assert ["events", "ev", "events.k8s.io/v1", "true", "Event"] in rows
    out = kubectl("get", "events.events.k8s.io", "--field-selector", "regarding.kind=Node")
    assert re.search(r"Normal\s+RegisteredNode\s+node/worker1\s+Node worker1 event", out), out
