"""identify: the pod name in the bodies the demo images answer, or a fingerprint of the body."""

from __future__ import annotations

import hashlib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from k9lite.analysis.answers import (
    BUILTIN_PATTERNS,
    Answer,
    AnswerPatternError,
    compile_match,
    identify,
)

POD = "hostname-server-7d8f5b5d7c-pz9ft"

# takytaky/hostname, the tutorial's image: `curl -s 10.106.104.217:8080 | grep Hello`.
HOSTNAME_PAGE = """<!DOCTYPE html>
<html>
<head>
<title>Hostname</title>
</head>
<body>
<p>Hello,  hostname-server-7d8f5b5d7c-pz9ft</p>
</body>
</html>
"""

WHOAMI = """Hostname: whoami-6f57d5d6b5-x7kqv
IP: 127.0.0.1
IP: ::1
IP: 10.244.1.7
IP: fe80::a8d3:5eff:fe6b:1c2d
RemoteAddr: 10.244.0.0:51234
GET / HTTP/1.1
Host: 10.106.104.217:8080
User-Agent: curl/8.5.0
Accept: */*

"""

NGINX_HELLO_TEXT = """Server address: 10.244.2.9:80
Server name: hello-7c9b9d8f6c-9xq2z
Date: 12/Mar/2024:09:41:07 +0000
URI: /
Request ID: 8f2c6a1e0b7d4c3a9e5f1b2d6c8a0e4f
"""

NGINX_HELLO_HTML = """<!DOCTYPE html>
<html>
<head>
<title>Hello World</title>
<link href="data:image/png;base64,iVBORw0KGgo=" rel="icon" type="image/png" />
<style>
body { margin: 0px; font: 20px 'RobotoRegular', Arial, sans-serif; font-weight: 100; }
</style>
</head>
<body>
<img alt="NGINX Logo" src="http://d37h62yn5lrxxl.cloudfront.net/assets/nginx.png"/>
<div class="info">
<p><span>Server&nbsp;address:</span> <span>10.244.2.9:80</span></p>
<p><span>Server&nbsp;name:</span> <span>hello-7c9b9d8f6c-9xq2z</span></p>
<p class="smaller"><span>Date:</span> <span>12/Mar/2024:09:41:07 +0000</span></p>
<p class="smaller"><span>URI:</span> <span>/</span></p>
</div>
<br/>
<div class="check"><input type="checkbox" id="check" onchange="changeCookie()"> Auto Refresh</div>
    <div id="footer">
        <div id="center" align="center">
            Request ID: 0e1ad6bd2b8e5b0c4c4f2f8c56b8d0c1<br/>
            &copy; NGINX, Inc. 2018
        </div>
    </div>
</body>
</html>
"""

# agnhost serve-hostname (and many a test server) answers the hostname alone.
BARE = "hostname-server-7d8f5b5d7c-wjmkm\n"

NGINX_WELCOME = """<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>
</body>
</html>
"""

# k8s pod names: DNS-1123 labels as a ReplicaSet makes them (lowercase alnum and '-').
pod_names = st.from_regex(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?", fullmatch=True)


def sha8(body: str) -> str:
    return "body:" + hashlib.sha256(body.encode()).hexdigest()[:8]


# -- the built-in patterns ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "name"),
    [
        (HOSTNAME_PAGE, POD),
        (WHOAMI, "whoami-6f57d5d6b5-x7kqv"),
        (NGINX_HELLO_TEXT, "hello-7c9b9d8f6c-9xq2z"),
        (NGINX_HELLO_HTML, "hello-7c9b9d8f6c-9xq2z"),
        (BARE, "hostname-server-7d8f5b5d7c-wjmkm"),
        ("  web-0.web.default.svc.cluster.local \r\n", "web-0.web.default.svc.cluster.local"),
    ],
    ids=["hostname", "whoami", "nginx-hello-text", "nginx-hello-html", "bare", "bare-fqdn"],
)
def test_builtin_patterns_name_the_pod(body: str, name: str) -> None:
    assert identify(body) == Answer(name, True)


def test_the_hello_line_takes_any_whitespace() -> None:
    assert identify(f"<p>Hello,\t{POD} </p>").name == POD
    assert identify(f"<p>Hello,\n  {POD}</p>").name == POD
    assert identify(f"<p>Hello, {POD}</p>").name == POD


def test_the_grepped_hello_line_alone_names_the_pod() -> None:
    assert identify(f"<p>Hello,  {POD}</p>\n") == Answer(POD, True)


def test_patterns_are_tried_in_order() -> None:
    labels = [label for label, _ in BUILTIN_PATTERNS]
    assert labels == ["takytaky/hostname", "traefik/whoami", "nginxdemos/hello", "bare hostname"]
    # A page that says Hello and also lists a Hostname header names the Hello pod.
    both = f"Hostname: other-pod\n<p>Hello,  {POD}</p>"
    assert identify(both).name == POD


