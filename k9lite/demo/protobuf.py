"""Decode Kubernetes protobuf request bodies into the JSON form the demo API server stores.

`kubectl create deployment|service|namespace` POST their object as
`application/vnd.kubernetes.protobuf` and never fall back to JSON, so the demo cluster must read
the wire format: the magic `k8s\\0`, then a `runtime.Unknown` envelope whose `raw` bytes hold the
object's message. Field numbers follow the Kubernetes API's `generated.proto` files; the output
follows Go's `encoding/json` rules for the same Go structs (zero values dropped by `omitempty`,
pointers kept, non-pointer structs always present), so it matches what kubectl prints with
`--dry-run=client -o json`.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

__all__ = ["PROTOBUF_CONTENT_TYPE", "ProtobufError", "decode"]

PROTOBUF_CONTENT_TYPE = "application/vnd.kubernetes.protobuf"

_MAGIC = b"k8s\x00"
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

_WIRE_VARINT = 0
_WIRE_FIXED64 = 1
_WIRE_BYTES = 2
_WIRE_FIXED32 = 5


class ProtobufError(ValueError):
    """A request body that is not a Kubernetes protobuf object this server can decode."""


class _Kind(enum.Enum):
    """How one field's payload becomes JSON."""

    STRING = enum.auto()
    BYTES = enum.auto()
    INT32 = enum.auto()
    INT64 = enum.auto()
    BOOL = enum.auto()
    MESSAGE = enum.auto()
    STRING_MAP = enum.auto()
    QUANTITY_MAP = enum.auto()
    TIME = enum.auto()
    INT_OR_STRING = enum.auto()
    QUANTITY = enum.auto()
    FIELDS_V1 = enum.auto()


class _Presence(enum.Enum):
    """When a field appears in the JSON, after Go's encoding/json rules for its struct tag."""

    OMITEMPTY = enum.auto()
    """`json:",omitempty"` on a value: dropped when it is Go's zero value."""
    POINTER = enum.auto()
    """A Go pointer: present exactly when it was on the wire, even if zero (`replicas: 0`)."""
    VALUE = enum.auto()
    """No omitempty, or a non-pointer struct: always present, the zero value when not sent."""
    INLINE = enum.auto()
    """An embedded struct (`json:",inline"`): its fields are merged into the parent."""


@dataclass(frozen=True, slots=True)
class _Field:
    """One field of a message: its number on the wire and its name and rules in JSON."""

    number: int
    name: str
    kind: _Kind
    presence: _Presence
    repeated: bool = False
    message: _Message | None = None


@dataclass(frozen=True, slots=True)
class _Message:
    """A protobuf message type, its fields in Go struct order (the order JSON is written in)."""

    name: str
    fields: Mapping[int, _Field]


_OMIT, _PTR, _VALUE = _Presence.OMITEMPTY, _Presence.POINTER, _Presence.VALUE


def _message(name: str, *fields: _Field) -> _Message:
    return _Message(name, {f.number: f for f in fields})


def _str(number: int, name: str, presence: _Presence = _OMIT) -> _Field:
    return _Field(number, name, _Kind.STRING, presence)


def _i32(number: int, name: str, presence: _Presence = _OMIT) -> _Field:
    return _Field(number, name, _Kind.INT32, presence)


def _i64(number: int, name: str, presence: _Presence = _OMIT) -> _Field:
    return _Field(number, name, _Kind.INT64, presence)


def _bool(number: int, name: str, presence: _Presence = _OMIT) -> _Field:
    return _Field(number, name, _Kind.BOOL, presence)


def _strs(number: int, name: str) -> _Field:
    return _Field(number, name, _Kind.STRING, _OMIT, repeated=True)


def _msg(number: int, name: str, message: _Message, presence: _Presence = _PTR) -> _Field:
    return _Field(number, name, _Kind.MESSAGE, presence, message=message)


def _msgs(number: int, name: str, message: _Message) -> _Field:
    return _Field(number, name, _Kind.MESSAGE, _OMIT, repeated=True, message=message)


def _inline(number: int, message: _Message) -> _Field:
    return _Field(number, message.name, _Kind.MESSAGE, _Presence.INLINE, message=message)


def _special(number: int, name: str, kind: _Kind, presence: _Presence = _OMIT) -> _Field:
    return _Field(number, name, kind, presence)


# --- k8s.io/apimachinery/pkg/apis/meta/v1 -------------------------------------------------------

