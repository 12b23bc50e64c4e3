"""Tests for k9lite.demo.protobuf: real kubectl bodies, hand-built messages, and malformed input."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import trustme
import yaml
from aiohttp import web
from hypothesis import given
from hypothesis import strategies as st

from k9lite.demo.protobuf import PROTOBUF_CONTENT_TYPE, ProtobufError, decode

# --- a minimal protobuf encoder, to build bodies kubectl cannot produce --------------------------


def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _num(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def _msg(number: int, *parts: bytes) -> bytes:
    payload = b"".join(parts)
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _str(number: int, text: str) -> bytes:
    return _msg(number, text.encode())


def _entry(number: int, key: str, value: str) -> bytes:
    return _msg(number, _str(1, key), _str(2, value))


def _quantity_entry(number: int, key: str, value: str) -> bytes:
    return _msg(number, _str(1, key), _msg(2, _str(1, value)))


def _int_or_string(number: int, value: int | str) -> bytes:
    if isinstance(value, str):
        return _msg(number, _num(1, 1), _num(2, 0), _str(3, value))
    return _msg(number, _num(1, 0), _num(2, value), _str(3, ""))


def _envelope(api_version: str, kind: str, raw: bytes) -> bytes:
    type_meta = _msg(1, _str(1, api_version), _str(2, kind))
    return b"k8s\x00" + type_meta + _msg(2, raw) + _str(3, "") + _str(4, "")


# --- a capture server for real kubectl -----------------------------------------------------------

_TOKEN = "protobuf-test-token"


@dataclass(frozen=True, slots=True)
class CapturedRequest:
    method: str
    path: str
    content_type: str
    body: bytes


@dataclass
class CaptureServer:
    """An HTTPS server on loopback that records kubectl's requests and answers POSTs with JSON."""

    kubeconfig: Path
    home: Path
    requests: list[CapturedRequest] = field(default_factory=list)

    def kubectl(self, *args: str) -> subprocess.CompletedProcess[str]:
        beside_python = Path(sys.executable).with_name("kubectl")
        binary = str(beside_python) if beside_python.exists() else shutil.which("kubectl")
        assert binary, "kubectl is neither next to the Python interpreter nor on PATH"
        # HOME keeps kubectl's discovery cache out of the user's ~/.kube.
        env = {**os.environ, "HOME": str(self.home)}
        env.pop("KUBECONFIG", None)
        return subprocess.run(
            [binary, "--kubeconfig", str(self.kubeconfig), *args],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            check=False,
        )


def _status(code: int, reason: str, message: str) -> dict[str, Any]:
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }


@pytest.fixture(scope="module")
def capture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CaptureServer]:
    directory = tmp_path_factory.mktemp("capture")
    ca = trustme.CA()
    server_cert = ca.issue_cert("127.0.0.1")
    ssl_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_cert.configure_cert(ssl_context)
    captured: list[CapturedRequest] = []

    async def handle(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {_TOKEN}":
            return web.json_response(_status(401, "Unauthorized", "bad token"), status=401)
        body = await request.read()
        captured.append(
            CapturedRequest(request.method, request.path_qs, request.content_type, body)
        )
        if request.method != "POST":
            return web.json_response(_status(404, "NotFound", "not served here"), status=404)
        try:
            obj = decode(body)
        except ProtobufError as error:
            return web.json_response(_status(415, "UnsupportedMediaType", str(error)), status=415)
        return web.json_response(obj, status=201)

    loop = asyncio.new_event_loop()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl_context)
    loop.run_until_complete(site.start())
    port = runner.addresses[0][1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    kubeconfig = directory / "kubeconfig"
    kubeconfig.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [
                    {
                        "name": "capture",
                        "cluster": {
                            "server": f"https://127.0.0.1:{port}",
                            "certificate-authority-data": base64.b64encode(
                                ca.cert_pem.bytes()
                            ).decode(),
                        },
                    }
                ],
                "users": [{"name": "tester", "user": {"token": _TOKEN}}],
                "contexts": [
                    {
                        "name": "capture",
                        "context": {"cluster": "capture", "user": "tester", "namespace": "default"},
                    }
                ],
                "current-context": "capture",
            }
        )
    )
    try:
        yield CaptureServer(kubeconfig, directory, captured)
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


