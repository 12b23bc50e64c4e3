"""Deployments and ReplicaSets: selector, pod template, rollout strategy, immutable selector."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from k9lite.demo.validation.checker import Cause, Checker, Rules, render
from k9lite.demo.validation.pods import validate_pod_spec
from k9lite.model.names import is_label_value, is_qualified_name, regex_error
from k9lite.model.selectors import LabelSelector, SelectorError

__all__ = ["replicated_rules"]

_IMMUTABLE = "field is immutable"
_PERCENT_ERROR = regex_error(
    "a valid percent string must be a numeric string followed by an ending '%'",
    "[0-9]+%",
    "1%",
    "93%",
)


def _label_selector(check: Checker, spec: Mapping[str, Any], field: str) -> LabelSelector | None:
    """ValidateLabelSelector, then the selector itself; None when it has errors or is absent."""
    if spec.get("selector") is None:
        check.required(field)
        return None
    selector = check.mapping(spec, "selector", field)
    causes_before = len(check.causes)
    match_labels = check.string_map(selector, "matchLabels", f"{field}.matchLabels")
    check.labels(match_labels, f"{field}.matchLabels")
    expressions = check.objects(selector, "matchExpressions", f"{field}.matchExpressions")
    for index, expression in enumerate(expressions):
        at = f"{field}.matchExpressions[{index}]"
        operator = check.text(expression, "operator", f"{at}.operator")
        values = expression.get("values") or []
        if operator in ("In", "NotIn"):
            if not values:
                check.required(
                    f"{at}.values", "must be specified when `operator` is 'In' or 'NotIn'"
                )
        elif operator in ("Exists", "DoesNotExist"):
            if values:
                check.forbidden(
                    f"{at}.values",
                    "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                )
        else:
            check.invalid(f"{at}.operator", operator, "not a valid selector operator")
        key = check.text(expression, "key", f"{at}.key")
        check.each_invalid(f"{at}.key", key, is_qualified_name(key))
        for value_index, value in enumerate(values):
            check.each_invalid(f"{at}.values[{value_index}]", value, is_label_value(str(value)))
    # Any error above also makes LabelSelectorAsSelector fail, which is reported on its own.
    broken = len(check.causes) > causes_before
    if not selector.get("matchLabels") and not selector.get("matchExpressions"):
        check.invalid(field, selector, "empty selector is invalid for deployment")
    if not broken:
        try:
            return LabelSelector.from_label_selector(selector)
        except SelectorError:
            pass
    check.invalid(field, selector, "invalid label selector")
    return None


def _int_or_percent(check: Checker, rolling: Mapping[str, Any], key: str, field: str) -> int:
    """A positive int or "N%" (IsValidPercent); returns the number for the both-zero rule."""
    value = rolling.get(key)
    if isinstance(value, str):
        if not (value.endswith("%") and value[:-1].isdigit() and value[:-1].isascii()):
            check.invalid(field, value, _PERCENT_ERROR)
            return -1
        return int(value[:-1])
    return check.non_negative(rolling, key, field) or 0


def _deployment_strategy(check: Checker, spec: Mapping[str, Any]) -> None:
    strategy = check.mapping(spec, "strategy", "spec.strategy")
    strategy_type = check.text(strategy, "type", "spec.strategy.type")
    rolling = strategy.get("rollingUpdate")
    if strategy_type == "Recreate":
        if rolling is not None:
            check.forbidden(
                "spec.strategy.rollingUpdate",
                "may not be specified when strategy `type` is 'Recreate'",
            )
    elif strategy_type == "RollingUpdate":
        rolling_update = check.mapping(strategy, "rollingUpdate", "spec.strategy.rollingUpdate")
        at = "spec.strategy.rollingUpdate"
        unavailable = _int_or_percent(
            check, rolling_update, "maxUnavailable", f"{at}.maxUnavailable"
        )
        surge = _int_or_percent(check, rolling_update, "maxSurge", f"{at}.maxSurge")
        if unavailable == 0 and surge == 0:
            check.invalid(
                f"{at}.maxUnavailable",
                rolling_update.get("maxUnavailable"),
                "may not be 0 when `maxSurge` is 0",
            )
        if isinstance(rolling_update.get("maxUnavailable"), str) and unavailable > 100:
            check.invalid(
                f"{at}.maxUnavailable",
                rolling_update["maxUnavailable"],
                "must not be greater than 100%",
            )
    else:
        check.causes.append(
            Cause(
                "spec.strategy",
                f'Unsupported value: {render(strategy)}: supported values: "Recreate", '
                '"RollingUpdate"',
                "FieldValueNotSupported",
            )
        )


def replicated_rules(deployment: bool) -> Rules:
    """ValidateDeploymentSpec or ValidateReplicaSetSpec, plus apps/v1 selector immutability."""

    def rules(check: Checker, obj: Mapping[str, Any], old: Mapping[str, Any] | None) -> None:
        spec = check.mapping(obj, "spec", "spec")
        check.non_negative(spec, "replicas", "spec.replicas")
        min_ready = check.non_negative(spec, "minReadySeconds", "spec.minReadySeconds") or 0
        has_selector = spec.get("selector") is not None
        selector = _label_selector(check, spec, "spec.selector")
        template = check.mapping(spec, "template", "spec.template")
        template_meta = check.mapping(template, "metadata", "spec.template.metadata")
        template_labels = check.string_map(template_meta, "labels", "spec.template.labels")
        # A missing selector selects nothing (labels.Nothing), so it cannot match either.
        if not has_selector or (selector is not None and not selector.matches(template_labels)):
            check.invalid(
                "spec.template.metadata.labels",
                template_labels,
                "`selector` does not match template `labels`",
            )
        # Sic: ValidatePodTemplateSpec reports template labels without `.metadata`.
        check.labels(template_labels, "spec.template.labels")
        check.annotations(template_meta, "spec.template.annotations")
        template_spec = check.mapping(template, "spec", "spec.template.spec")
        validate_pod_spec(check, template_spec, "spec.template.spec")
        restart = template_spec.get("restartPolicy")
        if restart and restart != "Always":
            check.causes.append(
                Cause(
                    "spec.template.spec.restartPolicy",
                    f'Unsupported value: {render(restart)}: supported values: "Always"',
                    "FieldValueNotSupported",
                )
            )
        if deployment:
            _deployment_strategy(check, spec)
            check.non_negative(spec, "revisionHistoryLimit", "spec.revisionHistoryLimit")
            deadline = check.non_negative(
                spec, "progressDeadlineSeconds", "spec.progressDeadlineSeconds"
            )
            if deadline is not None and deadline <= min_ready:
                check.invalid(
                    "spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds"
                )
        if old is not None:
            old_selector = (old.get("spec") or {}).get("selector")
            if _normalized_selector(spec.get("selector")) != _normalized_selector(old_selector):
                check.invalid("spec.selector", spec.get("selector"), _IMMUTABLE)

    return rules


def _normalized_selector(selector: Any) -> Any:
    # Semantic equality: an empty matchLabels or matchExpressions is the same as none.
    if not isinstance(selector, dict):
        return selector
    return {key: value for key, value in selector.items() if value not in (None, {}, [])}