_OWNER_REFERENCE = _message(
    "OwnerReference",
    _str(5, "apiVersion", _VALUE),
    _str(1, "kind", _VALUE),
    _str(3, "name", _VALUE),
    _str(4, "uid", _VALUE),
    _bool(6, "controller", _PTR),
    _bool(7, "blockOwnerDeletion", _PTR),
)
_MANAGED_FIELDS_ENTRY = _message(
    "ManagedFieldsEntry",
    _str(1, "manager"),
    _str(2, "operation"),
    _str(3, "apiVersion"),
    _special(4, "time", _Kind.TIME, _PTR),
    _str(6, "fieldsType"),
    _special(7, "fieldsV1", _Kind.FIELDS_V1, _PTR),
    _str(8, "subresource"),
)
_OBJECT_META = _message(
    "ObjectMeta",
    _str(1, "name"),
    _str(2, "generateName"),
    _str(3, "namespace"),
    _str(4, "selfLink"),
    _str(5, "uid"),
    _str(6, "resourceVersion"),
    _i64(7, "generation"),
    # A zero Time is an empty message on the wire; kubectl >= 1.34 omits it from JSON.
    _special(8, "creationTimestamp", _Kind.TIME),
    _special(9, "deletionTimestamp", _Kind.TIME, _PTR),
    _i64(10, "deletionGracePeriodSeconds", _PTR),
    _special(11, "labels", _Kind.STRING_MAP),
    _special(12, "annotations", _Kind.STRING_MAP),
    _msgs(13, "ownerReferences", _OWNER_REFERENCE),
    _strs(14, "finalizers"),
    _msgs(17, "managedFields", _MANAGED_FIELDS_ENTRY),
)
_LABEL_SELECTOR_REQUIREMENT = _message(
    "LabelSelectorRequirement",
    _str(1, "key", _VALUE),
    _str(2, "operator", _VALUE),
    _strs(3, "values"),
)
_LABEL_SELECTOR = _message(
    "LabelSelector",
    _special(1, "matchLabels", _Kind.STRING_MAP),
    _msgs(2, "matchExpressions", _LABEL_SELECTOR_REQUIREMENT),
)
_CONDITION = _message(
    "Condition",
    _str(1, "type", _VALUE),
    _str(2, "status", _VALUE),
    _i64(3, "observedGeneration"),
    _special(4, "lastTransitionTime", _Kind.TIME),
    _str(5, "reason", _VALUE),
    _str(6, "message", _VALUE),
)

# --- k8s.io/api/core/v1: containers -------------------------------------------------------------