@pytest.mark.parametrize(
    ("command", "path"),
    [
        (
            ["create", "deployment", "mynginx", "--image=nginx"],
            "/apis/apps/v1/namespaces/default/deployments",
        ),
        (
            ["create", "deployment", "web", "--image=nginx:1.27", "--replicas=3", "--port=8080"],
            "/apis/apps/v1/namespaces/default/deployments",
        ),
        (
            ["create", "service", "nodeport", "mynginx", "--tcp=80:80"],
            "/api/v1/namespaces/default/services",
        ),
        (
            ["create", "service", "clusterip", "multi", "--tcp=80:8080", "--tcp=443:8443"],
            "/api/v1/namespaces/default/services",
        ),
        (["create", "namespace", "team-a"], "/api/v1/namespaces"),
    ],
)
def test_kubectl_create_body_decodes_to_its_dry_run_json(
    capture: CaptureServer, command: list[str], path: str
) -> None:
    dry_run = capture.kubectl(*command, "--dry-run=client", "-o", "json")
    assert dry_run.returncode == 0, dry_run.stderr
    expected = json.loads(dry_run.stdout)
    already = len(capture.requests)

    result = capture.kubectl(*command)

    assert result.returncode == 0, result.stderr
    assert "created" in result.stdout
    posts = [r for r in capture.requests[already:] if r.method == "POST"]
    assert len(posts) == 1, capture.requests[already:]
    assert posts[0].path.split("?")[0] == path
    assert posts[0].content_type == PROTOBUF_CONTENT_TYPE
    # kubectl prints the very object it sends, so nothing differs, not even client-side fields.
    assert decode(posts[0].body) == expected


# --- hand-built objects --------------------------------------------------------------------------

_JAN_1_2026 = 1_767_225_600


def _deployment_body() -> bytes:
    labels = _entry(11, "app", "web")
    metadata = _msg(
        1,
        _str(1, "web"),
        _str(2, ""),
        _str(3, "shop"),
        _num(7, 0),
        _msg(8, _num(1, _JAN_1_2026), _num(2, 123)),
        labels,
        _entry(12, "note", "x"),
        _msg(13, _str(5, "v1"), _str(1, "Owner"), _str(3, "o"), _str(4, "u-1"), _num(6, 1)),
        _str(14, "example.com/f"),
    )
    container = _msg(
        2,
        _str(1, "app"),
        _str(2, "nginx:1.27"),
        _str(3, "nginx"),
        _str(4, "-g"),
        _str(4, "daemon off;"),
        _msg(6, _str(1, "http"), _num(2, 0), _num(3, 8080), _str(4, "TCP"), _str(5, "")),
        _msg(7, _str(1, "MODE"), _str(2, "prod")),
        _msg(7, _str(1, "POD"), _str(2, ""), _msg(3, _msg(1, _str(1, "v1"), _str(2, "m.name")))),
        _msg(
            7,
            _str(1, "PASSWORD"),
            _msg(3, _msg(4, _msg(1, _str(1, "db")), _str(2, "pw"), _num(3, 1))),
        ),
        _msg(
            8,
            _quantity_entry(1, "cpu", "500m"),
            _quantity_entry(2, "memory", "64Mi"),
        ),
        _msg(9, _str(1, "cache"), _num(2, 1), _str(3, "/cache"), _str(4, "")),
        _msg(
            10,
            _msg(1, _msg(2, _str(1, "/healthz"), _int_or_string(2, "http"), _str(4, "HTTP"))),
            _num(2, 0),
            _num(4, 10),
            _num(6, 3),
        ),
        _msg(11, _msg(1, _msg(3, _int_or_string(1, 8080)))),
        _msg(22, _msg(1, _msg(1, _str(1, "true"))), _num(7, 0)),
        _str(14, "IfNotPresent"),
        _msg(15),
        _num(16, 0),
        # Unknown fields of every wire type are skipped.
        _num(99, 7),
        _varint(98 << 3 | 5) + b"\x01\x02\x03\x04",
        _varint(97 << 3 | 1) + bytes(8),
        _str(96, "future"),
    )
    init_container = _msg(20, _str(1, "init"), _str(2, "busybox"), _msg(8))
    pod_spec = _msg(
        2,
        _msg(1, _str(1, "cache"), _msg(2, _msg(2, _str(1, "")))),
        _msg(1, _str(1, "conf"), _msg(2, _msg(19, _msg(1, _str(1, "web-conf"))))),
        init_container,
        container,
        _str(3, "Always"),
        _num(4, 0),
        _str(6, "ClusterFirst"),
        _entry(7, "disk", "ssd"),
        _str(8, "web-sa"),
        _num(11, 0),
        _msg(14, _num(4, 1000), _num(4, 2000), _msg(4, _varint(3000))),
        _str(19, "default-scheduler"),
    )
    spec = _msg(
        2,
        _num(1, 0),
        _msg(
            2,
            _entry(1, "app", "web"),
            _msg(2, _str(1, "tier"), _str(2, "In"), _str(3, "web"), _str(3, "api")),
        ),
        _msg(3, _msg(1, labels, _msg(8)), pod_spec),
        _msg(4, _str(1, "RollingUpdate"), _msg(2, _int_or_string(1, 0), _int_or_string(2, "25%"))),
        _num(5, 0),
        _num(6, 10),
        _num(9, (1 << 64) - 1),
    )
    status = _msg(3, _num(1, 0), _num(2, 0))
    return _envelope("apps/v1", "Deployment", metadata + spec + status)


