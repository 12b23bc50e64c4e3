"""Server-side Table rows and columns, checked cell by cell against printers.go behaviour."""

from __future__ import annotations

import asyncio
import base64
import re
import ssl
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import trustme
import yaml
from aiohttp import web
from hypothesis import given
from hypothesis import strategies as st

from k9lite.demo.tables import (
    InvalidIncludeObject,
    InvalidTimestamp,
    human_duration,
    table,
    table_row,
)
from tests.demo.kinds import column_definitions, printer

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)


def _load(text: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def _cells(resource: str, text: str) -> list[Any]:
    cells: list[Any] = table_row(printer(resource), _load(text), now=NOW)["cells"]
    return cells


def _headers(resource: str, priority: int) -> str:
    """Column names as kubectl prints them: upper case, priority 1 only with `-o wide`."""
    columns = column_definitions(resource)
    return ", ".join(c["name"].upper() for c in columns if c["priority"] == priority)


@pytest.mark.parametrize(
    ("resource", "narrow", "wide_only"),
    [
        ("pods", "NAME, READY, STATUS, RESTARTS, AGE", "IP, NODE, NOMINATED NODE, READINESS GATES"),
        ("services", "NAME, TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S), AGE", "SELECTOR"),
        ("deployments", "NAME, READY, UP-TO-DATE, AVAILABLE, AGE", "CONTAINERS, IMAGES, SELECTOR"),
        ("replicasets", "NAME, DESIRED, CURRENT, READY, AGE", "CONTAINERS, IMAGES, SELECTOR"),
        (
            "nodes",
            "NAME, STATUS, ROLES, AGE, VERSION",
            "INTERNAL-IP, EXTERNAL-IP, OS-IMAGE, KERNEL-VERSION, CONTAINER-RUNTIME",
        ),
        ("namespaces", "NAME, STATUS, AGE", ""),
        ("endpoints", "NAME, ENDPOINTS, AGE", ""),
        ("endpointslices", "NAME, ADDRESSTYPE, PORTS, ENDPOINTS, AGE", ""),
        ("ingresses", "NAME, CLASS, HOSTS, ADDRESS, PORTS, AGE", ""),
        (
            "events",
            "LAST SEEN, TYPE, REASON, OBJECT, MESSAGE",
            "SUBOBJECT, SOURCE, FIRST SEEN, COUNT, NAME",
        ),
        ("customresourcedefinitions", "NAME, CREATED AT", ""),
        ("roles", "NAME, CREATED AT", ""),
    ],
)
def test_column_headers_as_kubectl_prints_them(resource: str, narrow: str, wide_only: str) -> None:
    assert _headers(resource, 0) == narrow
    assert _headers(resource, 1) == wide_only


def test_column_definitions_carry_types_and_formats() -> None:
    pods = {column["name"]: column for column in column_definitions("pods")}
    assert pods["Name"]["format"] == "name"
    assert pods["Restarts"]["type"] == "string"
    assert [c["type"] for c in column_definitions("replicasets")][1:4] == ["integer"] * 3
    generic = column_definitions("customresourcedefinitions")
    assert generic[1]["type"] == "date"
    assert set(generic[0]) == {"name", "type", "format", "description", "priority"}


def test_descriptions_are_the_api_field_docs() -> None:
    # The official client's models carry the same OpenAPI descriptions (paragraph breaks flattened).
    from kubernetes.client import models

    def doc(model: str, field: str) -> str | None:
        description: str | None = getattr(models, model).model_fields[field].description
        return description

    by_name = {c["name"]: c["description"] for c in column_definitions("services")}
    assert by_name["Cluster-IP"] == doc("V1ServiceSpec", "cluster_ip")
    assert by_name["Selector"] == doc("V1ServiceSpec", "selector")
    assert by_name["Name"] == doc("V1ObjectMeta", "name")
    assert by_name["Age"].replace("\n\n", "  ") == doc("V1ObjectMeta", "creation_timestamp")
    pods = {c["name"]: c["description"] for c in column_definitions("pods")}
    assert pods["Node"] == doc("V1PodSpec", "node_name")
    slices = {c["name"]: c["description"] for c in column_definitions("endpointslices")}
    assert slices["AddressType"] == doc("V1EndpointSlice", "address_type")


RUNNING_POD = """
metadata: {name: hostname-server-7d9f8-abcde, namespace: default,
           creationTimestamp: "2024-05-01T11:00:00Z", labels: {app: hostname-server}}
spec:
  nodeName: worker1
  containers: [{name: hostname-server, image: takytaky/hostname}]
status:
  phase: Running
  podIP: 192.168.235.140
  podIPs: [{ip: 192.168.235.140}]
  conditions: [{type: Ready, status: "True"}]
  containerStatuses:
  - {name: hostname-server, ready: true, restartCount: 0,
     state: {running: {startedAt: "2024-05-01T11:00:05Z"}}}
"""


@pytest.mark.parametrize(
    ("pod", "cells"),
    [
        pytest.param(
            RUNNING_POD,
            [
                "hostname-server-7d9f8-abcde",
                "1/1",
                "Running",
                "0",
                "60m",
                "192.168.235.140",
                "worker1",
                "<none>",
                "<none>",
            ],
            id="running",
        ),
        pytest.param(
            """
            metadata: {name: web-pending, creationTimestamp: "2024-05-01T11:59:15Z"}
            spec: {containers: [{name: web, image: nginx}, {name: log, image: busybox}]}
            status:
              phase: Pending
              conditions: [{type: PodScheduled, status: "False", reason: Unschedulable}]
            """,
            ["web-pending", "0/2", "Pending", "0", "45s", "<none>", "<none>", "<none>", "<none>"],
            id="pending-unscheduled",
        ),
        pytest.param(
            RUNNING_POD.replace(
                "namespace: default,",
                'namespace: default, deletionTimestamp: "2024-05-01T12:00:30Z",',
            ),
            [
                "hostname-server-7d9f8-abcde",
                "1/1",
                "Terminating",
                "0",
                "60m",
                "192.168.235.140",
                "worker1",
                "<none>",
                "<none>",
            ],
            id="terminating",
        ),
        pytest.param(
            """
            metadata: {name: crasher, creationTimestamp: "2024-04-29T09:00:00Z"}
            spec: {nodeName: worker2, containers: [{name: app, image: crasher:1}]}
            status:
              phase: Running
              podIPs: [{ip: 192.168.189.90}]
              containerStatuses:
              - name: app
                ready: false
                restartCount: 3
                state: {waiting: {reason: CrashLoopBackOff}}
                lastState: {terminated: {exitCode: 1, reason: Error,
                                         finishedAt: "2024-05-01T11:55:00Z"}}
            """,
            [
                "crasher",
                "0/1",
                "CrashLoopBackOff",
                "3 (5m ago)",
                "2d3h",
                "192.168.189.90",
                "worker2",
                "<none>",
                "<none>",
            ],
            id="crash-loop",
        ),
        pytest.param(
            """
            metadata: {name: puller, creationTimestamp: "2024-05-01T11:58:00Z"}
            spec: {nodeName: worker1, containers: [{name: app, image: "nope:404"}]}
            status:
              phase: Pending
              containerStatuses:
              - {name: app, ready: false, restartCount: 0,
                 state: {waiting: {reason: ImagePullBackOff}}}
            """,
            [
                "puller",
                "0/1",
                "ImagePullBackOff",
                "0",
                "2m",
                "<none>",
                "worker1",
                "<none>",
                "<none>",
            ],
            id="image-pull",
        ),
        pytest.param(
            """
            metadata: {name: job-pod, creationTimestamp: "2024-05-01T04:00:00Z"}
            spec: {nodeName: worker2, containers: [{name: job, image: busybox}]}
            status:
              phase: Succeeded
              containerStatuses:
              - {name: job, ready: false, restartCount: 0,
                 state: {terminated: {exitCode: 0, reason: Completed}}}
            """,
            ["job-pod", "0/1", "Completed", "0", "8h", "<none>", "worker2", "<none>", "<none>"],
            id="completed",
        ),
        pytest.param(
            """
            metadata: {name: db-init, creationTimestamp: "2024-05-01T11:59:58Z"}
            spec:
              nodeName: worker1
              initContainers: [{name: migrate, image: migrate:1}]
              containers: [{name: db, image: postgres}]
            status:
              phase: Pending
              initContainerStatuses:
              - {name: migrate, ready: false, restartCount: 0,
                 state: {running: {startedAt: "2024-05-01T11:59:59Z"}}}
              containerStatuses:
              - {name: db, ready: false, restartCount: 0,
                 state: {waiting: {reason: PodInitializing}}}
            """,
            ["db-init", "0/1", "Init:0/1", "0", "2s", "<none>", "worker1", "<none>", "<none>"],
            id="init",
        ),
        pytest.param(
            """
            metadata: {name: with-sidecar, creationTimestamp: "2024-05-01T11:30:00Z"}
            spec:
              nodeName: worker1
              initContainers: [{name: proxy, image: envoy, restartPolicy: Always}]
              containers: [{name: app, image: app:1}]
              readinessGates: [{conditionType: example.com/lb-ready}]
            status:
              phase: Running
              podIP: 10.44.0.7
              nominatedNodeName: worker2
              conditions: [{type: Initialized, status: "True"},
                           {type: example.com/lb-ready, status: "False"}]
              initContainerStatuses:
              - {name: proxy, ready: true, started: true, restartCount: 1,
                 state: {running: {startedAt: "2024-05-01T11:31:00Z"}},
                 lastState: {terminated: {exitCode: 137, finishedAt: "2024-05-01T11:30:50Z"}}}
              containerStatuses:
              - {name: app, ready: true, restartCount: 0,
                 state: {running: {startedAt: "2024-05-01T11:30:10Z"}}}
            """,
            [
                "with-sidecar",
                "2/2",
                "Running",
                "1 (29m ago)",
                "30m",
                "10.44.0.7",
                "worker1",
                "worker2",
                "0/1",
            ],
            id="sidecar-and-readiness-gate",
        ),
    ],
)
def test_pod_cells(pod: str, cells: list[Any]) -> None:
    assert _cells("pods", pod) == cells


def test_finished_pods_carry_a_completed_row_condition() -> None:
    pod = _load(RUNNING_POD)
    pod["status"]["phase"] = "Failed"
    row = table_row(printer("pods"), pod, now=NOW)
    assert row["conditions"] == [
        {"type": "Completed", "status": "True", "reason": "Failed", "message": "The pod failed."}
    ]
    assert "conditions" not in table_row(printer("pods"), _load(RUNNING_POD), now=NOW)


SERVICE_CREATED = 'creationTimestamp: "2024-04-30T12:00:00Z"'


@pytest.mark.parametrize(
    ("service", "cells"),
    [
        pytest.param(
            f"""
            metadata: {{name: clusterip-hostname-service, {SERVICE_CREATED}}}
            spec:
              type: ClusterIP
              clusterIP: 10.106.104.217
              clusterIPs: [10.106.104.217]
              selector: {{app: hostname-server}}
              ports: [{{protocol: TCP, port: 8080, targetPort: 80}}]
            """,
            [
                "clusterip-hostname-service",
                "ClusterIP",
                "10.106.104.217",
                "<none>",
                "8080/TCP",
                "24h",
                "app=hostname-server",
            ],
            id="W2-clusterip",
        ),
        pytest.param(
            f"""
            metadata: {{name: nodeport-hostname-service, {SERVICE_CREATED}}}
            spec:
              type: NodePort
              clusterIP: 10.99.158.187
              selector: {{app: hostname-server}}
              ports: [{{protocol: TCP, port: 8080, targetPort: 80, nodePort: 30080}}]
            """,
            [
                "nodeport-hostname-service",
                "NodePort",
                "10.99.158.187",
                "<none>",
                "8080:30080/TCP",
                "24h",
                "app=hostname-server",
            ],
            id="W3-nodeport",
        ),
        pytest.param(
            f"""
            metadata: {{name: svc-3, {SERVICE_CREATED}}}
            spec:
              type: LoadBalancer
              clusterIP: 10.96.12.34
              selector: {{app: pod}}
              ports: [{{protocol: TCP, port: 9000, targetPort: 8080, nodePort: 31234}}]
            status: {{loadBalancer: {{}}}}
            """,
            [
                "svc-3",
                "LoadBalancer",
                "10.96.12.34",
                "<pending>",
                "9000:31234/TCP",
                "24h",
                "app=pod",
            ],
            id="W5-loadbalancer-pending",
        ),
        pytest.param(
            f"""
            metadata: {{name: ingress-nginx, {SERVICE_CREATED}}}
            spec:
              type: LoadBalancer
              clusterIP: 10.96.0.50
              externalIPs: [198.51.100.7]
              selector: {{app.kubernetes.io/name: ingress-nginx, tier: edge}}
              ports:
              - {{name: http, protocol: TCP, port: 80, targetPort: http, nodePort: 30080}}
              - {{name: dns, protocol: UDP, port: 53, targetPort: 53, nodePort: 30053}}
            status:
              loadBalancer:
                ingress: [{{ip: 203.0.113.10}}, {{hostname: lb.example.com}}, {{ip: 203.0.113.10}}]
            """,
            [
                "ingress-nginx",
                "LoadBalancer",
                "10.96.0.50",
                "203.0.113.10,lb.example.com,198.51.100.7",
                "80:30080/TCP,53:30053/UDP",
                "24h",
                "app.kubernetes.io/name=ingress-nginx,tier=edge",
            ],
            id="loadbalancer-with-ingress",
        ),
        pytest.param(
            f"""
            metadata: {{name: hostname-headless, {SERVICE_CREATED}}}
            spec:
              type: ClusterIP
              clusterIP: None
              selector: {{app: hostname-server}}
              ports: [{{protocol: TCP, port: 80, targetPort: 80}}]
            """,
            [
                "hostname-headless",
                "ClusterIP",
                "None",
                "<none>",
                "80/TCP",
                "24h",
                "app=hostname-server",
            ],
            id="headless",
        ),
        pytest.param(
            f"""
            metadata: {{name: example, {SERVICE_CREATED}}}
            spec: {{type: ExternalName, externalName: example.com}}
            """,
            ["example", "ExternalName", "<none>", "example.com", "<none>", "24h", "<none>"],
            id="externalname",
        ),
    ],
)
def test_service_cells(service: str, cells: list[Any]) -> None:
    assert _cells("services", service) == cells


def test_deployment_and_replicaset_cells() -> None:
    template = """
      template:
        metadata: {labels: {app: hostname-server}}
        spec: {containers: [{name: hostname-server, image: takytaky/hostname},
                            {name: sidecar, image: envoy:1}]}
    """
    deployment = f"""
    metadata: {{name: hostname-server, creationTimestamp: "2024-04-24T12:00:00Z"}}
    spec:
      replicas: 2
      selector:
        matchLabels: {{app: hostname-server}}
        matchExpressions: [{{key: tier, operator: In, values: [web, api]}},
                           {{key: canary, operator: DoesNotExist}}]
{template}
    status: {{replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2}}
    """
    assert _cells("deployments", deployment) == [
        "hostname-server", "2/2", 2, 2, "7d", "hostname-server,sidecar",
        "takytaky/hostname,envoy:1", "app=hostname-server,!canary,tier in (api,web)",
    ]  # fmt: skip
    replica_set = f"""
    metadata: {{name: hostname-server-7d9f8, creationTimestamp: "2024-04-24T12:00:00Z"}}
    spec:
      replicas: 3
      selector: {{}}
{template}
    status: {{replicas: 3, readyReplicas: 1}}
    """
    assert _cells("replicasets", replica_set) == [
        "hostname-server-7d9f8", 3, 3, 1, "7d", "hostname-server,sidecar",
        "takytaky/hostname,envoy:1", "<none>",
    ]  # fmt: skip


NODE = """
metadata:
  name: master
  creationTimestamp: "2023-03-01T12:00:00Z"
  labels: {node-role.kubernetes.io/control-plane: "", kubernetes.io/role: etcd,
           kubernetes.io/hostname: master}
spec: {}
status:
  conditions: [{type: MemoryPressure, status: "False"}, {type: Ready, status: "True"}]
  addresses: [{type: InternalIP, address: 172.30.1.25}, {type: Hostname, address: master}]
  nodeInfo: {kubeletVersion: v1.30.2, osImage: Ubuntu 22.04.4 LTS,
             kernelVersion: 5.15.0-105-generic, containerRuntimeVersion: "containerd://1.7.12"}
"""


def test_node_cells() -> None:
    assert _cells("nodes", NODE) == [
        "master", "Ready", "control-plane,etcd", "427d", "v1.30.2", "172.30.1.25", "<none>",
        "Ubuntu 22.04.4 LTS", "5.15.0-105-generic", "containerd://1.7.12",
    ]  # fmt: skip
    cordoned = _load(NODE)
    cordoned["spec"]["unschedulable"] = True
    cordoned["status"]["conditions"][1]["status"] = "Unknown"
    cordoned["metadata"]["labels"] = {}
    cordoned["status"]["nodeInfo"] = {}
    assert table_row(printer("nodes"), cordoned, now=NOW)["cells"][1:3] == [
        "NotReady,SchedulingDisabled",
        "<none>",
    ]
    assert table_row(printer("nodes"), cordoned, now=NOW)["cells"][7:] == ["<unknown>"] * 3


def test_namespace_cells() -> None:
    namespace = 'metadata: {name: default, creationTimestamp: "2021-01-01T00:00:00Z"}\n'
    assert _cells("namespaces", namespace + "status: {phase: Active}") == [
        "default",
        "Active",
        "3y121d",
    ]


SLICE = """
metadata: {name: clusterip-hostname-service-x7k2p, creationTimestamp: "2024-05-01T11:57:00Z"}
addressType: IPv4
ports: [{name: "", protocol: TCP, port: 80}]
endpoints:
- {addresses: [192.168.235.140], conditions: {ready: true}, nodeName: worker1}
- {addresses: [192.168.189.81], conditions: {ready: true}, nodeName: worker2}
- {addresses: [192.168.189.82], nodeName: worker2}
- {addresses: [192.168.235.141], nodeName: worker1}
- {addresses: [192.168.235.142], nodeName: worker1}
"""


def test_endpoint_slice_cells() -> None:
    assert _cells("endpointslices", SLICE) == [
        "clusterip-hostname-service-x7k2p",
        "IPv4",
        "80",
        "192.168.235.140,192.168.189.81,192.168.189.82 + 2 more...",
        "3m",
    ]
    empty = _load(SLICE) | {"endpoints": [], "ports": [{"name": "http"}, {}]}
    assert table_row(printer("endpointslices"), empty, now=NOW)["cells"][2:4] == [
        "http,*",
        "<unset>",
    ]


def test_endpoints_cells() -> None:
    endpoints = """
    metadata: {name: hostname, creationTimestamp: "2024-05-01T11:57:00Z"}
    subsets:
    - addresses: [{ip: 10.0.0.1}, {ip: 10.0.0.2}, {ip: "fd00::3"}]
      ports: [{port: 80}, {port: 443}]
    """
    assert _cells("endpoints", endpoints) == [
        "hostname",
        "10.0.0.1:80,10.0.0.2:80,[fd00::3]:80 + 3 more...",
        "3m",
    ]
    assert _cells("endpoints", "metadata: {name: lonely}") == ["lonely", "<none>", "<unknown>"]


def test_ingress_cells() -> None:
    ingress = """
    metadata: {name: web, creationTimestamp: "2024-05-01T09:00:00Z"}
    spec:
      ingressClassName: nginx
      tls: [{hosts: [example.com], secretName: web-tls}]
      rules:
      - {host: example.com, http: {paths: [{path: /web1}, {path: /web2}]}}
      - {http: {paths: [{path: /}]}}
      - {host: a.example.com}
      - {host: b.example.com}
      - {host: c.example.com}
    status: {loadBalancer: {ingress: [{ip: 203.0.113.10}]}}
    """
    assert _cells("ingresses", ingress) == [
        "web", "nginx", "example.com,a.example.com,b.example.com + 2 more...", "203.0.113.10",
        "80, 443", "3h",
    ]  # fmt: skip
    assert _cells("ingresses", "metadata: {name: bare}\nspec: {}") == [
        "bare", "<none>", "*", "", "80", "<unknown>",
    ]  # fmt: skip


def test_event_cells() -> None:
    event = """
    metadata: {name: crasher.17c9, creationTimestamp: "2024-05-01T11:00:00Z"}
    involvedObject: {kind: Pod, name: crasher, fieldPath: "spec.containers{app}"}
    type: Warning
    reason: BackOff
    message: "Back-off restarting failed container app\\n"
    source: {component: kubelet, host: worker2}
    firstTimestamp: "2024-05-01T11:00:00Z"
    lastTimestamp: "2024-05-01T11:59:30Z"
    count: 14
    """
    assert _cells("events", event) == [
        "30s", "Warning", "BackOff", "pod/crasher", "spec.containers{app}", "kubelet, worker2",
        "Back-off restarting failed container app", "60m", 14, "crasher.17c9",
    ]  # fmt: skip
    new_api = """
    metadata: {name: svc.1}
    involvedObject: {kind: Service}
    eventTime: "2024-05-01T11:59:00.123456Z"
    reportingController: k9lite-endpoints
    """
    assert _cells("events", new_api)[:6] == [
        "59s", "", "", "service", "", "k9lite-endpoints",
    ]  # fmt: skip
    assert _cells("events", new_api)[8] == 1


def test_generic_rows_are_name_and_rfc3339_creation_time() -> None:
    role = 'metadata: {name: settings, creationTimestamp: "2024-05-01T13:00:00+01:00"}'
    assert _cells("roles", role) == ["settings", "2024-05-01T12:00:00Z"]
    assert _cells("roles", "metadata: {name: x}") == ["x", "0001-01-01T00:00:00Z"]


def test_include_object_variants() -> None:
    pod = _load(RUNNING_POD)
    assert table_row(printer("pods"), pod, now=NOW)["object"] == {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": pod["metadata"],
    }
    assert table_row(printer("pods"), pod, now=NOW, include_object="Object")["object"] is pod
    assert "object" not in table_row(printer("pods"), pod, now=NOW, include_object="None")
    with pytest.raises(InvalidIncludeObject, match="not 'metadata'"):
        table_row(printer("pods"), pod, now=NOW, include_object="metadata")
    with pytest.raises(InvalidIncludeObject):
        table(printer("pods"), [], now=NOW, resource_version="1", include_object="All")


def test_bad_timestamps_raise_a_typed_error() -> None:
    with pytest.raises(InvalidTimestamp, match="metadata.creationTimestamp"):
        _cells("namespaces", "metadata: {name: x, creationTimestamp: yesterday}")


def test_table_envelope() -> None:
    pods = [_load(RUNNING_POD)]
    first = table(printer("pods"), pods, now=NOW, resource_version="42")
    assert first["kind"] == "Table"
    assert first["apiVersion"] == "meta.k8s.io/v1"
    assert first["metadata"] == {"resourceVersion": "42"}
    assert first["columnDefinitions"] == column_definitions("pods")
    assert [row["cells"][0] for row in first["rows"]] == ["hostname-server-7d9f8-abcde"]
    page = table(
        printer("pods"),
        pods,
        now=NOW,
        resource_version="42",
        continue_token="abc",
        remaining_item_count=7,
        with_column_definitions=False,
        include_object="None",
    )
    assert page["metadata"] == {"resourceVersion": "42", "continue": "abc", "remainingItemCount": 7}
    assert page["columnDefinitions"] == []
    assert page["rows"] == [{"cells": first["rows"][0]["cells"]}]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-3, "<invalid>"), (-2, "<invalid>"), (-1, "0s"), (0, "0s"), (45, "45s"), (119, "119s"),
        (120, "2m"), (182, "3m2s"), (599, "9m59s"), (600, "10m"), (10799, "179m"),
        (10800, "3h"), (14700, "4h5m"), (28799, "7h59m"), (28800, "8h"), (172799, "47h"),
        (172800, "2d"), (183600, "2d3h"), (691199, "7d23h"), (691200, "8d"),
        (90 * 86400, "90d"), (730 * 86400 - 1, "729d"), (730 * 86400, "2y"),
        ((3 * 365 + 42) * 86400, "3y42d"), (8 * 365 * 86400 - 1, "7y364d"),
        (8 * 365 * 86400, "8y"), (20 * 365 * 86400, "20y"),
    ],
)  # fmt: skip
def test_human_duration_boundaries(seconds: int, text: str) -> None:
    assert human_duration(timedelta(seconds=seconds)) == text