_LOCAL_OBJECT_REFERENCE = _message("LocalObjectReference", _str(1, "name"))
_OBJECT_FIELD_SELECTOR = _message(
    "ObjectFieldSelector", _str(1, "apiVersion"), _str(2, "fieldPath", _VALUE)
)
_RESOURCE_FIELD_SELECTOR = _message(
    "ResourceFieldSelector",
    _str(1, "containerName"),
    _str(2, "resource", _VALUE),
    _special(3, "divisor", _Kind.QUANTITY, _VALUE),
)
_KEY_SELECTOR_FIELDS = (_inline(1, _LOCAL_OBJECT_REFERENCE), _str(2, "key", _VALUE))
_CONFIG_MAP_KEY_SELECTOR = _message(
    "ConfigMapKeySelector", *_KEY_SELECTOR_FIELDS, _bool(3, "optional", _PTR)
)
_SECRET_KEY_SELECTOR = _message(
    "SecretKeySelector", *_KEY_SELECTOR_FIELDS, _bool(3, "optional", _PTR)
)
_ENV_VAR_SOURCE = _message(
    "EnvVarSource",
    _msg(1, "fieldRef", _OBJECT_FIELD_SELECTOR),
    _msg(2, "resourceFieldRef", _RESOURCE_FIELD_SELECTOR),
    _msg(3, "configMapKeyRef", _CONFIG_MAP_KEY_SELECTOR),
    _msg(4, "secretKeyRef", _SECRET_KEY_SELECTOR),
)
_ENV_VAR = _message(
    "EnvVar", _str(1, "name", _VALUE), _str(2, "value"), _msg(3, "valueFrom", _ENV_VAR_SOURCE)
)
_ENV_SOURCE_FIELDS = (_inline(1, _LOCAL_OBJECT_REFERENCE), _bool(2, "optional", _PTR))
_ENV_FROM_SOURCE = _message(
    "EnvFromSource",
    _str(1, "prefix"),
    _msg(2, "configMapRef", _message("ConfigMapEnvSource", *_ENV_SOURCE_FIELDS)),
    _msg(3, "secretRef", _message("SecretEnvSource", *_ENV_SOURCE_FIELDS)),
)
_CONTAINER_PORT = _message(
    "ContainerPort",
    _str(1, "name"),
    _i32(2, "hostPort"),
    _i32(3, "containerPort", _VALUE),
    _str(4, "protocol"),
    _str(5, "hostIP"),
)
_RESOURCE_REQUIREMENTS = _message(
    "ResourceRequirements",
    _special(1, "limits", _Kind.QUANTITY_MAP),
    _special(2, "requests", _Kind.QUANTITY_MAP),
    _msgs(3, "claims", _message("ResourceClaim", _str(1, "name", _VALUE), _str(2, "request"))),
)
_VOLUME_MOUNT = _message(
    "VolumeMount",
    _str(1, "name", _VALUE),
    _bool(2, "readOnly"),
    _str(3, "mountPath", _VALUE),
    _str(4, "subPath"),
    _str(5, "mountPropagation", _PTR),
    _str(6, "subPathExpr"),
)
_HTTP_GET_ACTION = _message(
    "HTTPGetAction",
    _str(1, "path"),
    _special(2, "port", _Kind.INT_OR_STRING, _VALUE),
    _str(3, "host"),
    _str(4, "scheme"),
    _msgs(
        5,
        "httpHeaders",
        _message("HTTPHeader", _str(1, "name", _VALUE), _str(2, "value", _VALUE)),
    ),
)
_HANDLER_FIELDS = (
    _msg(1, "exec", _message("ExecAction", _strs(1, "command"))),
    _msg(2, "httpGet", _HTTP_GET_ACTION),
    _msg(
        3,
        "tcpSocket",
        _message(
            "TCPSocketAction", _special(1, "port", _Kind.INT_OR_STRING, _VALUE), _str(2, "host")
        ),
    ),
)
_PROBE_HANDLER = _message(
    "ProbeHandler",
    *_HANDLER_FIELDS,
    _msg(4, "grpc", _message("GRPCAction", _i32(1, "port", _VALUE), _str(2, "service", _PTR))),
)
_PROBE = _message(
    "Probe",
    _inline(1, _PROBE_HANDLER),
    _i32(2, "initialDelaySeconds"),
    _i32(3, "timeoutSeconds"),
    _i32(4, "periodSeconds"),
    _i32(5, "successThreshold"),
    _i32(6, "failureThreshold"),
    _i64(7, "terminationGracePeriodSeconds", _PTR),
)
_LIFECYCLE_HANDLER = _message("LifecycleHandler", *_HANDLER_FIELDS)
_LIFECYCLE = _message(
    "Lifecycle", _msg(1, "postStart", _LIFECYCLE_HANDLER), _msg(2, "preStop", _LIFECYCLE_HANDLER)
)
_SE_LINUX_OPTIONS = _message(
    "SELinuxOptions", _str(1, "user"), _str(2, "role"), _str(3, "type"), _str(4, "level")
)
_WINDOWS_OPTIONS = _message(
    "WindowsSecurityContextOptions",
    _str(1, "gmsaCredentialSpecName", _PTR),
    _str(2, "gmsaCredentialSpec", _PTR),
    _str(3, "runAsUserName", _PTR),
    _bool(4, "hostProcess", _PTR),
)
_SECCOMP_PROFILE = _message(
    "SeccompProfile", _str(1, "type", _VALUE), _str(2, "localhostProfile", _PTR)
)
_SECURITY_CONTEXT = _message(
    "SecurityContext",
    _msg(1, "capabilities", _message("Capabilities", _strs(1, "add"), _strs(2, "drop"))),
    _bool(2, "privileged", _PTR),
    _msg(3, "seLinuxOptions", _SE_LINUX_OPTIONS),
    _msg(10, "windowsOptions", _WINDOWS_OPTIONS),
    _i64(4, "runAsUser", _PTR),
    _i64(8, "runAsGroup", _PTR),
    _bool(5, "runAsNonRoot", _PTR),
    _bool(6, "readOnlyRootFilesystem", _PTR),
    _bool(7, "allowPrivilegeEscalation", _PTR),
    _str(9, "procMount", _PTR),
    _msg(11, "seccompProfile", _SECCOMP_PROFILE),
)
_CONTAINER = _message(
    "Container",
    _str(1, "name", _VALUE),
    _str(2, "image"),
    _strs(3, "command"),
    _strs(4, "args"),
    _str(5, "workingDir"),
    _msgs(6, "ports", _CONTAINER_PORT),
    _msgs(19, "envFrom", _ENV_FROM_SOURCE),
    _msgs(7, "env", _ENV_VAR),
    _msg(8, "resources", _RESOURCE_REQUIREMENTS, _VALUE),
    _msgs(9, "volumeMounts", _VOLUME_MOUNT),
    _msg(10, "livenessProbe", _PROBE),
    _msg(11, "readinessProbe", _PROBE),
    _msg(22, "startupProbe", _PROBE),
    _msg(12, "lifecycle", _LIFECYCLE),
    _str(13, "terminationMessagePath"),
    _str(20, "terminationMessagePolicy"),
    _str(14, "imagePullPolicy"),
    _msg(15, "securityContext", _SECURITY_CONTEXT),
    _bool(16, "stdin"),
    _bool(17, "stdinOnce"),
    _bool(18, "tty"),
)

