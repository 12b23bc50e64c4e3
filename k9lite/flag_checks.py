"""Command-line values checked before anything starts: each bad one is one line naming the flag.

argparse's own errors print the usage block first; the values here (numbers with a range, URLs)
are checked after parsing so that the user reads a single line that says what is wrong.
"""

from __future__ import annotations

import urllib.parse

__all__ = ["FlagError", "bounded_int", "probe_url"]


class FlagError(ValueError):
    """A flag's value is unusable; the message is the one line the user sees."""


def bounded_int(flag: str, text: str, low: int, high: int, unit: str = "") -> int:
    """`text` as an integer from `low` to `high`, else a FlagError naming `flag` and the range."""
    what = f"a whole number of {unit}" if unit else "a whole number"
    try:
        value = int(text, 10)
    except ValueError:
        raise FlagError(f"{flag} {text!r} is not {what} ({low} to {high:,})") from None
    if not low <= value <= high:
        raise FlagError(f"{flag} {value} is out of range: it must be from {low} to {high:,}")
    return value


def probe_url(url: str | None) -> str:
    """The URL of `probe --via url`: http or https, with a host and a port that exists."""
    if not url:
        raise FlagError("--via url needs --url URL (for example --url http://127.0.0.1:8080/)")
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FlagError(f"--url {url!r} is not a usable URL: {exc}") from None
    if parts.scheme not in ("http", "https"):
        scheme = f"{parts.scheme}://" if parts.scheme else "no scheme"
        raise FlagError(
            f"--url {url!r} is not an http(s) URL ({scheme}); use http://HOST[:PORT]/PATH"
        )
    if not parts.hostname:
        raise FlagError(f"--url {url!r} has no host; use http://HOST[:PORT]/PATH")
    if port == 0:
        raise FlagError(f"--url {url!r}: port 0 cannot be connected to")
    return url
