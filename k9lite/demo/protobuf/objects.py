"""The objects decoded here (Service, Namespace, Deployment, RBAC, ConfigMap, Secret), keyed by
apiVersion and kind."""

from __future__ import annotations

from collections.abc import Mapping

from k9lite.demo.protobuf.apimachinery import CONDITION, LABEL_SELECTOR, OBJECT_META
from k9lite.demo.protobuf.config import CONFIG_OBJECTS
from k9lite.demo.protobuf.pods import POD_TEMPLATE_SPEC
from k9lite.demo.protobuf.rbac import RBAC_OBJECTS
from k9lite.demo.protobuf.reviews import REVIEW_OBJECTS
from k9lite.demo.protobuf.schema import (
    PTR,
    VALUE,
    Kind,
    Message,
    boolean,
    int32,
    int64,
    message,
    msg,
    msgs,
    special,
    string,
    strings,
)

__all__ = ["OBJECTS"]

# --- k8s.io/api/core/v1: services and namespaces -------------------------------------------------

_SERVICE_PORT = message(
    "ServicePort",
    string(1, "name"),
    string(2, "protocol"),
    string(6, "appProtocol", PTR),
    int32(3, "port", VALUE),
    # A non-pointer IntOrString: an unset targetPort is sent as int 0, which the server defaults
    # to `port`; dropping it keeps that default visible to the demo server's defaulting.
    special(4, "targetPort", Kind.INT_OR_STRING),
    int32(5, "nodePort"),
)
_SERVICE_SPEC = message(
    "ServiceSpec",
    msgs(1, "ports", _SERVICE_PORT),
    special(2, "selector", Kind.STRING_MAP),
    string(3, "clusterIP"),
    strings(18, "clusterIPs"),
    string(4, "type"),
    strings(5, "externalIPs"),
    string(7, "sessionAffinity"),
    string(8, "loadBalancerIP"),
    strings(9, "loadBalancerSourceRanges"),
    string(10, "externalName"),
    string(11, "externalTrafficPolicy"),
    int32(12, "healthCheckNodePort"),
    boolean(13, "publishNotReadyAddresses"),
    msg(
        14,
        "sessionAffinityConfig",
        message(
            "SessionAffinityConfig",
            msg(1, "clientIP", message("ClientIPConfig", int32(1, "timeoutSeconds", PTR))),
        ),
    ),
    strings(19, "ipFamilies"),
    string(17, "ipFamilyPolicy", PTR),
    boolean(20, "allocateLoadBalancerNodePorts", PTR),
    string(21, "loadBalancerClass", PTR),
    string(22, "internalTrafficPolicy", PTR),
)
_LOAD_BALANCER_INGRESS = message(
    "LoadBalancerIngress",
    string(1, "ip"),
    string(2, "hostname"),
    string(3, "ipMode", PTR),
    msgs(
        4,
        "ports",
        message(
            "PortStatus",
            int32(1, "port", VALUE),
            string(2, "protocol", VALUE),
            string(3, "error", PTR),
        ),
    ),
)
_SERVICE_STATUS = message(
    "ServiceStatus",
    msg(
        1,
        "loadBalancer",
        message("LoadBalancerStatus", msgs(1, "ingress", _LOAD_BALANCER_INGRESS)),
        VALUE,
    ),
    msgs(2, "conditions", CONDITION),
)
_NAMESPACE_SPEC = message("NamespaceSpec", strings(1, "finalizers"))
_NAMESPACE_STATUS = message(
    "NamespaceStatus",
    string(1, "phase"),
    msgs(
        2,
        "conditions",
        message(
            "NamespaceCondition",
            string(1, "type", VALUE),
            string(2, "status", VALUE),
            special(4, "lastTransitionTime", Kind.TIME),
            string(5, "reason"),
            string(6, "message"),
        ),
    ),
)

# --- k8s.io/api/apps/v1 -------------------------------------------------------------------------

_DEPLOYMENT_STRATEGY = message(
    "DeploymentStrategy",
    string(1, "type"),
    msg(
        2,
        "rollingUpdate",
        message(
            "RollingUpdateDeployment",
            special(1, "maxUnavailable", Kind.INT_OR_STRING, PTR),
            special(2, "maxSurge", Kind.INT_OR_STRING, PTR),
        ),
    ),
)
_DEPLOYMENT_SPEC = message(
    "DeploymentSpec",
    int32(1, "replicas", PTR),
    msg(2, "selector", LABEL_SELECTOR),
    msg(3, "template", POD_TEMPLATE_SPEC, VALUE),
    msg(4, "strategy", _DEPLOYMENT_STRATEGY, VALUE),
    int32(5, "minReadySeconds"),
    int32(6, "revisionHistoryLimit", PTR),
    boolean(7, "paused"),
    int32(9, "progressDeadlineSeconds", PTR),
)
_DEPLOYMENT_STATUS = message(
    "DeploymentStatus",
    int64(1, "observedGeneration"),
    int32(2, "replicas"),
    int32(3, "updatedReplicas"),
    int32(7, "readyReplicas"),
    int32(4, "availableReplicas"),
    int32(5, "unavailableReplicas"),
    msgs(
        6,
        "conditions",
        message(
            "DeploymentCondition",
            string(1, "type", VALUE),
            string(2, "status", VALUE),
            special(6, "lastUpdateTime", Kind.TIME),
            special(7, "lastTransitionTime", Kind.TIME),
            string(4, "reason"),
            string(5, "message"),
        ),
    ),
    int32(8, "collisionCount", PTR),
)


def _object(kind: str, spec: Message, status: Message) -> Message:
    return message(
        kind,
        msg(1, "metadata", OBJECT_META, VALUE),
        msg(2, "spec", spec, VALUE),
        msg(3, "status", status, VALUE),
    )


OBJECTS: Mapping[tuple[str, str], Message] = {
    ("apps/v1", "Deployment"): _object("Deployment", _DEPLOYMENT_SPEC, _DEPLOYMENT_STATUS),
    ("v1", "Service"): _object("Service", _SERVICE_SPEC, _SERVICE_STATUS),
    ("v1", "Namespace"): _object("Namespace", _NAMESPACE_SPEC, _NAMESPACE_STATUS),
    **RBAC_OBJECTS,
    **CONFIG_OBJECTS,
    **REVIEW_OBJECTS,
}
