"""Decoding Services, EndpointSlices, workloads, Nodes, Namespaces and Ingresses."""

from __future__ import annotations

from datetime import timezone

from k9lite.model.cluster import decode_namespace, decode_node
from k9lite.model.endpoints import decode_endpoint_slice
from k9lite.model.ingresses import IngressBackend, decode_ingress
from k9lite.model.pods import (
    ContainerPort,
)
from k9lite.model.services import LoadBalancerIngress, ServicePort, decode_service
from k9lite.model.workloads import decode_deployment, decode_replica_set
from tests.model.manifests import (
    deployment,
    endpoint,
    endpoint_slice,
    ingress_manifest,
    metadata,
    node,
    replica_set,
    service,
)

UTC = timezone.utc


# -- services -----------------------------------------------------------------------------------


def test_w2_cluster_ip_service() -> None:
    svc = decode_service(service("clusterip-hostname-service", selector={"app": "hostname-server"}))
    assert (svc.type, svc.cluster_ip, svc.cluster_ips) == (
        "ClusterIP",
        "10.106.104.217",
        ("10.106.104.217",),
    )
    assert svc.ports == (ServicePort(port=8080, target_port=80, protocol="TCP"),)
    assert svc.selector == {"app": "hostname-server"}
    assert svc.label_selector is not None
    assert svc.label_selector.matches({"app": "hostname-server", "pod-template-hash": "x"})
    assert svc.external_traffic_policy is None
    assert (svc.internal_traffic_policy, svc.session_affinity) == ("Cluster", "None")
    assert not svc.headless and not svc.load_balancer_pending


def test_w3_node_port_service() -> None:
    svc = decode_service(
        service(
            "nodeport-hostname-service",
            selector={"app": "hostname-server"},
            spec={
                "type": "NodePort",
                "clusterIP": "10.99.158.187",
                "externalTrafficPolicy": "Local",
                "ports": [{"protocol": "TCP", "port": 8080, "targetPort": 80, "nodePort": 30080}],
            },
        )
    )
    assert svc.type == "NodePort"
    assert svc.ports[0].node_port == 30080
    assert svc.external_traffic_policy == "Local"


def test_w5_load_balancer_pending_then_assigned() -> None:
    raw = service(
        "svc-3",
        selector={"app": "pod"},
        spec={
            "type": "LoadBalancer",
            "externalTrafficPolicy": "Cluster",
            "ports": [{"protocol": "TCP", "port": 9000, "targetPort": "http", "nodePort": 31234}],
        },
    )
    pending = decode_service(raw)
    assert pending.load_balancer_pending
    assert pending.ports[0].target_port == "http"
    raw["status"] = {
        "loadBalancer": {"ingress": [{"ip": "203.0.113.10"}, {"hostname": "lb.example.com"}]}
    }
    assigned = decode_service(raw)
    assert not assigned.load_balancer_pending
    assert assigned.load_balancer_ingress == (
        LoadBalancerIngress(ip="203.0.113.10"),
        LoadBalancerIngress(hostname="lb.example.com"),
    )


def test_w7_headless_external_name_and_multi_port_services() -> None:
    headless = decode_service(
        service(
            "headless-service",
            selector={"app": "hostname-server"},
            spec={"clusterIP": "None", "clusterIPs": ["None"]},
        )
    )
    assert headless.headless
    external = decode_service(
        service(
            "external-service",
            spec={"type": "ExternalName", "externalName": "example.com", "clusterIP": ""},
        )
    )
    multi_port = decode_service(
        service(
            "multi-port-service",
            selector={"app": "multi"},
            spec={
                "ports": [
                    {"name": "tcp-port", "port": 80, "targetPort": 8080, "protocol": "TCP"},
                    {"name": "udp-port", "port": 53, "protocol": "UDP"},
                ]
            },
        )
    )
    assert (external.type, external.external_name) == ("ExternalName", "example.com")
    assert external.selector is None and external.label_selector is None
    assert [(p.name, p.port, p.target_port, p.protocol) for p in multi_port.ports] == [
        ("tcp-port", 80, 8080, "TCP"),
        # targetPort defaults to port.
        ("udp-port", 53, 53, "UDP"),
    ]


def test_service_with_an_empty_selector_has_none() -> None:
    svc = decode_service(service("manual", selector={}))
    assert svc.selector is None and svc.label_selector is None


# -- endpoint slices ----------------------------------------------------------------------------


def test_endpoint_slice_with_ready_not_ready_and_terminating_endpoints() -> None:
    raw = endpoint_slice(
        "clusterip-hostname-service-x7k2p",
        "clusterip-hostname-service",
        endpoints=[
            endpoint("192.168.235.140", "pod-a", ready=True, serving=True, terminating=False),
            endpoint("192.168.189.81", "pod-b", node="worker2", ready=False),
            endpoint("192.168.189.82", "pod-c", ready=False, serving=True, terminating=True),
            {"addresses": ["192.168.189.83"]},
        ],
    )
    eps = decode_endpoint_slice(raw)
    assert eps.service_name == "clusterip-hostname-service"
    assert (eps.address_type, eps.ports[0].port, eps.ports[0].protocol) == ("IPv4", 80, "TCP")
    ready, not_ready, terminating, bare = eps.endpoints
    assert (ready.addresses, ready.ready, ready.node_name) == (
        ("192.168.235.140",),
        True,
        "worker1",
    )
    assert ready.target is not None and (ready.target.kind, ready.target.name) == ("Pod", "pod-a")
    # An unset serving follows ready; an unset terminating is false.
    assert (not_ready.ready, not_ready.serving, not_ready.terminating) == (False, False, False)
    assert (terminating.ready, terminating.serving, terminating.terminating) == (False, True, True)
    # Missing conditions read as ready: "unknown state should be interpreted as ready".
    assert (bare.ready, bare.serving, bare.terminating, bare.target) == (True, True, False, None)


