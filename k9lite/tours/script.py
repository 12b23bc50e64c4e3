"""A tour file read into steps: what to say, what to change in the cluster, what to show.

    title: The walkthroughs in two minutes
    scenarios: [empty]              # what the demo cluster holds when the tour starts
    steps:
      - title: A Deployment makes Pods
        say: |                      # 1-4 short lines for the audience
          ...
        apply: w2                   # a bundled scenario, or a YAML file next to the tour
        patch: {object: service/my-service, merge: {spec: {selector: {app: my-app}}}}
        view: svc                   # a `:` command: pods, deploy, svc, no, ns
        select: my-service          # the row under the cursor (in the default namespace)
        open: describe              # describe, route or traffic
        probe: nodeport             # with open: traffic, start the requests this way in
                                    # (true: through the API server's proxy)

Every problem is a TourFileError whose message names the file and, when it can, the step.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources as package_files
from pathlib import Path
from typing import Any, Literal

import yaml

from k9lite.demo.scenarios import SCENARIOS, manifests
from k9lite.kinds.registry import find
from k9lite.traffic.vantage import Via

__all__ = ["DEFAULT_TOUR", "MergePatch", "Step", "Tour", "TourFileError", "load_tour"]

DEFAULT_TOUR = "default.yaml"
"""The tour `k9lite tour` runs without FILE, shipped in the k9lite.tours package."""

Opening = Literal["describe", "route", "traffic"]
_OPENINGS: tuple[Opening, ...] = ("describe", "route", "traffic")
# The ways in a tour may start requests by; a URL is the presenter's own, not the demo's.
_WAYS_IN: tuple[Via, ...] = ("proxy", "clusterip", "nodeport", "loadbalancer")
_STEP_KEYS = frozenset(("title", "say", "apply", "patch", "view", "select", "open", "probe"))
_MAX_SAY_LINES = 4
# What `object: KIND/NAME` may name, kubectl's short names included.
_PATCH_KINDS = {
    "service": "services", "svc": "services", "deployment": "deployments",
    "deploy": "deployments", "ingress": "ingresses", "ing": "ingresses",
}  # fmt: skip


class TourFileError(ValueError):
    """A tour file that cannot be run; the message is the one line the user sees."""


@dataclass(frozen=True, slots=True)
class MergePatch:
    """A JSON merge patch of one object (`kubectl patch --type merge`)."""

    kind: str
    """The API plural: services, deployments, ingresses."""
    name: str
    body: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Step:
    """One stop of the tour: the narration, then the cluster changes, then the screen."""

    title: str
    say: tuple[str, ...]
    apply: tuple[dict[str, Any], ...] = ()
    """The manifests' objects, created or updated as `kubectl apply` would."""
    applied: str = ""
    """What `apply` named (a scenario or a file), for the messages about it."""
    patch: MergePatch | None = None
    view: str = ""
    select: str = ""
    open: Opening | None = None
    probe: Via | None = None
    """The way in of the requests the step starts; None: no requests."""

    @property
    def changes_cluster(self) -> bool:
        return bool(self.apply) or self.patch is not None


@dataclass(frozen=True, slots=True)
class Tour:
    """A whole tour: its title, the scenarios its cluster starts with, and its steps."""

    title: str
    scenarios: tuple[str, ...]
    steps: tuple[Step, ...]
    source: str


def load_tour(path: Path | None = None) -> Tour:
    """The tour in `path` (the bundled default tour when None); TourFileError when unusable."""
    if path is None:
        text = package_files.files("k9lite.tours").joinpath(DEFAULT_TOUR).read_text()
        return _parse(text, DEFAULT_TOUR, None)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise TourFileError(f"tour file {path}: cannot be read: {reason}") from None
    return _parse(text, str(path), path.parent)


def _parse(text: str, source: str, folder: Path | None) -> Tour:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not YAML"
        raise TourFileError(f"tour file {source}: not valid YAML{where}: {problem}") from None
    if not isinstance(document, dict):
        raise TourFileError(f"tour file {source}: expected a mapping with title and steps")
    raw_steps = document.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise TourFileError(f"tour file {source}: 'steps' must be a non-empty list")
    scenarios = document.get("scenarios", ["empty"])
    if not isinstance(scenarios, list) or any(s not in SCENARIOS for s in scenarios):
        raise TourFileError(
            f"tour file {source}: 'scenarios' must be a list of {', '.join(SCENARIOS)}"
        )
    steps = tuple(
        _step(raw, number, source, folder) for number, raw in enumerate(raw_steps, start=1)
    )
    return Tour(str(document.get("title", "k9lite tour")), tuple(scenarios), steps, source)