# --- k8s.io/api/core/v1: pods -------------------------------------------------------------------

_KEY_TO_PATH = _message(
    "KeyToPath", _str(1, "key", _VALUE), _str(2, "path", _VALUE), _i32(3, "mode", _PTR)
)
_VOLUME_SOURCE = _message(
    "VolumeSource",
    _msg(
        1,
        "hostPath",
        _message("HostPathVolumeSource", _str(1, "path", _VALUE), _str(2, "type", _PTR)),
    ),
    _msg(
        2,
        "emptyDir",
        _message(
            "EmptyDirVolumeSource",
            _str(1, "medium"),
            _special(2, "sizeLimit", _Kind.QUANTITY, _PTR),
        ),
    ),
    _msg(
        6,
        "secret",
        _message(
            "SecretVolumeSource",
            _str(1, "secretName"),
            _msgs(2, "items", _KEY_TO_PATH),
            _i32(3, "defaultMode", _PTR),
            _bool(4, "optional", _PTR),
        ),
    ),
    _msg(
        10,
        "persistentVolumeClaim",
        _message(
            "PersistentVolumeClaimVolumeSource", _str(1, "claimName", _VALUE), _bool(2, "readOnly")
        ),
    ),
    _msg(
        16,
        "downwardAPI",
        _message(
            "DownwardAPIVolumeSource",
            _msgs(
                1,
                "items",
                _message(
                    "DownwardAPIVolumeFile",
                    _str(1, "path", _VALUE),
                    _msg(2, "fieldRef", _OBJECT_FIELD_SELECTOR),
                    _msg(3, "resourceFieldRef", _RESOURCE_FIELD_SELECTOR),
                    _i32(4, "mode", _PTR),
                ),
            ),
            _i32(2, "defaultMode", _PTR),
        ),
    ),
    _msg(
        19,
        "configMap",
        _message(
            "ConfigMapVolumeSource",
            _inline(1, _LOCAL_OBJECT_REFERENCE),
            _msgs(2, "items", _KEY_TO_PATH),
            _i32(3, "defaultMode", _PTR),
            _bool(4, "optional", _PTR),
        ),
    ),
)
_NODE_SELECTOR_REQUIREMENT = _message(
    "NodeSelectorRequirement",
    _str(1, "key", _VALUE),
    _str(2, "operator", _VALUE),
    _strs(3, "values"),
)
_NODE_SELECTOR_TERM = _message(
    "NodeSelectorTerm",
    _msgs(1, "matchExpressions", _NODE_SELECTOR_REQUIREMENT),
    _msgs(2, "matchFields", _NODE_SELECTOR_REQUIREMENT),
)
_NODE_AFFINITY = _message(
    "NodeAffinity",
    _msg(
        1,
        "requiredDuringSchedulingIgnoredDuringExecution",
        _message("NodeSelector", _msgs(1, "nodeSelectorTerms", _NODE_SELECTOR_TERM)),
    ),
    _msgs(
        2,
        "preferredDuringSchedulingIgnoredDuringExecution",
        _message(
            "PreferredSchedulingTerm",
            _i32(1, "weight", _VALUE),
            _msg(2, "preference", _NODE_SELECTOR_TERM, _VALUE),
        ),
    ),
)
_POD_AFFINITY_TERM = _message(
    "PodAffinityTerm",
    _msg(1, "labelSelector", _LABEL_SELECTOR),
    _strs(2, "namespaces"),
    _str(3, "topologyKey", _VALUE),
    _msg(4, "namespaceSelector", _LABEL_SELECTOR),
)
_POD_AFFINITY_FIELDS = (
    _msgs(1, "requiredDuringSchedulingIgnoredDuringExecution", _POD_AFFINITY_TERM),
    _msgs(
        2,
        "preferredDuringSchedulingIgnoredDuringExecution",
        _message(
            "WeightedPodAffinityTerm",
            _i32(1, "weight", _VALUE),
            _msg(2, "podAffinityTerm", _POD_AFFINITY_TERM, _VALUE),
        ),
    ),
)
_AFFINITY = _message(
    "Affinity",
    _msg(1, "nodeAffinity", _NODE_AFFINITY),
    _msg(2, "podAffinity", _message("PodAffinity", *_POD_AFFINITY_FIELDS)),
    _msg(3, "podAntiAffinity", _message("PodAntiAffinity", *_POD_AFFINITY_FIELDS)),
)
_POD_SECURITY_CONTEXT = _message(
    "PodSecurityContext",
    _msg(1, "seLinuxOptions", _SE_LINUX_OPTIONS),
    _msg(8, "windowsOptions", _WINDOWS_OPTIONS),
    _i64(2, "runAsUser", _PTR),
    _i64(6, "runAsGroup", _PTR),
    _bool(3, "runAsNonRoot", _PTR),
    _Field(4, "supplementalGroups", _Kind.INT64, _OMIT, repeated=True),
    _i64(5, "fsGroup", _PTR),
    _msgs(7, "sysctls", _message("Sysctl", _str(1, "name", _VALUE), _str(2, "value", _VALUE))),
    _str(9, "fsGroupChangePolicy", _PTR),
    _msg(10, "seccompProfile", _SECCOMP_PROFILE),
)
_TOLERATION = _message(
    "Toleration",
    _str(1, "key"),
    _str(2, "operator"),
    _str(3, "value"),
    _str(4, "effect"),
    _i64(5, "tolerationSeconds", _PTR),
)
_POD_SPEC = _message(
    "PodSpec",
    _msgs(1, "volumes", _message("Volume", _str(1, "name", _VALUE), _inline(2, _VOLUME_SOURCE))),
    _msgs(20, "initContainers", _CONTAINER),
    _msgs(2, "containers", _CONTAINER),
    _str(3, "restartPolicy"),
    _i64(4, "terminationGracePeriodSeconds", _PTR),
    _i64(5, "activeDeadlineSeconds", _PTR),
    _str(6, "dnsPolicy"),
    _special(7, "nodeSelector", _Kind.STRING_MAP),
    _str(8, "serviceAccountName"),
    _str(9, "serviceAccount"),
    _bool(21, "automountServiceAccountToken", _PTR),
    _str(10, "nodeName"),
    _bool(11, "hostNetwork"),
    _bool(12, "hostPID"),
    _bool(13, "hostIPC"),
    _bool(27, "shareProcessNamespace", _PTR),
    _msg(14, "securityContext", _POD_SECURITY_CONTEXT),
    _msgs(15, "imagePullSecrets", _LOCAL_OBJECT_REFERENCE),
    _str(16, "hostname"),
    _str(17, "subdomain"),
    _msg(18, "affinity", _AFFINITY),
    _str(19, "schedulerName"),
    _msgs(22, "tolerations", _TOLERATION),
    _str(24, "priorityClassName"),
    _i32(25, "priority", _PTR),
    _str(29, "runtimeClassName", _PTR),
    _bool(30, "enableServiceLinks", _PTR),
    _str(31, "preemptionPolicy", _PTR),
    _bool(35, "setHostnameAsFQDN", _PTR),
    _bool(37, "hostUsers", _PTR),
)
_POD_TEMPLATE_SPEC = _message(
    "PodTemplateSpec",
    _msg(1, "metadata", _OBJECT_META, _VALUE),
    _msg(2, "spec", _POD_SPEC, _VALUE),
)

