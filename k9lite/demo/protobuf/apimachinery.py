"""k8s.io/apimachinery messages: ObjectMeta, LabelSelector, Condition and the runtime envelope."""

from __future__ import annotations

from k9lite.demo.protobuf.schema import (
    PTR,
    VALUE,
    Field,
    Kind,
    boolean,
    int64,
    message,
    msg,
    msgs,
    special,
    string,
    strings,
)

__all__ = ["CONDITION", "LABEL_SELECTOR", "OBJECT_META", "UNKNOWN"]

# --- k8s.io/apimachinery/pkg/apis/meta/v1 -------------------------------------------------------

_OWNER_REFERENCE = message(
    "OwnerReference",
    string(5, "apiVersion", VALUE),
    string(1, "kind", VALUE),
    string(3, "name", VALUE),
    string(4, "uid", VALUE),
    boolean(6, "controller", PTR),
    boolean(7, "blockOwnerDeletion", PTR),
)
_MANAGED_FIELDS_ENTRY = message(
    "ManagedFieldsEntry",
    string(1, "manager"),
    string(2, "operation"),
    string(3, "apiVersion"),
    special(4, "time", Kind.TIME, PTR),
    string(6, "fieldsType"),
    special(7, "fieldsV1", Kind.FIELDS_V1, PTR),
    string(8, "subresource"),
)
OBJECT_META = message(
    "ObjectMeta",
    string(1, "name"),
    string(2, "generateName"),
    string(3, "namespace"),
    string(4, "selfLink"),
    string(5, "uid"),
    string(6, "resourceVersion"),
    int64(7, "generation"),
    # A zero Time is an empty message on the wire; kubectl >= 1.34 omits it from JSON.
    special(8, "creationTimestamp", Kind.TIME),
    special(9, "deletionTimestamp", Kind.TIME, PTR),
    int64(10, "deletionGracePeriodSeconds", PTR),
    special(11, "labels", Kind.STRING_MAP),
    special(12, "annotations", Kind.STRING_MAP),
    msgs(13, "ownerReferences", _OWNER_REFERENCE),
    strings(14, "finalizers"),
    msgs(17, "managedFields", _MANAGED_FIELDS_ENTRY),
)
_LABEL_SELECTOR_REQUIREMENT = message(
    "LabelSelectorRequirement",
    string(1, "key", VALUE),
    string(2, "operator", VALUE),
    strings(3, "values"),
)
LABEL_SELECTOR = message(
    "LabelSelector",
    special(1, "matchLabels", Kind.STRING_MAP),
    msgs(2, "matchExpressions", _LABEL_SELECTOR_REQUIREMENT),
)
CONDITION = message(
    "Condition",
    string(1, "type", VALUE),
    string(2, "status", VALUE),
    int64(3, "observedGeneration"),
    special(4, "lastTransitionTime", Kind.TIME),
    string(5, "reason", VALUE),
    string(6, "message", VALUE),
)

# --- k8s.io/apimachinery/pkg/runtime: the envelope -----------------------------------------------

UNKNOWN = message(
    "runtime.Unknown",
    msg(
        1,
        "typeMeta",
        message("runtime.TypeMeta", string(1, "apiVersion"), string(2, "kind")),
        VALUE,
    ),
    Field(2, "raw", Kind.BYTES, VALUE),
    string(3, "contentEncoding"),
    string(4, "contentType"),
)