def _step(raw: Any, number: int, source: str, folder: Path | None) -> Step:
    where = f"tour file {source}, step {number}"
    if not isinstance(raw, dict):
        raise TourFileError(f"{where}: expected a mapping (title, say, ...)")
    unknown = sorted(set(raw) - _STEP_KEYS)
    if unknown:
        raise TourFileError(
            f"{where}: unknown key {unknown[0]!r}; use {', '.join(sorted(_STEP_KEYS))}"
        )
    title, say = raw.get("title"), raw.get("say", "")
    if not isinstance(title, str) or not title.strip():
        raise TourFileError(f"{where}: 'title' must be a non-empty text")
    if not isinstance(say, str):
        raise TourFileError(f"{where}: 'say' must be a text")
    lines = tuple(line for line in say.strip().splitlines() if line.strip())
    if len(lines) > _MAX_SAY_LINES:
        raise TourFileError(f"{where}: 'say' has {len(lines)} lines; at most {_MAX_SAY_LINES}")
    view = raw.get("view", "")
    # YAML reads a bare `no` as false: `view: nodes` (or "no", quoted) names the Nodes.
    if not isinstance(view, str) or (view and find(view) is None):
        raise TourFileError(f"{where}: unknown view {view!r}; use pods, deploy, svc, no or ns")
    opening = raw.get("open")
    if opening is not None and opening not in _OPENINGS:
        raise TourFileError(f"{where}: 'open' must be one of {', '.join(_OPENINGS)}")
    select = raw.get("select", "")
    if opening is not None and not select:
        raise TourFileError(f"{where}: 'open: {opening}' needs 'select: SERVICE'")
    probe = raw.get("probe", False)
    if probe is True:
        probe = "proxy"
    if probe is not False and (probe not in _WAYS_IN or opening != "traffic"):
        raise TourFileError(
            f"{where}: 'probe' is true or a way in ({', '.join(_WAYS_IN)}), with 'open: traffic'"
        )
    applied = raw.get("apply", "")
    return Step(
        title=title.strip(),
        say=lines,
        apply=_manifests(applied, where, folder) if applied else (),
        applied=str(applied),
        patch=_patch(raw["patch"], where) if "patch" in raw else None,
        view=view,
        select=str(select),
        open=opening,
        probe=probe or None,
    )


def _manifests(name: Any, where: str, folder: Path | None) -> tuple[dict[str, Any], ...]:
    """A bundled scenario's objects, or those of a YAML file beside the tour file."""
    if not isinstance(name, str):
        raise TourFileError(f"{where}: 'apply' names a scenario or a YAML file")
    if name in SCENARIOS:
        return tuple(manifests(name))
    if folder is None or not name.endswith((".yaml", ".yml")):
        raise TourFileError(
            f"{where}: 'apply: {name}' is neither a scenario ({', '.join(SCENARIOS)}) "
            "nor a .yaml file next to the tour file"
        )
    path = folder / name
    try:
        documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TourFileError(f"{where}: 'apply: {name}' cannot be read: {exc}") from None
    objects = tuple(doc for doc in documents if doc)
    for obj in objects:
        if not isinstance(obj, dict) or not obj.get("kind") or not obj.get("metadata"):
            raise TourFileError(f"{where}: {name} holds something that is not an object")
    return objects


def _patch(raw: Any, where: str) -> MergePatch:
    if not isinstance(raw, dict) or set(raw) != {"object", "merge"}:
        raise TourFileError(f"{where}: 'patch' needs exactly 'object: KIND/NAME' and 'merge'")
    kind, _, name = str(raw["object"]).partition("/")
    if kind.lower() not in _PATCH_KINDS or not name:
        raise TourFileError(
            f"{where}: 'patch: object' must be service/NAME, deployment/NAME or ingress/NAME"
        )
    if not isinstance(raw["merge"], dict):
        raise TourFileError(f"{where}: 'patch: merge' must be a mapping")
    return MergePatch(_PATCH_KINDS[kind.lower()], name, raw["merge"])