# --- k8s.io/api/core/v1: services and namespaces -------------------------------------------------

_SERVICE_PORT = _message(
    "ServicePort",
    _str(1, "name"),
    _str(2, "protocol"),
    _str(6, "appProtocol", _PTR),
    _i32(3, "port", _VALUE),
    # A non-pointer IntOrString: an unset targetPort is sent as int 0, which the server defaults
    # to `port`; dropping it keeps that default visible to the demo server's defaulting.
    _special(4, "targetPort", _Kind.INT_OR_STRING),
    _i32(5, "nodePort"),
)
_SERVICE_SPEC = _message(
    "ServiceSpec",
    _msgs(1, "ports", _SERVICE_PORT),
    _special(2, "selector", _Kind.STRING_MAP),
    _str(3, "clusterIP"),
    _strs(18, "clusterIPs"),
    _str(4, "type"),
    _strs(5, "externalIPs"),
    _str(7, "sessionAffinity"),
    _str(8, "loadBalancerIP"),
    _strs(9, "loadBalancerSourceRanges"),
    _str(10, "externalName"),
    _str(11, "externalTrafficPolicy"),
    _i32(12, "healthCheckNodePort"),
    _bool(13, "publishNotReadyAddresses"),
    _msg(
        14,
        "sessionAffinityConfig",
        _message(
            "SessionAffinityConfig",
            _msg(1, "clientIP", _message("ClientIPConfig", _i32(1, "timeoutSeconds", _PTR))),
        ),
    ),
    _strs(19, "ipFamilies"),
    _str(17, "ipFamilyPolicy", _PTR),
    _bool(20, "allocateLoadBalancerNodePorts", _PTR),
    _str(21, "loadBalancerClass", _PTR),
    _str(22, "internalTrafficPolicy", _PTR),
)
_LOAD_BALANCER_INGRESS = _message(
    "LoadBalancerIngress",
    _str(1, "ip"),
    _str(2, "hostname"),
    _str(3, "ipMode", _PTR),
    _msgs(
        4,
        "ports",
        _message(
            "PortStatus",
            _i32(1, "port", _VALUE),
            _str(2, "protocol", _VALUE),
            _str(3, "error", _PTR),
        ),
    ),
)
_SERVICE_STATUS = _message(
    "ServiceStatus",
    _msg(
        1,
        "loadBalancer",
        _message("LoadBalancerStatus", _msgs(1, "ingress", _LOAD_BALANCER_INGRESS)),
        _VALUE,
    ),
    _msgs(2, "conditions", _CONDITION),
)
_NAMESPACE_SPEC = _message("NamespaceSpec", _strs(1, "finalizers"))
_NAMESPACE_STATUS = _message(
    "NamespaceStatus",
    _str(1, "phase"),
    _msgs(
        2,
        "conditions",
        _message(
            "NamespaceCondition",
            _str(1, "type", _VALUE),
            _str(2, "status", _VALUE),
            _special(4, "lastTransitionTime", _Kind.TIME),
            _str(5, "reason"),
            _str(6, "message"),
        ),
    ),
)

