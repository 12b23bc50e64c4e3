"""ConfigMaps and Secrets, as `kubectl create configmap|secret` sends them (k8s.io/api core/v1
generated.proto field numbers)."""

from __future__ import annotations

from collections.abc import Mapping

from k9lite.demo.protobuf.apimachinery import OBJECT_META
from k9lite.demo.protobuf.schema import (
    PTR,
    VALUE,
    Kind,
    Message,
    boolean,
    message,
    msg,
    special,
    string,
)

__all__ = ["CONFIG_OBJECTS"]

CONFIG_OBJECTS: Mapping[tuple[str, str], Message] = {
    ("v1", "ConfigMap"): message(
        "ConfigMap",
        msg(1, "metadata", OBJECT_META, VALUE),
        special(2, "data", Kind.STRING_MAP),
        special(3, "binaryData", Kind.BYTES_MAP),
        boolean(4, "immutable", PTR),
    ),
    ("v1", "Secret"): message(
        "Secret",
        msg(1, "metadata", OBJECT_META, VALUE),
        special(2, "data", Kind.BYTES_MAP),
        string(3, "type"),
        special(4, "stringData", Kind.STRING_MAP),
        boolean(5, "immutable", PTR),
    ),
}
