"""Kubernetes name checks with kube-apiserver's error texts.

Restates k8s.io/apimachinery `pkg/util/validation/validation.go` (`is_qualified_name`,
`is_label_value`, `is_dns1123_label`...) and returns its messages, so the selector parser and the
demo API server's validation report exactly what kube-apiserver does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "is_dns1035_label",
    "is_dns1123_label",
    "is_dns1123_subdomain",
    "is_label_value",
    "is_port_name",
    "is_qualified_name",
    "join_errors",
    "regex_error",
]

_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL_FMT + "(\\." + _DNS1123_LABEL_FMT + ")*"
_DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_VALUE_FMT = "(" + _QUALIFIED_NAME_FMT + ")?"

_DNS1123_LABEL_RE = re.compile(_DNS1123_LABEL_FMT)
_DNS1123_SUBDOMAIN_RE = re.compile(_DNS1123_SUBDOMAIN_FMT)
_DNS1035_LABEL_RE = re.compile(_DNS1035_LABEL_FMT)
_QUALIFIED_NAME_RE = re.compile(_QUALIFIED_NAME_FMT)
_LABEL_VALUE_RE = re.compile(_LABEL_VALUE_FMT)
_PORT_NAME_CHARSET_RE = re.compile("[-a-z0-9]+")

_QUALIFIED_NAME_MSG = (
    "must consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character"
)


def regex_error(message: str, fmt: str, *examples: str) -> str:
    """validation.RegexError: the message, examples and regex, with Go's odd spacing kept."""
    if not examples:
        return f"{message} (regex used for validation is '{fmt}')"
    listed = " or ".join(f"'{example}', " for example in examples)
    return f"{message} (e.g. {listed}regex used for validation is '{fmt}')"


def _max_len_error(length: int) -> str:
    return f"must be no more than {length} characters"


def _full_match(pattern: re.Pattern[str], value: str) -> bool:
    # Go's `^...$` regexps: `$` must not accept a trailing newline as Python's does.
    return pattern.fullmatch(value) is not None


def is_dns1123_label(value: str) -> list[str]:
    """IsDNS1123Label: names of namespaces, containers and port names of Services."""
    errors = []
    if len(value) > 63:
        errors.append(_max_len_error(63))
    if not _full_match(_DNS1123_LABEL_RE, value):
        if _full_match(_DNS1123_SUBDOMAIN_RE, value):
            errors.append("must not contain dots")
        else:
            errors.append(
                regex_error(
                    "a lowercase RFC 1123 label must consist of lower case alphanumeric "
                    "characters or '-', and must start and end with an alphanumeric character",
                    _DNS1123_LABEL_FMT,
                    "my-name",
                    "123-abc",
                )
            )
    return errors


def is_dns1123_subdomain(value: str) -> list[str]:
    """IsDNS1123Subdomain: names of most objects, label key prefixes, DNS names."""
    errors = []
    if len(value) > 253:
        errors.append(_max_len_error(253))
    if not _full_match(_DNS1123_SUBDOMAIN_RE, value):
        errors.append(
            regex_error(
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                "characters, '-' or '.', and must start and end with an alphanumeric character",
                _DNS1123_SUBDOMAIN_FMT,
                "example.com",
            )
        )
    return errors


def is_dns1035_label(value: str) -> list[str]:
    """IsDNS1035Label: Service names, which become DNS names and environment variables."""
    errors = []
    if len(value) > 63:
        errors.append(_max_len_error(63))
    if not _full_match(_DNS1035_LABEL_RE, value):
        errors.append(
            regex_error(
                "a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
                "start with an alphabetic character, and end with an alphanumeric character",
                _DNS1035_LABEL_FMT,
                "my-name",
                "abc-123",
            )
        )
    return errors


def is_qualified_name(value: str) -> list[str]:
    """IsQualifiedName: label and annotation keys, `[prefix/]name`."""
    parts = value.split("/")
    if len(parts) > 2:
        return [
            "a qualified name "
            + regex_error(_QUALIFIED_NAME_MSG, _QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    errors = []
    name = parts[-1]
    if len(parts) == 2:
        prefix = parts[0]
        if not prefix:
            errors.append("prefix part must be non-empty")
        else:
            errors.extend(f"prefix part {message}" for message in is_dns1123_subdomain(prefix))
    if not name:
        errors.append("name part must be non-empty")
    elif len(name) > 63:
        errors.append("name part " + _max_len_error(63))
    if not _full_match(_QUALIFIED_NAME_RE, name):
        errors.append(
            "name part "
            + regex_error(_QUALIFIED_NAME_MSG, _QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
        )
    return errors


def is_label_value(value: str) -> list[str]:
    """IsValidLabelValue: empty, or up to 63 alphanumerics with '-', '_', '.' inside."""
    errors = []
    if len(value) > 63:
        errors.append(_max_len_error(63))
    if not _full_match(_LABEL_VALUE_RE, value):
        errors.append(
            regex_error(
                "a valid label must be an empty string or consist of alphanumeric characters, "
                "'-', '_' or '.', and must start and end with an alphanumeric character",
                _LABEL_VALUE_FMT,
                "MyValue",
                "my_value",
                "12345",
            )
        )
    return errors


def is_port_name(value: str) -> list[str]:
    """IsValidPortName (IANA_SVC_NAME): container port names and named targetPorts."""
    errors = []
    if len(value) > 15:
        errors.append(_max_len_error(15))
    if not _full_match(_PORT_NAME_CHARSET_RE, value):
        errors.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if re.search("[a-z]", value) is None:
        errors.append("must contain at least one letter (a-z)")
    if "--" in value:
        errors.append("must not contain consecutive hyphens")
    if value.startswith("-") or value.endswith("-"):
        errors.append("must not begin or end with a hyphen")
    return errors


def join_errors(messages: Iterable[str]) -> str:
    """utilerrors.Aggregate's text: one message alone, several deduplicated inside `[a, b]`."""
    unique = list(dict.fromkeys(messages))
    return unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]"
