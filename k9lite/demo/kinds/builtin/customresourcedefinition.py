"""apiextensions.k8s.io/v1 CustomResourceDefinition (apiextensions-apiserver's
pkg/registry/customresourcedefinition/strategy.go).

A CRD is established as it is written: the status the naming and establishing controllers
would set (NamesAccepted, Established, acceptedNames) is filled in by the strategy, so its
resource is served at once. Printed with the generic table (NAME, CREATED AT), as the real one.
"""

from collections.abc import Mapping
from typing import Any

from k9lite.demo.kinds.strategy import Strategy
from k9lite.demo.resources import ResourceType
from k9lite.demo.validation import Checker

_GROUP = "apiextensions.k8s.io"


def defaults(crd: dict[str, Any]) -> None:
    """SetDefaults_CustomResourceDefinitionSpec: singular, listKind and the conversion."""
    spec = crd.setdefault("spec", {})
    if not isinstance(spec, dict):
        return
    names = spec.get("names")
    if isinstance(names, dict) and isinstance(names.get("kind"), str):
        names.setdefault("singular", names["kind"].lower())
        names.setdefault("listKind", f"{names['kind']}List")
    spec.setdefault("conversion", {"strategy": "None"})


def rules(check: Checker, crd: Mapping[str, Any], old: Mapping[str, Any] | None) -> None:
    """The parts of ValidateCustomResourceDefinition that decide what is served."""
    spec = check.mapping(crd, "spec", "spec")
    group = check.text(spec, "group", "spec.group")
    if not group:
        check.required("spec.group")
    elif "." not in group:
        check.invalid("spec.group", group, "should be a domain with at least one dot")
    names = check.mapping(spec, "names", "spec.names")
    plural = check.text(names, "plural", "spec.names.plural")
    for key in ("plural", "kind"):
        if not names.get(key):
            check.required(f"spec.names.{key}")
    name = str((crd.get("metadata") or {}).get("name", ""))
    if plural and group and name != f"{plural}.{group}":
        check.invalid("metadata.name", name, 'must be spec.names.plural+"."+spec.group')
    scope = check.text(spec, "scope", "spec.scope")
    check.one_of("spec.scope", scope, ("Cluster", "Namespaced"))
    versions = check.objects(spec, "versions", "spec.versions")
    if sum(1 for version in versions if version.get("storage")) != 1:
        check.invalid(
            "spec.versions", versions, "must have exactly one version marked as storage version"
        )
    if old is not None and spec.get("scope") != (old.get("spec") or {}).get("scope"):
        check.invalid("spec.scope", spec.get("scope"), "field is immutable")


def _condition(kind: str, reason: str, message: str, since: str) -> dict[str, str]:
    return {
        "type": kind,
        "status": "True",
        "lastTransitionTime": since,
        "reason": reason,
        "message": message,
    }


def prepare(crd: dict[str, Any], old: Mapping[str, Any] | None) -> None:
    """What the naming and establishing controllers write: names accepted, resource served."""
    spec = crd.get("spec") or {}
    since = crd["metadata"]["creationTimestamp"]
    storage = [v.get("name") for v in spec.get("versions") or [] if v.get("storage")]
    stored_versions = list((old or {}).get("status", {}).get("storedVersions") or [])
    crd["status"] = {
        "conditions": [
            _condition("NamesAccepted", "NoConflicts", "no conflicts found", since),
            _condition(
                "Established", "InitialNamesAccepted", "the initial names have been accepted", since
            ),
        ],
        "acceptedNames": dict(spec.get("names") or {}),
        "storedVersions": list(dict.fromkeys(stored_versions + storage)),
    }


STRATEGY = Strategy(
    ResourceType(
        _GROUP,
        "v1",
        "CustomResourceDefinition",
        "customresourcedefinitions",
        False,
        ("crd", "crds"),
        ("api-extensions",),
        ("status",),
    ),
    defaults=defaults,
    rules=rules,
    prepare=prepare,
    counts_generation=True,
)