def test_human_duration_truncates_fractions_toward_zero() -> None:
    assert human_duration(timedelta(seconds=119.999)) == "119s"
    assert human_duration(timedelta(seconds=-1.999)) == "0s"


# HumanDuration restated as ranges: below each bound, print these units (largest first).
_MINUTE, _HOUR, _DAY, _YEAR = 60, 3600, 86400, 365 * 86400
_RANGES = [
    (120, ("s",)),
    (10 * _MINUTE, ("m", "s")),
    (3 * _HOUR, ("m",)),
    (8 * _HOUR, ("h", "m")),
    (48 * _HOUR, ("h",)),
    (8 * _DAY, ("d", "h")),
    (2 * _YEAR, ("d",)),
    (8 * _YEAR, ("y", "d")),
]
_UNIT_SECONDS = {"y": _YEAR, "d": _DAY, "h": _HOUR, "m": _MINUTE, "s": 1}


def _restated(seconds: int) -> str:
    units = next((units for bound, units in _RANGES if seconds < bound), ("y",))
    first, rest = divmod(seconds, _UNIT_SECONDS[units[0]])
    text = f"{first}{units[0]}"
    if len(units) == 2 and rest // _UNIT_SECONDS[units[1]]:
        text += f"{rest // _UNIT_SECONDS[units[1]]}{units[1]}"
    return text


