"""Static defaulting and validation of the demo API server, against kube-apiserver's messages."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from k9lite.demo.validation import Cause, invalid_message
from tests.demo.kinds import strategy

# -- the walkthrough manifests (WALKTHROUGHS.md W2, W3, W5, W6) ---------------------------------

_MANIFESTS = yaml.safe_load_all(
    """
apiVersion: apps/v1
kind: Deployment
metadata: {name: hostname-server, labels: {app: hostname-server}}
spec:
  replicas: 2
  selector: {matchLabels: {app: hostname-server}}
  template:
    metadata: {labels: {app: hostname-server}}
    spec:
      containers:
      - {name: hostname-server, image: takytaky/hostname, ports: [{containerPort: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: clusterip-hostname-service}
spec:
  type: ClusterIP
  selector: {app: hostname-server}
  ports: [{protocol: TCP, port: 8080, targetPort: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: nodeport-hostname-service}
spec:
  type: NodePort
  selector: {app: hostname-server}
  ports: [{protocol: TCP, port: 8080, targetPort: 80, nodePort: 30080}]
---
apiVersion: v1
kind: Service
metadata: {name: svc-3}
spec:
  type: LoadBalancer
  selector: {app: pod}
  ports: [{port: 9000, targetPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: my-deployment, labels: {app: my-app-2}}
spec:
  replicas: 3
  selector: {matchLabels: {app: my-app}}
  template:
    metadata: {labels: {app: my-app}}
    spec: {containers: [{name: my-container, image: my-image}]}
"""
)
_RESOURCES = {"Deployment": "deployments", "Service": "services"}
WALKTHROUGH = [(_RESOURCES[m["kind"]], m) for m in _MANIFESTS]

_OTHERS = [
    ("pods", {"metadata": {"name": "web"}, "spec": {"containers": [{"name": "c", "image": "i"}]}}),
    ("namespaces", {"metadata": {"name": "demo"}}),
    (
        "replicasets",
        {
            "metadata": {"name": "rs"},
            "spec": {
                "selector": {"matchLabels": {"a": "b"}},
                "template": {
                    "metadata": {"labels": {"a": "b"}},
                    "spec": {"containers": [{"name": "c", "image": "i"}]},
                },
            },
        },
    ),
    (
        "services",
        {
            "metadata": {"name": "ext"},
            "spec": {"type": "ExternalName", "externalName": "example.com"},
        },
    ),
    ("services", {"metadata": {"name": "headless"}, "spec": {"clusterIP": "None"}}),
    (
        "services",
        {
            "metadata": {"name": "affinity"},
            "spec": {"sessionAffinity": "ClientIP", "ports": [{"port": 80, "targetPort": "http"}]},
        },
    ),
    (
        "endpoints",
        {
            "metadata": {"name": "ep"},
            "subsets": [{"addresses": [{"ip": "10.44.0.1"}], "ports": [{"port": 80}]}],
        },
    ),
    (
        "endpointslices",
        {
            "metadata": {"name": "eps"},
            "addressType": "IPv4",
            "endpoints": [{"addresses": ["10.44.0.1"]}],
            "ports": [{"port": 80}],
        },
    ),
    (
        "ingresses",
        {
            "metadata": {"name": "ing"},
            "spec": {
                "rules": [
                    {
                        "host": "example.com",
                        "http": {
                            "paths": [
                                {
                                    "path": "/web1",
                                    "pathType": "Prefix",
                                    "backend": {
                                        "service": {"name": "web1", "port": {"number": 80}}
                                    },
                                }
                            ]
                        },
                    }
                ]
            },
        },
    ),
    ("nodes", {"metadata": {"name": "worker1"}}),
]


def _defaulted(resource: str, obj: dict[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(obj)
    strategy(resource).defaults(result)
    return result


def _messages(resource: str, obj: dict[str, Any], old: dict[str, Any] | None = None) -> list[str]:
    causes = strategy(resource).validate(_defaulted(resource, obj), old)
    return [f"{cause.field}: {cause.message}" for cause in causes]


@pytest.mark.parametrize(("resource", "manifest"), WALKTHROUGH + _OTHERS)
def test_manifests_validate_cleanly_after_defaults(resource: str, manifest: dict[str, Any]) -> None:
    assert _messages(resource, manifest) == []


@pytest.mark.parametrize(("resource", "manifest"), WALKTHROUGH + _OTHERS)
def test_defaults_are_idempotent(resource: str, manifest: dict[str, Any]) -> None:
    once = _defaulted(resource, manifest)
    assert _defaulted(resource, once) == once


@pytest.mark.parametrize(("resource", "manifest"), WALKTHROUGH + _OTHERS)
def test_defaulted_objects_stay_valid_on_an_identical_update(
    resource: str, manifest: dict[str, Any]
) -> None:
    stored = _defaulted(resource, manifest)
    assert strategy(resource).validate(stored, stored) == []


# -- defaults -----------------------------------------------------------------------------------


def test_service_defaults() -> None:
    service = _defaulted("services", dict(WALKTHROUGH[3][1]))
    assert service["spec"] == {
        "type": "LoadBalancer",
        "selector": {"app": "pod"},
        "ports": [{"port": 9000, "targetPort": 8080, "protocol": "TCP"}],
        "sessionAffinity": "None",
        "externalTrafficPolicy": "Cluster",
        "internalTrafficPolicy": "Cluster",
        "ipFamilies": ["IPv4"],
        "ipFamilyPolicy": "SingleStack",
        "allocateLoadBalancerNodePorts": True,
    }


def test_service_target_port_defaults_to_port_and_external_name_stays_bare() -> None:
    service = _defaulted("services", {"spec": {"ports": [{"port": 80}]}})
    assert service["spec"]["ports"] == [{"port": 80, "protocol": "TCP", "targetPort": 80}]
    assert "externalTrafficPolicy" not in service["spec"]
    external = _defaulted("services", {"spec": {"type": "ExternalName", "externalName": "a.b"}})
    assert external["spec"] == {
        "type": "ExternalName",
        "externalName": "a.b",
        "sessionAffinity": "None",
    }


def test_client_ip_affinity_gets_its_timeout() -> None:
    service = _defaulted("services", {"spec": {"sessionAffinity": "ClientIP"}})
    assert service["spec"]["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 10800}}


def test_deployment_defaults_include_the_pod_template() -> None:
    deployment = _defaulted("deployments", WALKTHROUGH[0][1])
    spec = deployment["spec"]
    assert spec["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
    }
    assert (spec["replicas"], spec["revisionHistoryLimit"], spec["progressDeadlineSeconds"]) == (
        2,
        10,
        600,
    )
    pod_spec = spec["template"]["spec"]
    assert pod_spec["restartPolicy"] == "Always"
    assert pod_spec["dnsPolicy"] == "ClusterFirst"
    assert pod_spec["schedulerName"] == "default-scheduler"
    assert pod_spec["terminationGracePeriodSeconds"] == 30
    assert pod_spec["securityContext"] == {}
    assert "enableServiceLinks" not in pod_spec
    assert pod_spec["containers"][0] == {
        "name": "hostname-server",
        "image": "takytaky/hostname",
        "ports": [{"containerPort": 80, "protocol": "TCP"}],
        "imagePullPolicy": "Always",
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "resources": {},
    }


def test_replica_set_and_recreate_defaults() -> None:
    assert _defaulted("replicasets", {"spec": {}})["spec"]["replicas"] == 1
    recreate = _defaulted("deployments", {"spec": {"strategy": {"type": "Recreate"}}})
    assert recreate["spec"]["strategy"] == {"type": "Recreate"}


@pytest.mark.parametrize(
    ("image", "policy"),
    [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("nginx:1.25", "IfNotPresent"),
        ("localhost:5000/nginx", "Always"),
        ("localhost:5000/nginx:1.25", "IfNotPresent"),
        ("nginx@sha256:0123abcd", "IfNotPresent"),
    ],
)
def test_image_pull_policy_follows_the_tag(image: str, policy: str) -> None:
    pod = _defaulted("pods", {"spec": {"containers": [{"name": "c", "image": image}]}})
    assert pod["spec"]["containers"][0]["imagePullPolicy"] == policy
    assert pod["spec"]["enableServiceLinks"] is True


def test_namespace_endpoint_defaults() -> None:
    namespace = _defaulted("namespaces", {"metadata": {"name": "demo"}})
    assert namespace["metadata"]["labels"] == {"kubernetes.io/metadata.name": "demo"}
    assert namespace["spec"] == {"finalizers": ["kubernetes"]}
    endpoint_slice = _defaulted("endpointslices", {"ports": [{"port": 80}]})
    assert endpoint_slice["ports"] == [{"port": 80, "name": "", "protocol": "TCP"}]
    endpoints = _defaulted("endpoints", {"subsets": [{"ports": [{"port": 80}]}]})
    assert endpoints["subsets"][0]["ports"] == [{"port": 80, "protocol": "TCP"}]


def test_unknown_resources_are_left_alone() -> None:
    event = {"metadata": {"name": "e"}}
    strategy("events").defaults(event)
    assert event == {"metadata": {"name": "e"}}


# -- metadata -----------------------------------------------------------------------------------

_SUBDOMAIN_ERROR = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)


def _deployment(**changes: Any) -> dict[str, Any]:
    deployment: dict[str, Any] = copy.deepcopy(WALKTHROUGH[0][1])
    deployment["spec"].update(changes)
    return deployment


def _service(**spec: Any) -> dict[str, Any]:
    return {"metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}], **spec}}


def _pod(*containers: dict[str, Any]) -> dict[str, Any]:
    return {"metadata": {"name": "p"}, "spec": {"containers": list(containers)}}


def test_invalid_name_message() -> None:
    deployment = _deployment()
    deployment["metadata"]["name"] = "My_Deployment"
    causes = strategy("deployments").validate(_defaulted("deployments", deployment), None)
    assert causes == [
        Cause(
            "metadata.name",
            f'Invalid value: "My_Deployment": {_SUBDOMAIN_ERROR}',
            "FieldValueInvalid",
        )
    ]
    assert invalid_message("Deployment.apps", "My_Deployment", causes) == (
        f'Deployment.apps "My_Deployment" is invalid: metadata.name: Invalid value: '
        f'"My_Deployment": {_SUBDOMAIN_ERROR}'
    )


def test_service_names_are_dns1035_labels_and_namespaces_dns1123_labels() -> None:
    assert (
        _messages("services", {"metadata": {"name": "web-1"}, "spec": {"ports": [{"port": 1}]}})
        == []
    )
    [service_error] = _messages(
        "services", {"metadata": {"name": "1web"}, "spec": {"ports": [{"port": 1}]}}
    )
    assert service_error.startswith('metadata.name: Invalid value: "1web": a DNS-1035 label must')
    assert _messages("namespaces", {"metadata": {"name": "1demo"}}) == []
    assert _messages("namespaces", {"metadata": {"name": "a.b"}}) == [
        'metadata.name: Invalid value: "a.b": must not contain dots'
    ]


def test_name_or_generate_name_is_required() -> None:
    assert _messages(
        "pods", {"metadata": {}, "spec": {"containers": [{"name": "c", "image": "i"}]}}
    ) == ["metadata.name: Required value: name or generateName is required"]
    generated: dict[str, Any] = {
        "metadata": {"generateName": "web-"},
        "spec": {"containers": [{"name": "c", "image": "i"}]},
    }
    assert _messages("pods", generated) == []
    generated["metadata"]["generateName"] = "Web-"
    assert _messages("pods", generated)[0].startswith(
        'metadata.generateName: Invalid value: "Web-"'
    )


def test_labels_and_annotations() -> None:
    pod = _pod({"name": "c", "image": "i"})
    pod["metadata"]["labels"] = {"app.kubernetes.io/name": "web", "tier": "front_end-1"}
    pod["metadata"]["annotations"] = {"Example.com/Note": "any text at all, even spaces"}
    assert _messages("pods", pod) == []
    pod["metadata"]["labels"] = {"bad key": "ok", "ok": "-bad"}
    pod["metadata"]["annotations"] = {"a/b/c": "x"}
    assert [message.split(":")[0] for message in _messages("pods", pod)] == [
        "metadata.labels",
        "metadata.labels",
        "metadata.annotations",
    ]


def test_wrong_json_types_are_reported_not_raised() -> None:
    messages = _messages("deployments", _deployment(replicas="3"))
    assert messages == ['spec.replicas: Invalid value: "3": must be of type integer']
    pod = _pod({"name": "c", "image": "i"})
    pod["metadata"]["labels"] = {"version": 1}
    assert _messages("pods", pod) == [
        "metadata.labels[version]: Invalid value: 1: must be of type string"
    ]


# -- Deployments and ReplicaSets ----------------------------------------------------------------


def test_selector_must_match_template_labels() -> None:
    deployment = _deployment(selector={"matchLabels": {"app": "other"}})
    causes = strategy("deployments").validate(_defaulted("deployments", deployment), None)
    assert invalid_message("Deployment.apps", "hostname-server", causes) == (
        'Deployment.apps "hostname-server" is invalid: spec.template.metadata.labels: Invalid '
        'value: {"app":"hostname-server"}: `selector` does not match template `labels`'
    )


def test_selector_is_required_and_not_empty() -> None:
    deployment = _deployment()
    del deployment["spec"]["selector"]
    assert _messages("deployments", deployment) == [
        "spec.selector: Required value",
        'spec.template.metadata.labels: Invalid value: {"app":"hostname-server"}: '
        "`selector` does not match template `labels`",
    ]
    assert _messages("deployments", _deployment(selector={})) == [
        "spec.selector: Invalid value: {}: empty selector is invalid for deployment"
    ]


def test_selector_expressions_are_checked() -> None:
    good = {"matchExpressions": [{"key": "app", "operator": "In", "values": ["hostname-server"]}]}
    assert _messages("deployments", _deployment(selector=good)) == []
    bad = {
        "matchExpressions": [
            {"key": "app", "operator": "In", "values": []},
            {"key": "app", "operator": "Exists", "values": ["x"]},
            {"key": "app", "operator": "Is"},
        ]
    }
    assert _messages("deployments", _deployment(selector=bad)) == [
        "spec.selector.matchExpressions[0].values: Required value: must be specified when "
        "`operator` is 'In' or 'NotIn'",
        "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when "
        "`operator` is 'Exists' or 'DoesNotExist'",
        'spec.selector.matchExpressions[2].operator: Invalid value: "Is": not a valid selector '
        "operator",
        'spec.selector: Invalid value: {"matchExpressions":[{"key":"app","operator":"In",'
        '"values":[]},{"key":"app","operator":"Exists","values":["x"]},{"key":"app",'
        '"operator":"Is"}]}: invalid label selector',
    ]
    numbers = _deployment(selector={"matchLabels": {"app": 1}})
    assert _messages("deployments", numbers) == [
        "spec.selector.matchLabels[app]: Invalid value: 1: must be of type string",
        'spec.selector: Invalid value: {"matchLabels":{"app":1}}: invalid label selector',
    ]


def test_replicas_and_deadlines() -> None:
    assert _messages("deployments", _deployment(replicas=-1)) == [
        "spec.replicas: Invalid value: -1: must be greater than or equal to 0"
    ]
    assert _messages("deployments", _deployment(minReadySeconds=600)) == [
        "spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds"
    ]


def test_deployment_strategy() -> None:
    recreate = _deployment(strategy={"type": "Recreate", "rollingUpdate": {}})
    assert _messages("deployments", recreate) == [
        "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is "
        "'Recreate'"
    ]
    zero = _deployment(strategy={"rollingUpdate": {"maxSurge": 0, "maxUnavailable": "0%"}})
    assert _messages("deployments", zero) == [
        'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "0%": may not be 0 when '
        "`maxSurge` is 0"
    ]
    bad = _deployment(strategy={"rollingUpdate": {"maxSurge": "a%", "maxUnavailable": "200%"}})
    assert [m.split(": Invalid")[0] for m in _messages("deployments", bad)] == [
        "spec.strategy.rollingUpdate.maxSurge",
        "spec.strategy.rollingUpdate.maxUnavailable",
    ]
    unknown = _deployment(strategy={"type": "BlueGreen"})
    assert _messages("deployments", unknown) == [
        'spec.strategy: Unsupported value: {"type":"BlueGreen"}: supported values: "Recreate", '
        '"RollingUpdate"'
    ]


def test_template_restart_policy_must_be_always() -> None:
    deployment = _deployment()
    deployment["spec"]["template"]["spec"]["restartPolicy"] = "Never"
    assert _messages("deployments", deployment) == [
        'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'
    ]


@pytest.mark.parametrize("resource", ["deployments", "replicasets"])
def test_selector_is_immutable(resource: str) -> None:
    stored = _defaulted(resource, _deployment())
    assert strategy(resource).validate(stored, stored) == []
    changed = _deployment(selector={"matchLabels": {"app": "hostname-server", "v": "2"}})
    changed["spec"]["template"]["metadata"]["labels"]["v"] = "2"
    assert _messages(resource, changed, old=stored) == [
        'spec.selector: Invalid value: {"matchLabels":{"app":"hostname-server","v":"2"}}: '
        "field is immutable"
    ]


# -- pod specs ----------------------------------------------------------------------------------


def test_containers_are_required() -> None:
    assert _messages("pods", _pod()) == ["spec.containers: Required value"]


def test_container_names_and_images() -> None:
    messages = _messages(
        "pods", _pod({"name": "Web", "image": "i"}, {"name": "c"}, {"name": "c", "image": "i"})
    )
    assert messages[0].startswith(
        'spec.containers[0].name: Invalid value: "Web": a lowercase RFC 1123 label'
    )
    assert messages[1:] == [
        "spec.containers[1].image: Required value",
        'spec.containers[2].name: Duplicate value: "c"',
    ]
    assert _messages("pods", _pod({"image": "i"})) == ["spec.containers[0].name: Required value"]


def test_container_ports() -> None:
    ok = {
        "name": "c",
        "image": "i",
        "ports": [
            {"name": "http", "containerPort": 8080},
            {"name": "dns", "containerPort": 53, "protocol": "UDP"},
        ],
    }
    assert _messages("pods", _pod(ok)) == []
    bad = {
        "name": "c",
        "image": "i",
        "ports": [
            {"name": "http", "containerPort": 70000},
            {"name": "http", "containerPort": 80, "protocol": "HTTP"},
            {"name": "Web_1"},
        ],
    }
    assert _messages("pods", _pod(bad)) == [
        "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and "
        "65535, inclusive",
        'spec.containers[0].ports[1].name: Duplicate value: "http"',
        'spec.containers[0].ports[1].protocol: Unsupported value: "HTTP": supported values: '
        '"SCTP", "TCP", "UDP"',
        'spec.containers[0].ports[2].name: Invalid value: "Web_1": must contain only '
        "alpha-numeric characters (a-z, 0-9), and hyphens (-)",
        "spec.containers[0].ports[2].containerPort: Required value",
    ]


def test_pod_policies() -> None:
    pod = _pod({"name": "c", "image": "i", "imagePullPolicy": "Sometimes"})
    pod["spec"]["restartPolicy"] = "Maybe"
    assert _messages("pods", pod) == [
        'spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: '
        '"Always", "IfNotPresent", "Never"',
        'spec.restartPolicy: Unsupported value: "Maybe": supported values: "Always", '
        '"OnFailure", "Never"',
    ]


# -- Services -----------------------------------------------------------------------------------


def test_node_port_range_message() -> None:
    service = _service(type="NodePort", ports=[{"port": 80, "nodePort": 80}])
    causes = strategy("services").validate(_defaulted("services", service), None)
    assert invalid_message("Service", "x", causes) == (
        'Service "x" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not '
        "in the valid range. The range of valid ports is 30000-32767"
    )
    assert (
        _messages("services", _service(type="NodePort", ports=[{"port": 80, "nodePort": 32767}]))
        == []
    )


def test_node_port_needs_node_port_or_load_balancer_type() -> None:
    assert _messages("services", _service(ports=[{"port": 80, "nodePort": 30080}])) == [
        "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"
    ]
    duplicated = _service(
        type="NodePort",
        ports=[
            {"name": "a", "port": 80, "nodePort": 30080},
            {"name": "b", "port": 81, "nodePort": 30080},
        ],
    )
    assert _messages("services", duplicated) == ["spec.ports[1].nodePort: Duplicate value: 30080"]


def test_service_type_must_be_known() -> None:
    assert _messages("services", _service(type="Internal")) == [
        'spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", '
        '"LoadBalancer", "NodePort"'
    ]


def test_service_ports() -> None:
    assert _messages("services", _service(ports=[])) == ["spec.ports: Required value"]
    assert _messages("services", _service(clusterIP="None", ports=[])) == []
    messages = _messages(
        "services", _service(ports=[{"port": 0, "targetPort": "Web"}, {"port": 80}])
    )
    assert messages == [
        "spec.ports[0].name: Required value",
        "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
        'spec.ports[0].targetPort: Invalid value: "Web": must contain only alpha-numeric '
        "characters (a-z, 0-9), and hyphens (-)",
        "spec.ports[1].name: Required value",
    ]


def test_multi_port_services_need_unique_names_and_ports() -> None:
    both = [
        {"name": "tcp-port", "port": 80, "targetPort": 8080},
        {"name": "udp-port", "port": 53, "protocol": "UDP"},
    ]
    assert _messages("services", _service(ports=both)) == []
    duplicated = [{"name": "a", "port": 80}, {"name": "a", "port": 80, "targetPort": 70000}]
    assert _messages("services", _service(ports=duplicated)) == [
        'spec.ports[1].name: Duplicate value: "a"',
        "spec.ports[1].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
        'spec.ports[1]: Duplicate value: {"port":80,"protocol":"TCP"}',
    ]


def test_external_name_services() -> None:
    assert (
        _messages(
            "services",
            {
                "metadata": {"name": "ext"},
                "spec": {"type": "ExternalName", "externalName": "example.com."},
            },
        )
        == []
    )
    assert _messages(
        "services", {"metadata": {"name": "ext"}, "spec": {"type": "ExternalName"}}
    ) == ["spec.externalName: Required value"]
    with_ip = {
        "metadata": {"name": "ext"},
        "spec": {"type": "ExternalName", "externalName": "Example_com", "clusterIP": "10.0.0.1"},
    }
    assert [m.split(":")[0] for m in _messages("services", with_ip)] == [
        "spec.clusterIPs",
        "spec.externalName",
    ]


def test_headless_is_only_for_cluster_ip() -> None:
    assert _messages("services", _service(type="NodePort", clusterIP="None")) == [
        'spec.clusterIPs[0]: Invalid value: "None": '
        "may not be set to 'None' for NodePort services"
    ]


def test_cluster_ip_must_be_an_ip() -> None:
    assert _messages("services", _service(clusterIP="10.96.0.300")) == [
        'spec.clusterIPs[0]: Invalid value: "10.96.0.300": must be a valid IP address, (e.g. '
        "10.9.8.7 or 2001:db8::ffff)"
    ]


def test_external_traffic_policy_only_for_external_services() -> None:
    assert _messages("services", _service(externalTrafficPolicy="Local")) == [
        'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for '
        "externally-accessible services"
    ]
    assert _messages("services", _service(type="NodePort", externalTrafficPolicy="Local")) == []
    assert _messages("services", _service(type="NodePort", externalTrafficPolicy="Nearest")) == [
        'spec.externalTrafficPolicy: Unsupported value: "Nearest": supported values: "Cluster", '
        '"Local"'
    ]


def test_service_selector_labels() -> None:
    assert _messages("services", _service(selector={"app": "my app"}))[0].startswith(
        'spec.selector: Invalid value: "my app": a valid label must be an empty string'
    )


def test_cluster_ip_is_immutable_except_through_external_name() -> None:
    stored = _defaulted("services", _service(clusterIP="10.96.0.10"))
    moved = _service(clusterIP="10.96.0.11")
    assert _messages("services", moved, old=stored) == [
        'spec.clusterIPs[0]: Invalid value: ["10.96.0.11"]: may not change once set'
    ]
    assert _messages("services", _service(), old=stored) == []
    to_external = {
        "metadata": {"name": "web"},
        "spec": {"type": "ExternalName", "externalName": "a.b"},
    }
    assert _messages("services", to_external, old=stored) == []
    headless = _defaulted("services", _service(clusterIP="None"))
    assert _messages("services", _service(clusterIP="None"), old=headless) == []


# -- the other kinds ----------------------------------------------------------------------------


def test_ingress_rules() -> None:
    path: dict[str, Any] = {"path": "web1", "backend": {"service": {"name": "web1", "port": {}}}}
    ingress = {"metadata": {"name": "ing"}, "spec": {"rules": [{"http": {"paths": [path]}}]}}
    assert _messages("ingresses", ingress) == [
        "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified"
    ]
    path["pathType"] = "Prefix"
    assert _messages("ingresses", ingress) == [
        'spec.rules[0].http.paths[0].path: Invalid value: "web1": must be an absolute path',
        "spec.rules[0].http.paths[0].backend: Required value: port name or number is required",
    ]
    path["path"] = "/web1"
    path["backend"]["service"]["port"] = {"name": "http", "number": 80}
    assert _messages("ingresses", ingress) == [
        'spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both port name & '
        "port number"
    ]
    path["backend"]["service"]["port"] = {"name": "http"}
    assert _messages("ingresses", ingress) == []
    assert _messages("ingresses", {"metadata": {"name": "ing"}, "spec": {}}) == [
        "spec: Invalid value: null: either `defaultBackend` or `rules` must be specified"
    ]


def test_ingress_host_is_a_dns_name() -> None:
    rule = {"host": "10.0.0.1", "http": {"paths": []}}
    assert _messages("ingresses", {"metadata": {"name": "i"}, "spec": {"rules": [rule]}}) == [
        'spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
        "spec.rules[0].http.paths: Required value",
    ]


def test_endpoints_and_slices() -> None:
    endpoints = {
        "metadata": {"name": "ep"},
        "subsets": [{"addresses": [{"ip": "10.44.0.x"}], "ports": [{"port": 80}, {"port": 53}]}],
    }
    assert _messages("endpoints", endpoints) == [
        'subsets[0].addresses[0].ip: Invalid value: "10.44.0.x": must be a valid IP address, '
        "(e.g. 10.9.8.7 or 2001:db8::ffff)",
        "subsets[0].ports[0].name: Required value",
        "subsets[0].ports[1].name: Required value",
    ]
    endpoint_slice = {
        "metadata": {"name": "s"},
        "addressType": "IPv4",
        "endpoints": [{"addresses": ["fd00::1"]}, {"addresses": []}],
    }
    assert _messages("endpointslices", endpoint_slice) == [
        'endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address',
        "endpoints[1].addresses: Required value: must contain at least 1 address",
    ]


def test_node_names_are_subdomains() -> None:
    assert _messages("nodes", {"metadata": {"name": "worker1.example.com"}}) == []
    assert _messages("nodes", {"metadata": {"name": "Worker1"}})[0].startswith(
        'metadata.name: Invalid value: "Worker1"'
    )


def test_several_causes_are_joined_in_brackets() -> None:
    causes = [
        Cause("a", "Required value", "FieldValueRequired"),
        Cause("b", "Forbidden: no", "FieldValueForbidden"),
    ]
    assert (
        invalid_message("Pod", "p", causes)
        == 'Pod "p" is invalid: [a: Required value, b: Forbidden: no]'
    )
