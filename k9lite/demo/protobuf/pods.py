"""k8s.io/api/core/v1 messages of a pod template: containers, volumes, affinity, PodSpec."""

from __future__ import annotations

from k9lite.demo.protobuf.apimachinery import LABEL_SELECTOR, OBJECT_META
from k9lite.demo.protobuf.schema import (
    OMIT,
    PTR,
    VALUE,
    Field,
    Kind,
    boolean,
    inline,
    int32,
    int64,
    message,
    msg,
    msgs,
    special,
    string,
    strings,
)

__all__ = ["POD_TEMPLATE_SPEC"]

# --- k8s.io/api/core/v1: containers -------------------------------------------------------------

_LOCAL_OBJECT_REFERENCE = message("LocalObjectReference", string(1, "name"))
_OBJECT_FIELD_SELECTOR = message(
    "ObjectFieldSelector", string(1, "apiVersion"), string(2, "fieldPath", VALUE)
)
_RESOURCE_FIELD_SELECTOR = message(
    "ResourceFieldSelector",
    string(1, "containerName"),
    string(2, "resource", VALUE),
    special(3, "divisor", Kind.QUANTITY, VALUE),
)
_KEY_SELECTOR_FIELDS = (inline(1, _LOCAL_OBJECT_REFERENCE), string(2, "key", VALUE))
_CONFIG_MAP_KEY_SELECTOR = message(
    "ConfigMapKeySelector", *_KEY_SELECTOR_FIELDS, boolean(3, "optional", PTR)
)
_SECRET_KEY_SELECTOR = message(
    "SecretKeySelector", *_KEY_SELECTOR_FIELDS, boolean(3, "optional", PTR)
)
_ENV_VAR_SOURCE = message(
    "EnvVarSource",
    msg(1, "fieldRef", _OBJECT_FIELD_SELECTOR),
    msg(2, "resourceFieldRef", _RESOURCE_FIELD_SELECTOR),
    msg(3, "configMapKeyRef", _CONFIG_MAP_KEY_SELECTOR),
    msg(4, "secretKeyRef", _SECRET_KEY_SELECTOR),
)
_ENV_VAR = message(
    "EnvVar", string(1, "name", VALUE), string(2, "value"), msg(3, "valueFrom", _ENV_VAR_SOURCE)
)
_ENV_SOURCE_FIELDS = (inline(1, _LOCAL_OBJECT_REFERENCE), boolean(2, "optional", PTR))
_ENV_FROM_SOURCE = message(
    "EnvFromSource",
    string(1, "prefix"),
    msg(2, "configMapRef", message("ConfigMapEnvSource", *_ENV_SOURCE_FIELDS)),
    msg(3, "secretRef", message("SecretEnvSource", *_ENV_SOURCE_FIELDS)),
)
_CONTAINER_PORT = message(
    "ContainerPort",
    string(1, "name"),
    int32(2, "hostPort"),
    int32(3, "containerPort", VALUE),
    string(4, "protocol"),
    string(5, "hostIP"),
)
_RESOURCE_REQUIREMENTS = message(
    "ResourceRequirements",
    special(1, "limits", Kind.QUANTITY_MAP),
    special(2, "requests", Kind.QUANTITY_MAP),
    msgs(3, "claims", message("ResourceClaim", string(1, "name", VALUE), string(2, "request"))),
)
_VOLUME_MOUNT = message(
    "VolumeMount",
    string(1, "name", VALUE),
    boolean(2, "readOnly"),
    string(3, "mountPath", VALUE),
    string(4, "subPath"),
    string(5, "mountPropagation", PTR),
    string(6, "subPathExpr"),
)
_HTTP_GET_ACTION = message(
    "HTTPGetAction",
    string(1, "path"),
    special(2, "port", Kind.INT_OR_STRING, VALUE),
    string(3, "host"),
    string(4, "scheme"),
    msgs(
        5,
        "httpHeaders",
        message("HTTPHeader", string(1, "name", VALUE), string(2, "value", VALUE)),
    ),
)
_HANDLER_FIELDS = (
    msg(1, "exec", message("ExecAction", strings(1, "command"))),
    msg(2, "httpGet", _HTTP_GET_ACTION),
    msg(
        3,
        "tcpSocket",
        message(
            "TCPSocketAction", special(1, "port", Kind.INT_OR_STRING, VALUE), string(2, "host")
        ),
    ),
)
_PROBE_HANDLER = message(
    "ProbeHandler",
    *_HANDLER_FIELDS,
    msg(4, "grpc", message("GRPCAction", int32(1, "port", VALUE), string(2, "service", PTR))),
)
_PROBE = message(
    "Probe",
    inline(1, _PROBE_HANDLER),
    int32(2, "initialDelaySeconds"),
    int32(3, "timeoutSeconds"),
    int32(4, "periodSeconds"),
    int32(5, "successThreshold"),
    int32(6, "failureThreshold"),
    int64(7, "terminationGracePeriodSeconds", PTR),
)
_LIFECYCLE_HANDLER = message("LifecycleHandler", *_HANDLER_FIELDS)
_LIFECYCLE = message(
    "Lifecycle", msg(1, "postStart", _LIFECYCLE_HANDLER), msg(2, "preStop", _LIFECYCLE_HANDLER)
)
_SE_LINUX_OPTIONS = message(
    "SELinuxOptions", string(1, "user"), string(2, "role"), string(3, "type"), string(4, "level")
)
_WINDOWS_OPTIONS = message(
    "WindowsSecurityContextOptions",
    string(1, "gmsaCredentialSpecName", PTR),
    string(2, "gmsaCredentialSpec", PTR),
    string(3, "runAsUserName", PTR),
    boolean(4, "hostProcess", PTR),
)
_SECCOMP_PROFILE = message(
    "SeccompProfile", string(1, "type", VALUE), string(2, "localhostProfile", PTR)
)
_SECURITY_CONTEXT = message(
    "SecurityContext",
    msg(1, "capabilities", message("Capabilities", strings(1, "add"), strings(2, "drop"))),
    boolean(2, "privileged", PTR),
    msg(3, "seLinuxOptions", _SE_LINUX_OPTIONS),
    msg(10, "windowsOptions", _WINDOWS_OPTIONS),
    int64(4, "runAsUser", PTR),
    int64(8, "runAsGroup", PTR),
    boolean(5, "runAsNonRoot", PTR),
    boolean(6, "readOnlyRootFilesystem", PTR),
    boolean(7, "allowPrivilegeEscalation", PTR),
    string(9, "procMount", PTR),
    msg(11, "seccompProfile", _SECCOMP_PROFILE),
)
_CONTAINER = message(
    "Container",
    string(1, "name", VALUE),
    string(2, "image"),
    strings(3, "command"),
    strings(4, "args"),
    string(5, "workingDir"),
    msgs(6, "ports", _CONTAINER_PORT),
    msgs(19, "envFrom", _ENV_FROM_SOURCE),
    msgs(7, "env", _ENV_VAR),
    msg(8, "resources", _RESOURCE_REQUIREMENTS, VALUE),
    msgs(9, "volumeMounts", _VOLUME_MOUNT),
    msg(10, "livenessProbe", _PROBE),
    msg(11, "readinessProbe", _PROBE),
    msg(22, "startupProbe", _PROBE),
    msg(12, "lifecycle", _LIFECYCLE),
    string(13, "terminationMessagePath"),
    string(20, "terminationMessagePolicy"),
    string(14, "imagePullPolicy"),
    msg(15, "securityContext", _SECURITY_CONTEXT),
    boolean(16, "stdin"),
    boolean(17, "stdinOnce"),
    boolean(18, "tty"),
)

