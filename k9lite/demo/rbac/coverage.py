"""Whether a user's rules cover the rules it grants: kubernetes `pkg/registry/rbac/validation`.

Covers breaks each granted rule into single (group, resource, verb[, name]) or (URL, verb)
rules (BreakdownRule) and keeps those no owned rule covers (ruleCovers); the refusal lists them
compacted (CompactRules) and printed as rbacv1helpers.CompactString does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["compact_strings", "uncovered"]

Rule = Mapping[str, Any]
_ALL = "*"


def _strings(rule: Rule, key: str) -> list[str]:
    values = rule.get(key)
    return [v for v in values if isinstance(v, str)] if isinstance(values, list) else []


def _breakdown(rule: Rule) -> list[dict[str, list[str]]]:
    subrules: list[dict[str, list[str]]] = []
    names = _strings(rule, "resourceNames")
    for group in _strings(rule, "apiGroups"):
        for resource in _strings(rule, "resources"):
            for verb in _strings(rule, "verbs"):
                base = {"apiGroups": [group], "resources": [resource], "verbs": [verb]}
                subrules.extend(
                    [{**base, "resourceNames": [name]} for name in names] if names else [base]
                )
    # Non-resource URLs combine with verbs only.
    for url in _strings(rule, "nonResourceURLs"):
        for verb in _strings(rule, "verbs"):
            subrules.append({"nonResourceURLs": [url], "verbs": [verb]})
    return subrules


def _has_all(owned: Sequence[str], wanted: Sequence[str]) -> bool:
    return all(item in owned for item in wanted)


def _resources_covered(owned: Sequence[str], wanted: Sequence[str]) -> bool:
    if _ALL in owned or _has_all(owned, wanted):
        return True
    for path in wanted:
        if path in owned:
            continue
        # `*/SUB` covers the subresource SUB of every resource; a plain resource needs itself.
        _, slash, subresource = path.partition("/")
        if not slash or f"*/{subresource}" not in owned:
            return False
    return True


def _url_covered(owned: str, wanted: str) -> bool:
    return owned == wanted or (owned.endswith("*") and wanted.startswith(owned.rstrip("*")))


def _covers(owner: Rule, sub: dict[str, list[str]]) -> bool:
    """ruleCovers: one owned rule allows everything one broken-down rule grants."""
    owned_verbs, owned_groups = _strings(owner, "verbs"), _strings(owner, "apiGroups")
    owned_names = _strings(owner, "resourceNames")
    wanted_names = sub.get("resourceNames", [])
    names_match = not owned_names or (bool(wanted_names) and _has_all(owned_names, wanted_names))
    return (
        (_ALL in owned_verbs or _has_all(owned_verbs, sub["verbs"]))
        and (_ALL in owned_groups or _has_all(owned_groups, sub.get("apiGroups", [])))
        and _resources_covered(_strings(owner, "resources"), sub.get("resources", []))
        and names_match
        and all(
            any(_url_covered(o, w) for o in _strings(owner, "nonResourceURLs"))
            for w in sub.get("nonResourceURLs", [])
        )
    )


def uncovered(owned: Sequence[Rule], granted: Sequence[Rule]) -> list[dict[str, list[str]]]:
    """Covers: the broken-down granted rules that no owned rule covers, in order."""
    return [
        sub
        for rule in granted
        for sub in _breakdown(rule)
        if not any(_covers(owner, sub) for owner in owned)
    ]


def _go_quoted(values: Sequence[str]) -> str:
    """Go's %q of a []string: `["a" "b"]`."""
    return (
        "["
        + " ".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
        + "]"
    )


def compact_strings(rules: Sequence[dict[str, list[str]]]) -> list[str]:
    """CompactRules (one rule per group/resource/name, verbs merged), each as CompactString,
    sorted as the refusal lists them."""
    simple: dict[tuple[str, str, tuple[str, ...]], dict[str, list[str]]] = {}
    compacted: list[dict[str, list[str]]] = []
    for rule in rules:
        if rule.get("nonResourceURLs"):
            compacted.append(rule)
            continue
        key = (rule["apiGroups"][0], rule["resources"][0], tuple(rule.get("resourceNames", [])))
        if key in simple:
            simple[key]["verbs"] = simple[key]["verbs"] + rule["verbs"]
        else:
            simple[key] = dict(rule)
    compacted.extend(simple.values())
    texts = set()
    for rule in compacted:
        parts = [
            f"{label}:{_go_quoted(rule[key])}"
            for key, label in (
                ("apiGroups", "APIGroups"),
                ("resources", "Resources"),
                ("nonResourceURLs", "NonResourceURLs"),
                ("resourceNames", "ResourceNames"),
                ("verbs", "Verbs"),
            )
            if rule.get(key)
        ]
        texts.add("{" + ", ".join(parts) + "}")
    return sorted(texts)