def test_deployment_with_every_common_field() -> None:
    assert decode(_deployment_body()) == {
        "kind": "Deployment",
        "apiVersion": "apps/v1",
        "metadata": {
            "name": "web",
            "namespace": "shop",
            # Nanos are dropped: metav1.Time has whole seconds.
            "creationTimestamp": "2026-01-01T00:00:00Z",
            "labels": {"app": "web"},
            "annotations": {"note": "x"},
            "ownerReferences": [
                {"apiVersion": "v1", "kind": "Owner", "name": "o", "uid": "u-1", "controller": True}
            ],
            "finalizers": ["example.com/f"],
        },
        "spec": {
            # replicas is a pointer: an explicit 0 stays.
            "replicas": 0,
            "selector": {
                "matchLabels": {"app": "web"},
                "matchExpressions": [{"key": "tier", "operator": "In", "values": ["web", "api"]}],
            },
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "volumes": [
                        {"name": "cache", "emptyDir": {}},
                        {"name": "conf", "configMap": {"name": "web-conf"}},
                    ],
                    "initContainers": [{"name": "init", "image": "busybox", "resources": {}}],
                    "containers": [
                        {
                            "name": "app",
                            "image": "nginx:1.27",
                            "command": ["nginx"],
                            "args": ["-g", "daemon off;"],
                            "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                            "env": [
                                {"name": "MODE", "value": "prod"},
                                {
                                    "name": "POD",
                                    "valueFrom": {
                                        "fieldRef": {"apiVersion": "v1", "fieldPath": "m.name"}
                                    },
                                },
                                {
                                    "name": "PASSWORD",
                                    "valueFrom": {
                                        "secretKeyRef": {
                                            "name": "db",
                                            "key": "pw",
                                            "optional": True,
                                        }
                                    },
                                },
                            ],
                            "resources": {
                                "limits": {"cpu": "500m"},
                                "requests": {"memory": "64Mi"},
                            },
                            "volumeMounts": [
                                {"name": "cache", "readOnly": True, "mountPath": "/cache"}
                            ],
                            "livenessProbe": {
                                "httpGet": {"path": "/healthz", "port": "http", "scheme": "HTTP"},
                                "periodSeconds": 10,
                                "failureThreshold": 3,
                            },
                            "readinessProbe": {"tcpSocket": {"port": 8080}},
                            "startupProbe": {
                                "exec": {"command": ["true"]},
                                "terminationGracePeriodSeconds": 0,
                            },
                            "imagePullPolicy": "IfNotPresent",
                            "securityContext": {},
                        }
                    ],
                    "restartPolicy": "Always",
                    "terminationGracePeriodSeconds": 0,
                    "dnsPolicy": "ClusterFirst",
                    "nodeSelector": {"disk": "ssd"},
                    "serviceAccountName": "web-sa",
                    # Both encodings of a repeated integer: unpacked and packed.
                    "securityContext": {"supplementalGroups": [1000, 2000, 3000]},
                    "schedulerName": "default-scheduler",
                },
            },
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": 0, "maxSurge": "25%"},
            },
            "revisionHistoryLimit": 10,
            # An int32 sent as a 10-byte negative varint.
            "progressDeadlineSeconds": -1,
        },
        "status": {},
    }