# --- k8s.io/api/apps/v1 -------------------------------------------------------------------------

_DEPLOYMENT_STRATEGY = _message(
    "DeploymentStrategy",
    _str(1, "type"),
    _msg(
        2,
        "rollingUpdate",
        _message(
            "RollingUpdateDeployment",
            _special(1, "maxUnavailable", _Kind.INT_OR_STRING, _PTR),
            _special(2, "maxSurge", _Kind.INT_OR_STRING, _PTR),
        ),
    ),
)
_DEPLOYMENT_SPEC = _message(
    "DeploymentSpec",
    _i32(1, "replicas", _PTR),
    _msg(2, "selector", _LABEL_SELECTOR),
    _msg(3, "template", _POD_TEMPLATE_SPEC, _VALUE),
    _msg(4, "strategy", _DEPLOYMENT_STRATEGY, _VALUE),
    _i32(5, "minReadySeconds"),
    _i32(6, "revisionHistoryLimit", _PTR),
    _bool(7, "paused"),
    _i32(9, "progressDeadlineSeconds", _PTR),
)
_DEPLOYMENT_STATUS = _message(
    "DeploymentStatus",
    _i64(1, "observedGeneration"),
    _i32(2, "replicas"),
    _i32(3, "updatedReplicas"),
    _i32(7, "readyReplicas"),
    _i32(4, "availableReplicas"),
    _i32(5, "unavailableReplicas"),
    _msgs(
        6,
        "conditions",
        _message(
            "DeploymentCondition",
            _str(1, "type", _VALUE),
            _str(2, "status", _VALUE),
            _special(6, "lastUpdateTime", _Kind.TIME),
            _special(7, "lastTransitionTime", _Kind.TIME),
            _str(4, "reason"),
            _str(5, "message"),
        ),
    ),
    _i32(8, "collisionCount", _PTR),
)


def _object(kind: str, spec: _Message, status: _Message) -> _Message:
    return _message(
        kind,
        _msg(1, "metadata", _OBJECT_META, _VALUE),
        _msg(2, "spec", spec, _VALUE),
        _msg(3, "status", status, _VALUE),
    )


_OBJECTS: Mapping[tuple[str, str], _Message] = {
    ("apps/v1", "Deployment"): _object("Deployment", _DEPLOYMENT_SPEC, _DEPLOYMENT_STATUS),
    ("v1", "Service"): _object("Service", _SERVICE_SPEC, _SERVICE_STATUS),
    ("v1", "Namespace"): _object("Namespace", _NAMESPACE_SPEC, _NAMESPACE_STATUS),
}

# --- k8s.io/apimachinery/pkg/runtime: the envelope -----------------------------------------------

_UNKNOWN = _message(
    "runtime.Unknown",
    _msg(
        1,
        "typeMeta",
        _message("runtime.TypeMeta", _str(1, "apiVersion"), _str(2, "kind")),
        _VALUE,
    ),
    _Field(2, "raw", _Kind.BYTES, _VALUE),
    _str(3, "contentEncoding"),
    _str(4, "contentType"),
)


