"""The RBAC kinds' messages (k8s.io/api/rbac/v1 generated.proto): `kubectl create role|
rolebinding|clusterrole|clusterrolebinding` send them as protobuf."""

from __future__ import annotations

from collections.abc import Mapping

from k9lite.demo.protobuf.apimachinery import LABEL_SELECTOR, OBJECT_META
from k9lite.demo.protobuf.schema import VALUE, Message, message, msg, msgs, string, strings

__all__ = ["RBAC_OBJECTS"]

_POLICY_RULE = message(
    "PolicyRule",
    strings(1, "verbs"),
    strings(2, "apiGroups"),
    strings(3, "resources"),
    strings(4, "resourceNames"),
    strings(5, "nonResourceURLs"),
)
_SUBJECT = message(
    "Subject",
    string(1, "kind", VALUE),
    string(2, "apiGroup"),
    string(3, "name", VALUE),
    string(4, "namespace"),
)
_ROLE_REF = message(
    "RoleRef",
    string(1, "apiGroup", VALUE),
    string(2, "kind", VALUE),
    string(3, "name", VALUE),
)
_AGGREGATION_RULE = message("AggregationRule", msgs(1, "clusterRoleSelectors", LABEL_SELECTOR))


def _role(kind: str) -> Message:
    return message(kind, msg(1, "metadata", OBJECT_META, VALUE), msgs(2, "rules", _POLICY_RULE))


def _binding(kind: str) -> Message:
    return message(
        kind,
        msg(1, "metadata", OBJECT_META, VALUE),
        msgs(2, "subjects", _SUBJECT),
        msg(3, "roleRef", _ROLE_REF, VALUE),
    )


_GROUP_VERSION = "rbac.authorization.k8s.io/v1"
RBAC_OBJECTS: Mapping[tuple[str, str], Message] = {
    (_GROUP_VERSION, "Role"): _role("Role"),
    (_GROUP_VERSION, "ClusterRole"): message(
        "ClusterRole",
        msg(1, "metadata", OBJECT_META, VALUE),
        msgs(2, "rules", _POLICY_RULE),
        msg(3, "aggregationRule", _AGGREGATION_RULE),
    ),
    (_GROUP_VERSION, "RoleBinding"): _binding("RoleBinding"),
    (_GROUP_VERSION, "ClusterRoleBinding"): _binding("ClusterRoleBinding"),
}
