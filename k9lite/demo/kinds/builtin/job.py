"""batch/v1 Job (pkg/registry/batch/job/strategy.go), stored without a controller.

On create the strategy generates the selector and labels its pod template with the Job's uid
(generateSelector), unless `manualSelector`. Columns: printers.go jobColumnDefinitions and
printJob (STATUS from the conditions, COMPLETIONS succeeded/wanted, DURATION from startTime).
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from k9lite.demo.defaults import default_template, spec_of
from k9lite.demo.kinds.strategy import Strategy
from k9lite.demo.resources import ResourceType
from k9lite.demo.tables import Printer
from k9lite.demo.tables.cells import (
    Obj,
    age_cell,
    layout_containers,
    lookup,
    name_cell,
    selector_cell,
)
from k9lite.demo.tables.columns import (
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    NAME_COLUMN,
    Column,
)
from k9lite.demo.tables.durations import human_duration, parse_time
from k9lite.demo.validation import Checker

COLUMNS = (
    NAME_COLUMN,
    Column("Status", "Status of the job."),
    Column(
        "Completions",
        "The number of pods which reached phase Succeeded. The value increases monotonically for "
        "a given spec. However, it may decrease in reaction to scale down of elastic indexed "
        "jobs.",
    ),
    Column("Duration", "Time required to complete the job."),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    Column(
        "Selector",
        "A label query over pods that should match the pod count. Normally, the system sets "
        "this field for you. More info: "
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
        priority=1,
    ),
)
# The first condition found, in printJob's order, names the STATUS.
_STATUS_CONDITIONS = (("Complete", "Complete"), ("Failed", "Failed"))
_LATE_STATUS_CONDITIONS = (("Suspended", "Suspended"), ("FailureTarget", "FailureTarget"))


def _has_condition(job: Obj, condition_type: str) -> bool:
    return any(
        c.get("type") == condition_type and c.get("status") == "True"
        for c in lookup(job, "status", "conditions") or []
        if isinstance(c, dict)
    )


def _status(job: Obj) -> str:
    for condition_type, status in _STATUS_CONDITIONS:
        if _has_condition(job, condition_type):
            return status
    if lookup(job, "metadata", "deletionTimestamp"):
        return "Terminating"
    for condition_type, status in _LATE_STATUS_CONDITIONS:
        if _has_condition(job, condition_type):
            return status
    return "Running"


def _completions(spec: Obj, succeeded: int) -> str:
    if spec.get("completions") is not None:
        return f"{succeeded}/{int(spec['completions'])}"
    parallelism = int(spec.get("parallelism") or 0)
    return f"{succeeded}/1 of {parallelism}" if parallelism > 1 else f"{succeeded}/1"


def _duration(status: Obj, now: datetime) -> str:
    started = parse_time(status.get("startTime"), "status.startTime")
    if started is None:
        return ""
    completed = parse_time(status.get("completionTime"), "status.completionTime")
    return human_duration((completed or now) - started)


def cells(job: Obj, now: datetime) -> list[Any]:
    spec, status = job.get("spec") or {}, job.get("status") or {}
    return [
        name_cell(job),
        _status(job),
        _completions(spec, int(status.get("succeeded", 0))),
        _duration(status, now),
        age_cell(job, now),
        *layout_containers(lookup(spec, "template", "spec")),
        selector_cell(spec.get("selector")),
    ]


def defaults(job: dict[str, Any]) -> None:
    """SetDefaults_Job: one pod, six retries, NonIndexed, not suspended."""
    spec = spec_of(job)
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
    spec.setdefault("parallelism", 1)
    spec.setdefault("backoffLimit", 6)
    spec.setdefault("completionMode", "NonIndexed")
    spec.setdefault("suspend", False)
    if spec.get("podFailurePolicy") is None:
        spec.setdefault("podReplacementPolicy", "TerminatingOrFailed")
    default_template(spec)


def prepare(job: dict[str, Any], old: Mapping[str, Any] | None) -> None:
    """generateSelector on create: the pods of a Job are those labelled with its uid."""
    spec = job.get("spec")
    if old is not None or not isinstance(spec, dict) or spec.get("manualSelector"):
        return
    meta = job["metadata"]
    uid, name = meta["uid"], meta.get("name", "")
    generated = {
        "batch.kubernetes.io/controller-uid": uid,
        "batch.kubernetes.io/job-name": name,
        "controller-uid": uid,
        "job-name": name,
    }
    template = spec.setdefault("template", {})
    if isinstance(template, dict):
        template_meta = template.setdefault("metadata", {})
        if isinstance(template_meta, dict):
            template_meta["labels"] = {**(template_meta.get("labels") or {}), **generated}
            # As defaulting writes it (default_template): made here, after defaulting, it would
            # otherwise appear at the Job's next write only.
            template_meta.setdefault("creationTimestamp", None)
    spec.setdefault("selector", {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}})


def rules(check: Checker, job: Mapping[str, Any], old: Mapping[str, Any] | None) -> None:
    """The part of ValidateJobSpec a Job created with kubectl meets first: its restartPolicy."""
    template_spec = (job.get("spec") or {}).get("template", {}).get("spec") or {}
    check.one_of(
        "spec.template.spec.restartPolicy",
        str(template_spec.get("restartPolicy", "")),
        ("OnFailure", "Never"),
    )


STRATEGY = Strategy(
    ResourceType("batch", "v1", "Job", "jobs", True, (), ("all",), ("status",)),
    printer=Printer(COLUMNS, cells),
    defaults=defaults,
    rules=rules,
    prepare=prepare,
    counts_generation=True,
)