def decode(body: bytes) -> dict[str, Any]:
    """The Kubernetes JSON form (apiVersion, kind, metadata, spec, ...) of a protobuf object.

    Raises ProtobufError for a body without the `k8s\\0` magic, a malformed one, or a kind not
    decoded here.
    """
    if not body.startswith(_MAGIC):
        raise ProtobufError("not a Kubernetes protobuf body: it does not start with 'k8s\\x00'")
    envelope = _decode_message(body[len(_MAGIC) :], _UNKNOWN)
    api_version = envelope["typeMeta"].get("apiVersion", "")
    kind = envelope["typeMeta"].get("kind", "")
    if envelope.get("contentEncoding"):
        raise ProtobufError(f"unsupported protobuf contentEncoding {envelope['contentEncoding']!r}")
    schema = _OBJECTS.get((api_version, kind))
    if schema is None:
        raise ProtobufError(
            f"protobuf decoding of {api_version or '<no apiVersion>'} {kind or '<no kind>'} "
            "is not supported; send JSON"
        )
    return {"kind": kind, "apiVersion": api_version, **_decode_message(envelope["raw"], schema)}


_MERGED_KINDS = frozenset({_Kind.MESSAGE, _Kind.TIME, _Kind.INT_OR_STRING, _Kind.QUANTITY})