def test_endpoint_slice_without_a_service_label() -> None:
    eps = decode_endpoint_slice(endpoint_slice("custom", None))
    assert eps.service_name is None and eps.endpoints == ()


# -- workloads ----------------------------------------------------------------------------------


def test_w2_deployment() -> None:
    raw = deployment(
        "hostname-server",
        labels={"app": "hostname-server"},
        pod_labels={"app": "hostname-server"},
        replicas=2,
        ready=1,
        container={
            "name": "hostname-server",
            "image": "takytaky/hostname",
            "ports": [{"containerPort": 80}],
        },
    )
    deploy = decode_deployment(raw)
    assert (deploy.replicas, deploy.ready_replicas, deploy.available_replicas) == (2, 1, 1)
    assert (deploy.updated_replicas, deploy.status_replicas, deploy.strategy_type) == (
        2,
        2,
        "RollingUpdate",
    )
    assert deploy.template.containers[0].image == "takytaky/hostname"
    assert deploy.template.containers[0].ports == (ContainerPort(80),)
    assert str(deploy.selector) == "app=hostname-server"
    assert [(c.type, c.is_true) for c in deploy.conditions] == [
        ("Available", False),
        ("Progressing", True),
    ]


def test_w6_deployment_labels_differ_from_its_pod_labels() -> None:
    deploy = decode_deployment(
        deployment(
            "my-deployment",
            labels={"app": "my-app-2"},
            pod_labels={"app": "my-app"},
            replicas=3,
            container={"name": "my-container", "image": "my-image"},
        )
    )
    assert deploy.meta.labels == {"app": "my-app-2"}
    assert deploy.template.labels == {"app": "my-app"}
    assert deploy.selector.matches(deploy.template.labels)
    assert not deploy.selector.matches(deploy.meta.labels)


def test_deployment_defaults_and_expressions() -> None:
    raw = deployment(
        "d", labels={}, pod_labels={"app": "d"}, replicas=1, container={"name": "c", "image": "i"}
    )
    del raw["spec"]["replicas"], raw["spec"]["strategy"], raw["status"]
    raw["spec"]["selector"]["matchExpressions"] = [
        {"key": "tier", "operator": "In", "values": ["web", "api"]}
    ]
    deploy = decode_deployment(raw)
    assert (deploy.replicas, deploy.strategy_type, deploy.ready_replicas) == (1, "RollingUpdate", 0)
    assert deploy.selector.matches({"app": "d", "tier": "api"})
    assert not deploy.selector.matches({"app": "d"})


def test_replica_set_knows_its_deployment() -> None:
    rs = decode_replica_set(
        replica_set(
            "web-5d8f9c",
            pod_labels={"app": "web", "pod-template-hash": "5d8f9c"},
            replicas=2,
            owner=("Deployment", "web", "uid-web"),
        )
    )
    assert rs.owner is not None and (rs.owner.kind, rs.owner.uid) == ("Deployment", "uid-web")
    assert (rs.replicas, rs.ready_replicas, rs.status_replicas) == (2, 2, 2)
    assert rs.selector.matches({"app": "web", "pod-template-hash": "5d8f9c"})


# -- nodes, namespaces, ingresses ---------------------------------------------------------------


def test_nodes_roles_status_and_addresses() -> None:
    master = decode_node(
        node("master", "172.30.1.25", labels={"node-role.kubernetes.io/control-plane": ""})
    )
    assert master.roles == ("control-plane",)
    assert (master.ready, master.status, master.internal_ips) == (True, "Ready", ("172.30.1.25",))
    assert (master.pod_cidr, master.kubelet_version) == ("192.168.235.128/26", "v1.30.2")
    raw = node(
        "worker1",
        "172.30.1.10",
        labels={"kubernetes.io/role": "worker", "node-role.kubernetes.io/ingress": ""},
        ready="False",
    )
    raw["spec"]["unschedulable"] = True
    raw["status"]["addresses"].append({"type": "ExternalIP", "address": "203.0.113.5"})
    worker = decode_node(raw)
    assert worker.roles == ("ingress", "worker")
    assert (worker.ready, worker.status) == (False, "NotReady,SchedulingDisabled")
    assert worker.external_ips == ("203.0.113.5",)
    raw["status"]["conditions"] = []
    assert decode_node(raw).status == "Unknown,SchedulingDisabled"


def test_namespace_phase() -> None:
    raw = {"metadata": metadata("team-a", ""), "status": {"phase": "Terminating"}}
    assert decode_namespace(raw).phase == "Terminating"
    assert decode_namespace({"metadata": metadata("team-b", "")}).phase == "Active"


def test_w7_ingress_routes_by_host_and_path() -> None:
    raw = ingress_manifest()
    ingress = decode_ingress(raw)
    assert ingress.ingress_class == "nginx"
    assert ingress.default_backend == IngressBackend(None)  # a resource backend: no Service
    (rule,) = ingress.rules
    assert rule.host == "example.com"
    assert [
        (p.path, p.path_type, p.backend.service_name, p.backend.service_port) for p in rule.paths
    ] == [
        ("/web1", "Prefix", "web1", 80),
        ("/web2", "Exact", "web2", "http"),
    ]
    assert ingress.load_balancer_ingress == (LoadBalancerIngress(ip="203.0.113.7"),)
    raw["spec"]["ingressClassName"] = "traefik"
    assert decode_ingress(raw).ingress_class == "traefik"