def test_service_with_every_common_field() -> None:
    spec = _msg(
        2,
        _msg(
            1,
            _str(1, "http"),
            _str(2, "TCP"),
            _num(3, 80),
            _int_or_string(4, "web"),
            _num(5, 30080),
        ),
        _msg(1, _str(1, ""), _str(2, "UDP"), _num(3, 53), _int_or_string(4, 0), _num(5, 0)),
        _entry(2, "app", "web"),
        _str(3, "10.96.0.10"),
        _str(18, "10.96.0.10"),
        _str(4, "LoadBalancer"),
        _str(5, "192.0.2.1"),
        _str(7, "ClientIP"),
        _str(8, "192.0.2.2"),
        _str(10, ""),
        _str(11, "Local"),
        _num(12, 0),
        _msg(14, _msg(1, _num(1, 10800))),
        _str(19, "IPv4"),
        _str(17, "SingleStack"),
        _num(20, 0),
        _str(22, "Cluster"),
    )
    status = _msg(3, _msg(1, _msg(1, _str(1, "192.0.2.9"), _str(2, ""))))
    body = _envelope("v1", "Service", _msg(1, _str(1, "web")) + spec + status)

    assert decode(body) == {
        "kind": "Service",
        "apiVersion": "v1",
        "metadata": {"name": "web"},
        "spec": {
            "ports": [
                {
                    "name": "http",
                    "protocol": "TCP",
                    "port": 80,
                    "targetPort": "web",
                    "nodePort": 30080,
                },
                # A zero targetPort is unset (the server defaults it to port).
                {"protocol": "UDP", "port": 53},
            ],
            "selector": {"app": "web"},
            "clusterIP": "10.96.0.10",
            "clusterIPs": ["10.96.0.10"],
            "type": "LoadBalancer",
            "externalIPs": ["192.0.2.1"],
            "sessionAffinity": "ClientIP",
            "loadBalancerIP": "192.0.2.2",
            "externalTrafficPolicy": "Local",
            "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 10800}},
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
            # A *bool: an explicit false stays.
            "allocateLoadBalancerNodePorts": False,
            "internalTrafficPolicy": "Cluster",
        },
        "status": {"loadBalancer": {"ingress": [{"ip": "192.0.2.9"}]}},
    }


def test_namespace_with_spec_and_status() -> None:
    raw = (
        _msg(1, _str(1, "team-a"))
        + _msg(2, _str(1, "kubernetes"))
        + _msg(3, _str(1, "Active"), _msg(2, _str(1, "Ready"), _str(2, "True"), _msg(4)))
    )
    assert decode(_envelope("v1", "Namespace", raw)) == {
        "kind": "Namespace",
        "apiVersion": "v1",
        "metadata": {"name": "team-a"},
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active", "conditions": [{"type": "Ready", "status": "True"}]},
    }


def test_structs_not_on_the_wire_are_written_as_go_writes_them() -> None:
    assert decode(_envelope("v1", "Service", b"")) == {
        "kind": "Service",
        "apiVersion": "v1",
        "metadata": {},
        "spec": {},
        "status": {"loadBalancer": {}},
    }