# --- k8s.io/api/core/v1: pods -------------------------------------------------------------------

_KEY_TO_PATH = message(
    "KeyToPath", string(1, "key", VALUE), string(2, "path", VALUE), int32(3, "mode", PTR)
)
_VOLUME_SOURCE = message(
    "VolumeSource",
    msg(
        1,
        "hostPath",
        message("HostPathVolumeSource", string(1, "path", VALUE), string(2, "type", PTR)),
    ),
    msg(
        2,
        "emptyDir",
        message(
            "EmptyDirVolumeSource",
            string(1, "medium"),
            special(2, "sizeLimit", Kind.QUANTITY, PTR),
        ),
    ),
    msg(
        6,
        "secret",
        message(
            "SecretVolumeSource",
            string(1, "secretName"),
            msgs(2, "items", _KEY_TO_PATH),
            int32(3, "defaultMode", PTR),
            boolean(4, "optional", PTR),
        ),
    ),
    msg(
        10,
        "persistentVolumeClaim",
        message(
            "PersistentVolumeClaimVolumeSource",
            string(1, "claimName", VALUE),
            boolean(2, "readOnly"),
        ),
    ),
    msg(
        16,
        "downwardAPI",
        message(
            "DownwardAPIVolumeSource",
            msgs(
                1,
                "items",
                message(
                    "DownwardAPIVolumeFile",
                    string(1, "path", VALUE),
                    msg(2, "fieldRef", _OBJECT_FIELD_SELECTOR),
                    msg(3, "resourceFieldRef", _RESOURCE_FIELD_SELECTOR),
                    int32(4, "mode", PTR),
                ),
            ),
            int32(2, "defaultMode", PTR),
        ),
    ),
    msg(
        19,
        "configMap",
        message(
            "ConfigMapVolumeSource",
            inline(1, _LOCAL_OBJECT_REFERENCE),
            msgs(2, "items", _KEY_TO_PATH),
            int32(3, "defaultMode", PTR),
            boolean(4, "optional", PTR),
        ),
    ),
)
_NODE_SELECTOR_REQUIREMENT = message(
    "NodeSelectorRequirement",
    string(1, "key", VALUE),
    string(2, "operator", VALUE),
    strings(3, "values"),
)
_NODE_SELECTOR_TERM = message(
    "NodeSelectorTerm",
    msgs(1, "matchExpressions", _NODE_SELECTOR_REQUIREMENT),
    msgs(2, "matchFields", _NODE_SELECTOR_REQUIREMENT),
)
_NODE_AFFINITY = message(
    "NodeAffinity",
    msg(
        1,
        "requiredDuringSchedulingIgnoredDuringExecution",
        message("NodeSelector", msgs(1, "nodeSelectorTerms", _NODE_SELECTOR_TERM)),
    ),
    msgs(
        2,
        "preferredDuringSchedulingIgnoredDuringExecution",
        message(
            "PreferredSchedulingTerm",
            int32(1, "weight", VALUE),
            msg(2, "preference", _NODE_SELECTOR_TERM, VALUE),
        ),
    ),
)
_POD_AFFINITY_TERM = message(
    "PodAffinityTerm",
    msg(1, "labelSelector", LABEL_SELECTOR),
    strings(2, "namespaces"),
    string(3, "topologyKey", VALUE),
    msg(4, "namespaceSelector", LABEL_SELECTOR),
)
_POD_AFFINITY_FIELDS = (
    msgs(1, "requiredDuringSchedulingIgnoredDuringExecution", _POD_AFFINITY_TERM),
    msgs(
        2,
        "preferredDuringSchedulingIgnoredDuringExecution",
        message(
            "WeightedPodAffinityTerm",
            int32(1, "weight", VALUE),
            msg(2, "podAffinityTerm", _POD_AFFINITY_TERM, VALUE),
        ),
    ),
)
_AFFINITY = message(
    "Affinity",
    msg(1, "nodeAffinity", _NODE_AFFINITY),
    msg(2, "podAffinity", message("PodAffinity", *_POD_AFFINITY_FIELDS)),
    msg(3, "podAntiAffinity", message("PodAntiAffinity", *_POD_AFFINITY_FIELDS)),
)
_POD_SECURITY_CONTEXT = message(
    "PodSecurityContext",
    msg(1, "seLinuxOptions", _SE_LINUX_OPTIONS),
    msg(8, "windowsOptions", _WINDOWS_OPTIONS),
    int64(2, "runAsUser", PTR),
    int64(6, "runAsGroup", PTR),
    boolean(3, "runAsNonRoot", PTR),
    Field(4, "supplementalGroups", Kind.INT64, OMIT, repeated=True),
    int64(5, "fsGroup", PTR),
    msgs(7, "sysctls", message("Sysctl", string(1, "name", VALUE), string(2, "value", VALUE))),
    string(9, "fsGroupChangePolicy", PTR),
    msg(10, "seccompProfile", _SECCOMP_PROFILE),
)
_TOLERATION = message(
    "Toleration",
    string(1, "key"),
    string(2, "operator"),
    string(3, "value"),
    string(4, "effect"),
    int64(5, "tolerationSeconds", PTR),
)
_POD_SPEC = message(
    "PodSpec",
    msgs(1, "volumes", message("Volume", string(1, "name", VALUE), inline(2, _VOLUME_SOURCE))),
    msgs(20, "initContainers", _CONTAINER),
    msgs(2, "containers", _CONTAINER),
    string(3, "restartPolicy"),
    int64(4, "terminationGracePeriodSeconds", PTR),
    int64(5, "activeDeadlineSeconds", PTR),
    string(6, "dnsPolicy"),
    special(7, "nodeSelector", Kind.STRING_MAP),
    string(8, "serviceAccountName"),
    string(9, "serviceAccount"),
    boolean(21, "automountServiceAccountToken", PTR),
    string(10, "nodeName"),
    boolean(11, "hostNetwork"),
    boolean(12, "hostPID"),
    boolean(13, "hostIPC"),
    boolean(27, "shareProcessNamespace", PTR),
    msg(14, "securityContext", _POD_SECURITY_CONTEXT),
    msgs(15, "imagePullSecrets", _LOCAL_OBJECT_REFERENCE),
    string(16, "hostname"),
    string(17, "subdomain"),
    msg(18, "affinity", _AFFINITY),
    string(19, "schedulerName"),
    msgs(22, "tolerations", _TOLERATION),
    string(24, "priorityClassName"),
    int32(25, "priority", PTR),
    string(29, "runtimeClassName", PTR),
    boolean(30, "enableServiceLinks", PTR),
    string(31, "preemptionPolicy", PTR),
    boolean(35, "setHostnameAsFQDN", PTR),
    boolean(37, "hostUsers", PTR),
)
POD_TEMPLATE_SPEC = message(
    "PodTemplateSpec",
    msg(1, "metadata", OBJECT_META, VALUE),
    msg(2, "spec", _POD_SPEC, VALUE),
)
