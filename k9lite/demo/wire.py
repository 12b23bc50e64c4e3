"""The headers every kube-apiserver answer carries, and when its body goes out chunked.

The real server stamps each request with an `Audit-Id` (a UUID, also its audit log's key) and
`Cache-Control: no-cache, private`. Its bodies are written through Go's net/http, which sends a
Content-Length only when the whole body fits in the response's first 2 KiB buffer and chunks
anything larger (lists, Tables, watches), as recorded in /work/shared/real-apiserver.
"""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from aiohttp import web

__all__ = ["CHUNK_THRESHOLD", "json_response", "stamp_response"]

CHUNK_THRESHOLD = 2048
"""Bytes net/http buffers before it switches a response to chunked transfer encoding."""


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A JSON answer, chunked when net/http would chunk it."""
    data = orjson.dumps(body)
    response = web.Response(
        body=data, status=status, content_type="application/json", headers=headers
    )
    if len(data) > CHUNK_THRESHOLD:
        response.enable_chunked_encoding()
    return response


async def stamp_response(request: web.Request, response: web.StreamResponse) -> None:
    """An `on_response_prepare` signal handler: every answer gets the real server's headers."""
    response.headers.setdefault("Audit-Id", str(uuid.uuid4()))
    response.headers.setdefault("Cache-Control", "no-cache, private")