def test_a_message_sent_twice_is_merged() -> None:
    raw = _msg(1, _str(1, "team-a")) + _msg(1, _entry(11, "a", "1"))
    assert decode(_envelope("v1", "Namespace", raw))["metadata"] == {
        "name": "team-a",
        "labels": {"a": "1"},
    }


def test_time_is_rfc3339_in_utc() -> None:
    raw = _msg(1, _str(1, "n"), _msg(9, _num(1, 0)), _msg(8, _num(1, _JAN_1_2026 + 3661)))
    assert decode(_envelope("v1", "Namespace", raw))["metadata"] == {
        "name": "n",
        "creationTimestamp": "2026-01-01T01:01:01Z",
        "deletionTimestamp": "1970-01-01T00:00:00Z",
    }


# --- malformed and unsupported bodies ------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"kind": "Namespace"}', "does not start with"),
        (b"k8s\x00\x0a", "truncated varint"),
        (b"k8s\x00" + _varint(1 << 3 | 2) + b"\x80", "truncated varint"),
        (b"k8s\x00\x0a\x05ab", "field 1 is truncated"),
        (b"k8s\x00" + _varint(7 << 3 | 3), "unsupported wire type 3"),
        (b"k8s\x00" + _num(0, 1), "field number 0"),
        (b"k8s\x00" + b"\xff" * 11, "longer than 10 bytes"),
        (_envelope("v1", "Namespace", _msg(1, _num(1, 5))), "ObjectMeta.name: wire type 0"),
        (_envelope("v1", "Namespace", _msg(1, _str(7, "x"))), "ObjectMeta.generation: wire type 2"),
        (
            _envelope("apps/v1", "ReplicaSet", b""),
            "protobuf decoding of apps/v1 ReplicaSet is not supported; send JSON",
        ),
        (b"k8s\x00", "protobuf decoding of <no apiVersion> <no kind> is not supported"),
        (
            _envelope("v1", "Service", _msg(2, _msg(1, _msg(4, _num(1, 2))))),
            "IntOrString type 2",
        ),
        (
            _envelope("v1", "Namespace", _msg(1, _msg(8, _num(1, 1 << 62)))),
            "out of range",
        ),
        (_envelope("v1", "Namespace", b"") + _str(3, "gzip"), "contentEncoding 'gzip'"),
    ],
)
def test_malformed_or_unsupported_body_is_a_protobuf_error(body: bytes, message: str) -> None:
    with pytest.raises(ProtobufError, match=message.replace("(", r"\(")):
        decode(body)


def _decode_or_error(body: bytes) -> dict[str, Any] | ProtobufError:
    try:
        return decode(body)
    except ProtobufError as error:
        return error


@given(st.binary(max_size=300))
def test_arbitrary_bytes_only_ever_raise_protobuf_error(body: bytes) -> None:
    result = _decode_or_error(body)
    assert isinstance(result, (dict, ProtobufError))
    assert isinstance(_decode_or_error(b"k8s\x00" + body), (dict, ProtobufError))


@given(
    st.sampled_from([("apps/v1", "Deployment"), ("v1", "Service"), ("v1", "Namespace")]),
    st.binary(max_size=300),
)
def test_arbitrary_object_bytes_decode_to_json_or_raise_protobuf_error(
    type_meta: tuple[str, str], raw: bytes
) -> None:
    result = _decode_or_error(_envelope(*type_meta, raw))
    if isinstance(result, dict):
        # Whatever decodes must be plain JSON.
        assert json.loads(json.dumps(result)) == result
        assert (result["apiVersion"], result["kind"]) == type_meta
    else:
        assert isinstance(result, ProtobufError)


@given(st.text(), st.integers(min_value=-(2**31), max_value=2**31 - 1))
def test_labels_and_ports_round_trip(value: str, port: int) -> None:
    spec = _msg(2, _msg(1, _num(3, port), _int_or_string(4, value)), _entry(2, "k", value))
    decoded = decode(_envelope("v1", "Service", spec))["spec"]
    expected_port: dict[str, Any] = {"port": port}
    if value:
        expected_port["targetPort"] = value
    assert decoded["ports"] == [expected_port]
    assert decoded["selector"] == {"k": value}
