"""Decode Kubernetes protobuf request bodies into the JSON form the demo API server stores.

`kubectl create deployment|service|namespace` POST their object as
`application/vnd.kubernetes.protobuf` and never fall back to JSON, so the demo cluster must read
the wire format: the magic `k8s\\0`, then a `runtime.Unknown` envelope whose `raw` bytes hold the
object's message. Field numbers follow the Kubernetes API's `generated.proto` files; the output
follows Go's `encoding/json` rules for the same Go structs (zero values dropped by `omitempty`,
pointers kept, non-pointer structs always present), so it matches what kubectl prints with
`--dry-run=client -o json`.
"""

from k9lite.demo.protobuf.decoder import PROTOBUF_CONTENT_TYPE, decode
from k9lite.demo.protobuf.wire import ProtobufError

__all__ = ["PROTOBUF_CONTENT_TYPE", "ProtobufError", "decode"]