def test_every_builtin_pattern_has_one_group() -> None:
    assert all(pattern.groups == 1 for _, pattern in BUILTIN_PATTERNS)


@pytest.mark.parametrize(
    "body",
    [
        NGINX_WELCOME,
        "",
        "   \n",
        "OK",
        "hello world",
        "Hostname:",
        "-leading-dash",
        "trailing-dash-",
        "a" * 254,
        "<p>Hello, </p>",
        '{"hostname": "api-0"}',
    ],
    ids=[
        "nginx-welcome",
        "empty",
        "blank",
        "uppercase",
        "two-words",
        "whoami-without-name",
        "leading-dash",
        "trailing-dash",
        "too-long",
        "hello-without-name",
        "json",
    ],
)
def test_a_body_nothing_matches_is_fingerprinted(body: str) -> None:
    assert identify(body) == Answer(sha8(body), False)


def test_a_long_body_fails_fast_and_is_fingerprinted() -> None:
    body = "a" * 1_000_000 + "!"
    assert identify(body).name == sha8(body)


def test_a_body_with_lone_surrogates_still_fingerprints() -> None:
    body = b"caf\xe9".decode("utf-8", "surrogateescape")
    answer = identify(body)
    assert answer.name.startswith("body:") and not answer.matched


# -- --match ------------------------------------------------------------------------------------


def test_match_names_the_pod_of_any_body() -> None:
    match = compile_match(r"I am (\S+)")
    assert identify("I am pod-x on node y", match) == Answer("pod-x", True)


def test_match_replaces_the_builtin_patterns() -> None:
    match = compile_match(r"I am (\S+)")
    assert identify(HOSTNAME_PAGE, match) == Answer(sha8(HOSTNAME_PAGE), False)


def test_match_names_are_stripped_and_an_empty_one_is_no_name() -> None:
    assert identify("pod:  pod-x  \n", compile_match(r"pod:(.*)")).name == "pod-x"
    assert identify("pod:   \n", compile_match(r"pod:(.*)")) == Answer(sha8("pod:   \n"), False)
    optional = compile_match(r"pod(?:=(\w+))?")
    assert identify("pod", optional) == Answer(sha8("pod"), False)


@pytest.mark.parametrize(
    ("text", "groups"),
    [(r"I am \S+", 0), (r"(\S+) on (\S+)", 2), (r"((a)b)", 2)],
)
def test_compile_match_needs_exactly_one_group(text: str, groups: int) -> None:
    with pytest.raises(
        AnswerPatternError, match=rf"^--match needs exactly one group .*got {groups}$"
    ):
        compile_match(text)


def test_compile_match_takes_named_and_non_capturing_groups() -> None:
    assert compile_match(r"(?:name|host)=(?P<pod>[-a-z0-9]+)").groups == 1


@pytest.mark.parametrize("text", ["I am (\\S+", "(?P<1>x)", "*(x)", "(x)\\"])
def test_compile_match_rejects_a_bad_regex_in_one_line(text: str) -> None:
    with pytest.raises(AnswerPatternError) as raised:
        compile_match(text)
    message = str(raised.value)
    assert message.startswith("--match ") and "not a regular expression" in message
    assert "\n" not in message
    assert isinstance(raised.value, ValueError)


def test_compile_match_of_a_multiline_verbose_pattern_still_says_one_line() -> None:
    with pytest.raises(AnswerPatternError) as raised:
        compile_match("(?x)\n  name = (\n  [a-z]+")
    assert "\n" not in str(raised.value)


# -- properties ---------------------------------------------------------------------------------


@given(pod_names)
def test_any_pod_name_is_found_in_every_builtin_body(name: str) -> None:
    bodies = [
        HOSTNAME_PAGE.replace(POD, name),
        WHOAMI.replace("whoami-6f57d5d6b5-x7kqv", name),
        NGINX_HELLO_TEXT.replace("hello-7c9b9d8f6c-9xq2z", name),
        NGINX_HELLO_HTML.replace("hello-7c9b9d8f6c-9xq2z", name),
        f"{name}\n",
    ]
    for body in bodies:
        assert identify(body) == Answer(name, True)


@given(pod_names, st.from_regex(r"[a-z]{1,10}", fullmatch=True))
def test_any_pod_name_is_found_by_a_match(name: str, node: str) -> None:
    assert identify(f"I am {name} on node {node}", compile_match(r"I am (\S+)")).name == name


unmatched = st.text().filter(lambda body: not any(p.search(body) for _, p in BUILTIN_PATTERNS))


@given(unmatched)
def test_a_body_nothing_matches_keeps_its_fingerprint(body: str) -> None:
    first, again = identify(body), identify("".join(list(body)))
    assert first == again
    assert not first.matched
    assert re.fullmatch(r"body:[0-9a-f]{8}", first.name)
