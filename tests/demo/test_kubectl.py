"""The real kubectl drives the demo cluster, command for command as in the walkthroughs."""

from __future__ import annotations

import json
import re

from k9lite.demo.cluster import DemoCluster
from k9lite.demo.scenarios import manifests
from tests.conftest import Kubectl, running_pods, wait_for

W2_W3 = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: applied-server, labels: {app: applied-server}}
spec:
  replicas: REPLICAS
  selector: {matchLabels: {app: applied-server}}
  template:
    metadata: {labels: {app: applied-server}}
    spec:
      containers:
      - {name: hostname-server, image: IMAGE, ports: [{containerPort: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: applied-nodeport}
spec:
  type: NodePort
  selector: {app: applied-server}
  ports: PORTS
"""


def test_get_wide_shows_pod_ip_and_node(cluster: DemoCluster, kubectl: Kubectl) -> None:
    out = kubectl("get", "nodes,deploy,svc,pods", "-o", "wide")
    assert re.search(r"node/worker1\s+Ready\s+<none>\s+\S+\s+v1\.37\.1\s+127\.0\.1\.2", out)
    assert re.search(r"deployment\.apps/hostname-server\s+2/2\s+2\s+2", out)
    assert re.search(
        r"service/nodeport-hostname-service\s+NodePort\s+127\.96\.\S+\s+<none>\s+"
        r"8080:30080/TCP",
        out,
    )
    pods = re.findall(
        r"pod/(hostname-server-\S+)\s+1/1\s+Running\s+0\s+\S+\s+(127\.244\.\d+\.\d+)"
        r"\s+(worker\d)",
        out,
    )
    assert len(pods) == 2
    # The scheduler spreads the two replicas over the two workers, as in the tutorial.
    assert {node for _, _, node in pods} == {"worker1", "worker2"}


def test_describe_svc_prints_the_endpoints(cluster: DemoCluster, kubectl: Kubectl) -> None:
    pods = json.loads(kubectl("get", "pods", "-l", "app=hostname-server", "-o", "json"))
    ips = sorted(p["status"]["podIP"] for p in pods["items"])
    out = kubectl("describe", "svc", "clusterip-hostname-service")
    assert re.search(r"Port:\s+<unset>\s+8080/TCP", out)
    assert re.search(r"TargetPort:\s+80/TCP", out)
    endpoints = re.search(r"Endpoints:\s+(\S+)", out)
    assert endpoints is not None
    assert sorted(endpoints.group(1).split(",")) == [f"{ip}:80" for ip in ips]
    # W6: the selector copied from the Deployment's labels matches no pod. The controller keeps
    # an empty placeholder slice, for which kubectl (as against a real cluster) prints nothing.
    assert re.search(r"^Endpoints:\s*$", kubectl("describe", "svc", "my-service"), re.M)


def test_apply_twice_then_scale(cluster: DemoCluster, kubectl: Kubectl) -> None:
    first = (
        W2_W3.replace("REPLICAS", "2")
        .replace("IMAGE", "takytaky/hostname")
        .replace(
            "PORTS",
            "[{name: a, port: 8080, targetPort: 80}, {name: b, port: 8081, targetPort: 80}]",
        )
    )
    assert "created" in kubectl("apply", "-f", "-", stdin=first)
    node_port = json.loads(kubectl("get", "svc", "applied-nodeport", "-o", "json"))["spec"][
        "ports"
    ][0]["nodePort"]
    # Second apply: a new image, 3 replicas, and port b removed (a strategic merge patch with
    # $setElementOrder and $patch: delete); the kept port keeps its allocated nodePort.
    second = (
        W2_W3.replace("REPLICAS", "3")
        .replace("IMAGE", "takytaky/hostname:v2")
        .replace("PORTS", "[{name: a, port: 8080, targetPort: 80}]")
    )
    out = kubectl("apply", "-f", "-", stdin=second)
    assert "deployment.apps/applied-server configured" in out
    assert "service/applied-nodeport configured" in out
    svc = json.loads(kubectl("get", "svc", "applied-nodeport", "-o", "json"))
    assert [(p["name"], p["nodePort"]) for p in svc["spec"]["ports"]] == [("a", node_port)]
    wait_for(
        lambda: kubectl("rollout", "status", "deployment/applied-server", "--timeout=10s"),
        timeout=20,
        message="the rollout to finish",
    )
    pods = json.loads(kubectl("get", "pods", "-l", "app=applied-server", "-o", "json"))["items"]
    live = [p for p in pods if not p["metadata"].get("deletionTimestamp")]
    assert {p["spec"]["containers"][0]["image"] for p in live} == {"takytaky/hostname:v2"}

    assert "scaled" in kubectl("scale", "deployment", "applied-server", "--replicas=4")

    def four_ready_endpoints() -> bool:
        out = kubectl(
            "get",
            "endpointslices",
            "-l",
            "kubernetes.io/service-name=applied-nodeport",
            "-o",
            "json",
        )
        ready = [
            e
            for s in json.loads(out)["items"]
            for e in s["endpoints"] or ()
            if e["conditions"].get("ready")
        ]
        return len(ready) == 4

    wait_for(four_ready_endpoints, message="4 ready endpoints after kubectl scale")


def test_delete_pod_gets_a_replacement(cluster: DemoCluster, kubectl: Kubectl) -> None:
    before = running_pods(cluster, "hostname-server-")
    assert f'pod "{before[0]}" deleted' in kubectl("delete", "pod", before[0])
    after = wait_for(
        lambda: (lambda now: now if len(now) == 2 and before[0] not in now else None)(
            running_pods(cluster, "hostname-server-")
        ),
        message="a replacement pod",
    )
    assert before[1] in after


def test_get_pods_watch_streams_changes(cluster: DemoCluster, kubectl: Kubectl) -> None:
    watch = kubectl.popen("get", "pods", "-w", "-l", "app=hostname-server")
    try:
        assert watch.stdout is not None
        header = watch.stdout.readline()
        assert header.split()[:3] == ["NAME", "READY", "STATUS"]
        kubectl("scale", "deployment", "hostname-server", "--replicas=3")
        seen = [watch.stdout.readline() for _ in range(2)]  # the two existing pods
        new_pod_line = watch.stdout.readline()
        assert new_pod_line.startswith("hostname-server-"), (seen, new_pod_line)
    finally:
        watch.kill()
        watch.communicate(timeout=5)


def test_service_proxy_returns_a_hello_page(cluster: DemoCluster, kubectl: Kubectl) -> None:
    path = "/api/v1/namespaces/default/services/clusterip-hostname-service:8080/proxy/"
    names = {
        re.search(r"Hello,  (\S+)</p>", kubectl("get", "--raw", path)).group(1)  # type: ignore[union-attr]
        for _ in range(12)
    }
    assert names <= set(running_pods(cluster, "hostname-server-"))
    assert names, "no Hello page"
    failed = kubectl.run(
        "get", "--raw", "/api/v1/namespaces/default/services/my-service/proxy/", check=False
    )
    assert failed.returncode != 0
    assert "no endpoints available for service" in failed.stderr


def test_create_deployment_and_nodeport_service(cluster: DemoCluster, kubectl: Kubectl) -> None:
    # Both commands send protobuf bodies.
    assert "deployment.apps/mynginx created" in kubectl(
        "create", "deployment", "mynginx", "--image=nginx"
    )
    assert "service/mynginx created" in kubectl(
        "create", "service", "nodeport", "mynginx", "--tcp=80:80"
    )
    svc = json.loads(kubectl("get", "svc", "mynginx", "-o", "json"))
    assert svc["spec"]["clusterIP"].startswith("127.96.")
    assert 30000 <= svc["spec"]["ports"][0]["nodePort"] <= 32767
    wait_for(lambda: running_pods(cluster, "mynginx-"), message="the mynginx pod")
    assert "namespace/team-a created" in kubectl("create", "namespace", "team-a")


def test_get_all_and_short_names(cluster: DemoCluster, kubectl: Kubectl) -> None:
    out = kubectl("get", "all")
    for name in (
        "pod/hostname-server-",
        "service/svc-3",
        "deployment.apps/my-deployment",
        "replicaset.apps/pod-",
    ):
        assert name in out
    assert "EXTERNAL-IP" in kubectl("get", "svc")
    assert "my-service" in kubectl("get", "ep")
    assert "kube-system" in kubectl("get", "ns")
    assert "hostname-server" in kubectl("get", "rs")


def test_scenarios_are_valid_manifests() -> None:
    kinds = {obj["kind"] for name in ("w1", "w7", "w8") for obj in manifests(name)}
    assert {"Deployment", "Service", "Ingress", "Namespace"} <= kinds