def _read_varint(data: bytes, pos: int, where: str) -> tuple[int, int]:
    result = 0
    for shift in range(0, 70, 7):
        if pos >= len(data):
            raise ProtobufError(f"{where}: truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result & 0xFFFF_FFFF_FFFF_FFFF, pos
    raise ProtobufError(f"{where}: varint longer than 10 bytes")


def _iter_fields(data: bytes, where: str) -> Iterator[tuple[int, int | bytes]]:
    """(field number, payload) for each varint (an int) or length-delimited (bytes) field."""
    pos = 0
    while pos < len(data):
        key, pos = _read_varint(data, pos, where)
        number, wire_type = key >> 3, key & 7
        if number == 0:
            raise ProtobufError(f"{where}: field number 0 is invalid")
        if wire_type == _WIRE_VARINT:
            value, pos = _read_varint(data, pos, where)
            yield number, value
        elif wire_type == _WIRE_BYTES:
            length, pos = _read_varint(data, pos, where)
            if length > len(data) - pos:
                raise ProtobufError(f"{where}: field {number} is truncated")
            yield number, data[pos : pos + length]
            pos += length
        elif wire_type in (_WIRE_FIXED64, _WIRE_FIXED32):
            # No Kubernetes field decoded here is fixed-width: skip it like an unknown field.
            pos += 8 if wire_type == _WIRE_FIXED64 else 4
            if pos > len(data):
                raise ProtobufError(f"{where}: field {number} is truncated")
        else:
            raise ProtobufError(f"{where}: field {number} has unsupported wire type {wire_type}")


def _as_bytes(payload: int | bytes, where: str) -> bytes:
    if not isinstance(payload, bytes):
        raise ProtobufError(f"{where}: wire type 0 (varint), expected 2 (length-delimited)")
    return payload


def _as_int(payload: int | bytes, where: str, bits: int) -> int:
    """Go's reading of a varint into int32/int64: keep the low bits, two's complement."""
    if isinstance(payload, bytes):
        raise ProtobufError(f"{where}: wire type 2 (length-delimited), expected 0 (varint)")
    value = payload & ((1 << bits) - 1)
    return value - (1 << bits) if value >> (bits - 1) else value


def _text(data: bytes) -> str:
    # Go's encoding/json writes invalid UTF-8 as U+FFFD rather than failing.
    return data.decode("utf-8", errors="replace")


def _decode_message(data: bytes, message: _Message) -> dict[str, Any]:
    """Decode one message, then lay its fields out as Go's encoding/json would."""
    found: dict[int, Any] = {}
    merged: dict[int, bytes] = {}
    for number, payload in _iter_fields(data, message.name):
        spec = message.fields.get(number)
        if spec is None:
            continue
        where = f"{message.name}.{spec.name}"
        if spec.repeated and spec.kind is _Kind.INT64 and isinstance(payload, bytes):
            # Packed encoding of a repeated integer: one length-delimited run of varints.
            found.setdefault(number, []).extend(_packed_ints(payload, where))
        elif spec.repeated:
            found.setdefault(number, []).append(_decode_value(spec, payload, where))
        elif spec.kind in (_Kind.STRING_MAP, _Kind.QUANTITY_MAP):
            key, value = _decode_map_entry(_as_bytes(payload, where), spec.kind, where)
            found.setdefault(number, {})[key] = value
        elif spec.kind in _MERGED_KINDS:
            # A singular message sent twice merges: concatenating encodings is protobuf's merge.
            merged[number] = merged.get(number, b"") + _as_bytes(payload, where)
        else:
            found[number] = _decode_value(spec, payload, where)
    for number, chunks in merged.items():
        spec = message.fields[number]
        found[number] = _decode_value(spec, chunks, f"{message.name}.{spec.name}")
    out: dict[str, Any] = {}
    for spec in message.fields.values():
        if spec.number in found:
            value = found[spec.number]
        elif spec.presence in (_Presence.VALUE, _Presence.INLINE):
            value = _zero_value(spec)
        else:
            continue
        if spec.presence is _Presence.INLINE:
            out.update(value)
        elif value is not None and (spec.presence is not _Presence.OMITEMPTY or value):
            out[spec.name] = value
    return out


def _packed_ints(data: bytes, where: str) -> list[int]:
    values, pos = [], 0
    while pos < len(data):
        value, pos = _read_varint(data, pos, where)
        values.append(_as_int(value, where, 64))
    return values


def _decode_value(spec: _Field, payload: int | bytes, where: str) -> Any:
    """The JSON value of one occurrence of a field that is not a map."""
    kind = spec.kind
    if kind is _Kind.INT32:
        return _as_int(payload, where, 32)
    if kind is _Kind.INT64:
        return _as_int(payload, where, 64)
    if kind is _Kind.BOOL:
        return _as_int(payload, where, 64) != 0
    data = _as_bytes(payload, where)
    if kind is _Kind.STRING:
        return _text(data)
    if kind is _Kind.MESSAGE:
        assert spec.message is not None
        return _decode_message(data, spec.message)
    if kind is _Kind.TIME:
        return _decode_time(data, where)
    if kind is _Kind.INT_OR_STRING:
        return _decode_int_or_string(data, where)
    if kind is _Kind.QUANTITY:
        return _decode_quantity(data, where)
    if kind is _Kind.FIELDS_V1:
        return _decode_fields_v1(data, where)
    return data


def _zero_value(spec: _Field) -> Any:
    """Go's zero value of a field that encoding/json always writes."""
    if spec.kind is _Kind.MESSAGE:
        assert spec.message is not None
        return _decode_message(b"", spec.message)
    return _ZERO_VALUES.get(spec.kind)


_ZERO_VALUES: Mapping[_Kind, Any] = {
    _Kind.STRING: "",
    _Kind.BYTES: b"",
    _Kind.INT32: 0,
    _Kind.INT64: 0,
    _Kind.BOOL: False,
    _Kind.INT_OR_STRING: 0,
    # The zero Quantity serialises as "0".
    _Kind.QUANTITY: "0",
}


def _last_fields(data: bytes, where: str) -> dict[int, int | bytes]:
    """The last occurrence of each field of a small fixed message (Time, IntOrString, ...)."""
    return dict(_iter_fields(data, where))


def _decode_time(data: bytes, where: str) -> str | None:
    """metav1.Time as RFC 3339 in UTC with whole seconds; None for the zero Time."""
    # A zero Time is an empty message; nanos are dropped on decode, as metav1.Time does.
    if not data:
        return None
    seconds = _as_int(_last_fields(data, where).get(1, 0), f"{where}.seconds", 64)
    try:
        moment = _EPOCH + timedelta(seconds=seconds)
    except OverflowError as error:
        raise ProtobufError(f"{where}: {seconds} seconds is out of range") from error
    return moment.isoformat().replace("+00:00", "Z")


def _decode_int_or_string(data: bytes, where: str) -> int | str:
    fields = _last_fields(data, where)
    kind = _as_int(fields.get(1, 0), f"{where}.type", 64)
    if kind == 0:
        return _as_int(fields.get(2, 0), f"{where}.intVal", 32)
    if kind == 1:
        return _text(_as_bytes(fields.get(3, b""), f"{where}.strVal"))
    raise ProtobufError(f"{where}: IntOrString type {kind} is neither 0 (int) nor 1 (string)")


def _decode_quantity(data: bytes, where: str) -> str:
    text = _text(_as_bytes(_last_fields(data, where).get(1, b""), where))
    return text or "0"


def _decode_fields_v1(data: bytes, where: str) -> Any:
    """FieldsV1 carries a managed-field set as raw JSON bytes in its field 1."""
    raw = _as_bytes(_last_fields(data, where).get(1, b""), where)
    try:
        return json.loads(raw) if raw else {}
    except ValueError as error:
        raise ProtobufError(f"{where}: raw bytes are not JSON: {error}") from error


def _decode_map_entry(data: bytes, kind: _Kind, where: str) -> tuple[str, str]:
    """One `map<string, string|Quantity>` entry: a message with key 1 and value 2."""
    fields = _last_fields(data, where)
    key = _text(_as_bytes(fields.get(1, b""), f"{where} key"))
    value = _as_bytes(fields.get(2, b""), f"{where} value")
    if kind is _Kind.QUANTITY_MAP:
        return key, _decode_quantity(value, f"{where}[{key}]")
    return key, _text(value)
