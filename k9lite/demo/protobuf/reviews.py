"""The self reviews' messages (k8s.io/api/authorization/v1 and authentication/v1 generated.proto):
`kubectl auth can-i`, `can-i --list` and `whoami` POST them as protobuf. Only what a request
carries is decoded: the status is the server's to fill."""

from __future__ import annotations

from collections.abc import Mapping

from k9lite.demo.protobuf.apimachinery import OBJECT_META
from k9lite.demo.protobuf.schema import VALUE, Message, message, msg, string

__all__ = ["REVIEW_OBJECTS"]

_RESOURCE_ATTRIBUTES = message(
    "ResourceAttributes",
    string(1, "namespace"),
    string(2, "verb"),
    string(3, "group"),
    string(4, "version"),
    string(5, "resource"),
    string(6, "subresource"),
    string(7, "name"),
)
_NON_RESOURCE_ATTRIBUTES = message("NonResourceAttributes", string(1, "path"), string(2, "verb"))
_ACCESS_SPEC = message(
    "SelfSubjectAccessReviewSpec",
    msg(1, "resourceAttributes", _RESOURCE_ATTRIBUTES),
    msg(2, "nonResourceAttributes", _NON_RESOURCE_ATTRIBUTES),
)
_RULES_SPEC = message("SelfSubjectRulesReviewSpec", string(1, "namespace"))

_AUTHORIZATION = "authorization.k8s.io/v1"
REVIEW_OBJECTS: Mapping[tuple[str, str], Message] = {
    (_AUTHORIZATION, "SelfSubjectAccessReview"): message(
        "SelfSubjectAccessReview",
        msg(1, "metadata", OBJECT_META, VALUE),
        msg(2, "spec", _ACCESS_SPEC, VALUE),
    ),
    (_AUTHORIZATION, "SelfSubjectRulesReview"): message(
        "SelfSubjectRulesReview",
        msg(1, "metadata", OBJECT_META, VALUE),
        msg(2, "spec", _RULES_SPEC, VALUE),
    ),
    ("authentication.k8s.io/v1", "SelfSubjectReview"): message(
        "SelfSubjectReview", msg(1, "metadata", OBJECT_META, VALUE)
    ),
}