def _parse(text: str) -> int:
    return sum(int(n) * _UNIT_SECONDS[u] for n, u in re.findall(r"(\d+)([ydhms])", text))


@given(st.integers(min_value=0, max_value=40 * _YEAR), st.integers(0, 999_999))
def test_human_duration_matches_the_go_rules(seconds: int, micros: int) -> None:
    text = human_duration(timedelta(seconds=seconds, microseconds=micros))
    assert text == _restated(seconds)
    assert _parse(text) <= seconds


@given(st.integers(0, 40 * _YEAR), st.integers(0, 40 * _YEAR))
def test_human_duration_is_monotonic(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert _parse(human_duration(timedelta(seconds=low))) <= _parse(
        human_duration(timedelta(seconds=high))
    )


async def test_real_kubectl_prints_the_table(tmp_path: Path) -> None:
    """`kubectl get pods -o wide` against a one-route HTTPS server prints our header and row."""
    ca = trustme.CA()
    server_cert = ca.issue_cert("127.0.0.1")
    ssl_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_cert.configure_cert(ssl_context)
    pod = _load(RUNNING_POD)

    async def pods(request: web.Request) -> web.Response:
        assert "as=Table" in request.headers["Accept"]
        now = datetime.now(timezone.utc)
        pod["metadata"]["creationTimestamp"] = (now - timedelta(minutes=60)).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        return web.json_response(table(printer("pods"), [pod], now=now, resource_version="7"))

    async def discovery(request: web.Request) -> web.Response:
        documents: dict[str, Any] = {
            "/api": {"kind": "APIVersions", "versions": ["v1"]},
            "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": []},
            "/api/v1": {
                "kind": "APIResourceList",
                "groupVersion": "v1",
                "resources": [
                    {"name": "pods", "singularName": "pod", "namespaced": True, "kind": "Pod",
                     "verbs": ["get", "list"], "shortNames": ["po"]}
                ],
            },
        }  # fmt: skip
        return web.json_response(documents[request.path])

    app = web.Application()
    app.router.add_get("/api/v1/namespaces/default/pods", pods)
    for path in ("/api", "/apis", "/api/v1"):
        app.router.add_get(path, discovery)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl_context)
    await site.start()
    try:
        port = runner.addresses[0][1]
        kubeconfig = tmp_path / "kubeconfig"
        kubeconfig.write_text(
            yaml.safe_dump(
                {
                    "apiVersion": "v1",
                    "kind": "Config",
                    "clusters": [
                        {
                            "name": "demo",
                            "cluster": {
                                "server": f"https://127.0.0.1:{port}",
                                "certificate-authority-data": base64.b64encode(
                                    ca.cert_pem.bytes()
                                ).decode(),
                            },
                        }
                    ],
                    "users": [{"name": "demo", "user": {"token": "t0ken"}}],
                    "contexts": [{"name": "demo", "context": {"cluster": "demo", "user": "demo"}}],
                    "current-context": "demo",
                }
            )
        )
        kubectl = Path(sys.executable).with_name("kubectl")
        process = await asyncio.create_subprocess_exec(
            str(kubectl), "--kubeconfig", str(kubeconfig), "--cache-dir",
            str(tmp_path / "cache"), "get", "pods", "-o", "wide",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    finally:
        await runner.cleanup()
    assert process.returncode == 0, stderr.decode()
    header, row = [line.split() for line in stdout.decode().splitlines()]
    assert header == [
        "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED", "NODE",
        "READINESS", "GATES",
    ]  # fmt: skip
    assert row == [
        "hostname-server-7d9f8-abcde", "1/1", "Running", "0", "60m", "192.168.235.140",
        "worker1", "<none>", "<none>",
    ]  # fmt: skip
