"""Who answered a request: the pod name found in an HTTP body, or a fingerprint of the body.

The demo images name their pod in the body, each in its own words: the tutorial's
takytaky/hostname (`<p>Hello,  POD-NAME</p>`), traefik/whoami (`Hostname: NAME`),
nginxdemos/hello (`Server name: NAME`, also as HTML), or a server that answers just its
hostname. A `--match` regex with one group names it for any other server. A body nothing
matches is still told apart from other bodies by its sha256, so a histogram of answers works
even for a server that names no one (as long as its body does not change per request).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

__all__ = [
    "BUILTIN_PATTERNS",
    "FINGERPRINT_PREFIX",
    "Answer",
    "AnswerPatternError",
    "compile_match",
    "fingerprint",
    "identify",
]

FINGERPRINT_PREFIX = "body:"


class AnswerPatternError(ValueError):
    """A --match pattern that is not a regex with exactly one group (message: one line)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """The name an HTTP body gives for whoever answered it."""

    name: str
    """The hostname found, or "body:" + the first 8 hex digits of the body's sha256."""
    matched: bool
    """Whether a pattern found a name (False: `name` is a fingerprint)."""


# A DNS-1123 subdomain, as a hostname is: dot-separated labels of lowercase letters, digits and
# '-', each starting and ending alnum, 253 characters at most (the lookahead bounds the length
# before the labels are tried, so a long body fails at once).
_SUBDOMAIN = r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*"

BUILTIN_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # takytaky/hostname puts two spaces after the comma; any whitespace will do.
    ("takytaky/hostname", re.compile(r"<p>\s*Hello,\s+([^<\s]+)\s*</p>")),
    ("traefik/whoami", re.compile(r"^Hostname:[ \t]*(\S+)", re.MULTILINE)),
    # Plain text `Server name: NAME`, or its HTML `<span>Server&nbsp;name:</span> <span>NAME`.
    (
        "nginxdemos/hello",
        re.compile(r"Server(?:\s|&nbsp;)+name:\s*(?:</span>\s*<span[^>]*>\s*)?([^<\s]+)"),
    ),
    ("bare hostname", re.compile(rf"\A\s*(?=[-a-z0-9.]{{1,253}}\s*\Z)({_SUBDOMAIN})\s*\Z")),
)
"""(label, pattern) in the order `identify` tries them; each has one group: the name."""


def compile_match(text: str) -> re.Pattern[str]:
    """The `--match` regex `text`, whose one group captures the name of whoever answered."""
    try:
        pattern = re.compile(text)
    except re.error as error:
        # re.error's message can span lines for verbose patterns; the CLI shows one line.
        where = f" at position {error.pos}" if error.pos is not None else ""
        raise AnswerPatternError(
            f"--match {text!r} is not a regular expression: {error.msg}{where}"
        ) from None
    if pattern.groups != 1:
        raise AnswerPatternError(
            f"--match needs exactly one group (the name, e.g. 'I am (\\S+)'), got {pattern.groups}"
        )
    return pattern


def identify(body: str, match: re.Pattern[str] | None = None) -> Answer:
    """Who answered `body`: the first pattern's name (only `match`, if given), or a fingerprint."""
    patterns = (match,) if match is not None else tuple(p for _, p in BUILTIN_PATTERNS)
    for pattern in patterns:
        found = pattern.search(body)
        # An optional group may take no part in the match, or capture only whitespace.
        name = (found.group(1) or "").strip() if found else ""
        if name:
            return Answer(name, True)
    return Answer(fingerprint(body), False)


def fingerprint(body: str) -> str:
    """The name of a body no pattern names: "body:" and the first 8 hex digits of its sha256."""
    # surrogatepass: a body decoded with errors="surrogateescape" still hashes.
    digest = hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()
    return FINGERPRINT_PREFIX + digest[:8]
