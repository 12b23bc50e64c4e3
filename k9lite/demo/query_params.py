"""Query parameters read as kube-apiserver reads them into its options structs.

Followed source: k8s.io/apimachinery pkg/apis/meta/v1/conversion.go, the conversions the
ParameterCodec applies to `url.Values`: a boolean is false only when absent, "0" or "false" (any
case), true otherwise, the empty string included (Convert_Slice_string_To_bool: not Go's
strconv.ParseBool, which would refuse "yes" and ""); an integer is strconv.ParseInt's, and a value
it cannot parse makes the request a 400 with strconv's words.
"""

from __future__ import annotations

from collections.abc import Mapping

from k9lite.demo.errors import bad_request

__all__ = ["flag", "integer", "optional_flag"]


def optional_flag(query: Mapping[str, str], name: str) -> bool | None:
    """A `*bool` option: None when absent."""
    value = query.get(name)
    if value is None:
        return None
    return value != "0" and value.lower() != "false"


def flag(query: Mapping[str, str], name: str) -> bool:
    """A `bool` option: false when absent."""
    return bool(optional_flag(query, name))


def integer(query: Mapping[str, str], name: str) -> int | None:
    """An integer option: None when absent; 400 when strconv.ParseInt refuses it."""
    raw = query.get(name)
    if raw is None:
        return None
    digits = raw[1:] if raw[:1] in "+-" else raw
    # ParseInt takes ASCII digits only (Python's int() also takes "1_000", " 1" and "١").
    if not digits or not digits.isascii() or not digits.isdigit():
        raise bad_request(f'strconv.ParseInt: parsing "{raw}": invalid syntax')
    value = int(raw)
    if not -(2**63) <= value < 2**63:
        raise bad_request(f'strconv.ParseInt: parsing "{raw}": value out of range')
    return value
