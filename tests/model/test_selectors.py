"""Label and field selectors: grammar, matching, canonical text and kube-apiserver's messages."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pytest
from hypothesis import given
from hypothesis import strategies as st

from k9lite.model.names import (
    is_dns1035_label,
    is_dns1123_label,
    is_dns1123_subdomain,
    is_label_value,
    is_port_name,
    is_qualified_name,
    join_errors,
)
from k9lite.model.selectors import FieldSelector, LabelSelector, Requirement, SelectorError

# -- strategies ---------------------------------------------------------------------------------

_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


def _shaped(edges: str, inside: str) -> st.SearchStrategy[str]:
    """One edge character, or edge + inside* + edge: the shape of every Kubernetes name."""
    return st.builds(
        lambda first, middle, last: first + middle + last if last else first,
        st.sampled_from(edges),
        st.text(alphabet=inside, max_size=8),
        st.one_of(st.just(""), st.sampled_from(edges)),
    ).filter(lambda name: len(name) <= 63)


_dns_labels = _shaped(_LOWER_ALNUM, _LOWER_ALNUM + "-")
_names = _shaped(_ALNUM, _ALNUM + "-_.")
_keys = st.one_of(
    _names,
    st.builds(lambda prefix, name: f"{prefix}/{name}", _dns_labels, _names),
    st.sampled_from(["in", "notin", "app.kubernetes.io/name"]),
)
_values = st.one_of(st.just(""), _names, st.sampled_from(["in", "notin"]))


@st.composite
def _requirements(draw: st.DrawFn) -> Requirement:
    operator = draw(st.sampled_from(["=", "!=", "in", "notin", "exists", "!"]))
    key = draw(_keys)
    if operator in ("exists", "!"):
        return Requirement(key, operator)
    if operator in ("=", "!="):
        return Requirement(key, operator, (draw(_values),))
    values = draw(st.lists(_values, min_size=1, max_size=4, unique=True))
    return Requirement(key, operator, tuple(sorted(values)))


_selectors = st.lists(_requirements(), max_size=5).map(
    lambda requirements: LabelSelector(tuple(sorted(requirements, key=lambda r: r.key)))
)
_label_sets = st.dictionaries(_keys, _values, max_size=5)


def _restated_match(requirement: Requirement, labels: Mapping[str, str]) -> bool:
    """The documented meaning of each operator, written out once more, case by case."""
    present = requirement.key in labels
    value = labels.get(requirement.key)
    match requirement.operator:
        case "=":
            return present and value == requirement.values[0]
        case "!=":
            return not present or value != requirement.values[0]
        case "in":
            return present and value in requirement.values
        case "notin":
            return not present or value not in requirement.values
        case "exists":
            return present
        case _:
            return not present


# -- label selector parsing ---------------------------------------------------------------------


def test_parse_reads_every_operator_and_sorts_by_key() -> None:
    selector = LabelSelector.parse("z=b,c!=d,e in (y,x),f notin (z),g,!h,a==1")
    assert selector.requirements == (
        Requirement("a", "=", ("1",)),
        Requirement("c", "!=", ("d",)),
        Requirement("e", "in", ("x", "y")),
        Requirement("f", "notin", ("z",)),
        Requirement("g", "exists"),
        Requirement("h", "!"),
        Requirement("z", "=", ("b",)),
    )
    assert str(selector) == "a=1,c!=d,e in (x,y),f notin (z),g,!h,z=b"


@pytest.mark.parametrize("text", ["", "   ", "\t"])
def test_empty_text_selects_everything(text: str) -> None:
    selector = LabelSelector.parse(text)
    assert selector.empty
    assert selector.matches({}) and selector.matches({"a": "b"})


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("x in ()", ("",)),
        ("x in (,a)", ("", "a")),
        ("x in (a,)", ("", "a")),
        ("x in (a,,b)", ("", "a", "b")),
    ],
)
def test_empty_strings_are_values_in_a_set(text: str, values: tuple[str, ...]) -> None:
    assert LabelSelector.parse(text).requirements[0].values == values


def test_keywords_are_plain_words_where_keys_and_values_go() -> None:
    selector = LabelSelector.parse("in in (in,notin),notin=in")
    assert selector.requirements == (
        Requirement("in", "in", ("in", "notin")),
        Requirement("notin", "=", ("in",)),
    )


def test_exact_match_without_value_means_the_empty_value() -> None:
    selector = LabelSelector.parse("a=,b!=")
    assert selector.requirements == (Requirement("a", "=", ("",)), Requirement("b", "!=", ("",)))
    assert selector.matches({"a": "", "b": "x"})
    assert not selector.matches({"a": "x"})


_KEY_REGEX = "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "app:monolith",
            'unable to parse requirement: <nil>: Invalid value: "app:monolith": name part must '
            "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
            "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
            f"validation is {_KEY_REGEX})",
        ),
        ("a=b,", "found '', expected: identifier after ','"),
        ("a=b c", "found 'c', expected: ',' or 'end of string'"),
        ("!a=b", "found '=', expected: ',' or 'end of string'"),
        (",a", "found ',', expected: !, identifier, or 'end of string'"),
        ("a in b", "unable to parse requirement: found 'b' expected: '('"),
        ("a in (b", "unable to parse requirement: found '', expected: ',' or ')'"),
        ("a in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"),
        ("a (b)", "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"),
        ("a=(", "unable to parse requirement: found '(', expected: identifier"),
        ("!=a", "found '!=', expected: !, identifier, or 'end of string'"),
        ("! =a", "unable to parse requirement: found '=', expected: identifier"),
    ],
)
def test_parse_errors_carry_kube_apiserver_text(text: str, message: str) -> None:
    with pytest.raises(SelectorError) as error:
        LabelSelector.parse(text)
    assert str(error.value) == message


def test_parse_checks_values_with_their_sorted_index() -> None:
    with pytest.raises(SelectorError, match=re.escape('values[1][env]: Invalid value: "_x"')):
        LabelSelector.parse("env in (_x,-y)")
    with pytest.raises(SelectorError) as error:
        LabelSelector.parse("env in (_x,-y)")
    assert str(error.value).startswith("unable to parse requirement: [values[0][env]")


def test_gt_and_lt_are_refused_clearly() -> None:
    with pytest.raises(SelectorError, match="gt and lt operators are not supported"):
        LabelSelector.parse("replicas>1")


def test_requirement_rejects_unknown_operator() -> None:
    with pytest.raises(SelectorError, match='"gt" is not a valid label selector operator'):
        Requirement("a", "gt", ("1",))


@given(_selectors)
def test_canonical_text_parses_back_to_the_same_selector(selector: LabelSelector) -> None:
    assert LabelSelector.parse(str(selector)) == selector


@given(_selectors, _label_sets)
def test_matching_agrees_with_the_restated_rules(
    selector: LabelSelector, labels: dict[str, str]
) -> None:
    expected = all(_restated_match(r, labels) for r in selector.requirements)
    assert selector.matches(labels) == expected


@given(_requirements(), _label_sets)
def test_a_requirement_matches_labels_that_satisfy_it(
    requirement: Requirement, labels: dict[str, str]
) -> None:
    # Force the key's presence/value both ways, so each branch is reached often.
    if requirement.values:
        satisfied = {**labels, requirement.key: requirement.values[0]}
        assert requirement.matches(satisfied) == (requirement.operator in ("=", "in"))
    without = {k: v for k, v in labels.items() if k != requirement.key}
    assert requirement.matches(without) == (requirement.operator in ("!=", "notin", "!"))


# -- LabelSelector from API objects -------------------------------------------------------------


def test_from_label_selector_combines_labels_and_expressions() -> None:
    selector = LabelSelector.from_label_selector(
        {
            "matchLabels": {"app": "web"},
            "matchExpressions": [
                {"key": "tier", "operator": "In", "values": ["front", "back", "front"]},
                {"key": "env", "operator": "NotIn", "values": ["dev"]},
                {"key": "team", "operator": "Exists"},
                {"key": "legacy", "operator": "DoesNotExist"},
            ],
        }
    )
    assert str(selector) == "app=web,env notin (dev),!legacy,team,tier in (back,front)"
    assert selector.matches({"app": "web", "tier": "front", "team": "a"})
    assert not selector.matches({"app": "web", "tier": "front", "team": "a", "legacy": "1"})


@pytest.mark.parametrize("spec", [None, {}, {"matchLabels": {}}])
def test_from_label_selector_without_terms_selects_everything(
    spec: dict[str, object] | None,
) -> None:
    selector = LabelSelector.from_label_selector(spec)
    assert selector.empty and selector.matches({"x": "y"})


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            {"key": "a", "operator": "Gt", "values": ["1"]},
            '"Gt" is not a valid label selector operator',
        ),
        (
            {"key": "a", "operator": "In", "values": []},
            "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty",
        ),
        (
            {"key": "a", "operator": "Exists", "values": ["b", "a"]},
            'values: Invalid value: ["a","b"]: '
            "values set must be empty for exists and does not exist",
        ),
    ],
)
def test_from_label_selector_refuses_bad_expressions(
    expression: dict[str, object], message: str
) -> None:
    with pytest.raises(SelectorError) as error:
        LabelSelector.from_label_selector({"matchExpressions": [expression]})
    assert str(error.value) == message


def test_from_label_selector_checks_keys() -> None:
    with pytest.raises(SelectorError, match=re.escape('key: Invalid value: "bad key"')):
        LabelSelector.from_label_selector({"matchLabels": {"bad key": "x"}})


def test_service_selector_absent_or_empty_selects_nothing() -> None:
    # A Service without a selector has hand-managed endpoints: it selects no pods at all.
    assert LabelSelector.from_service_selector(None) is None
    assert LabelSelector.from_service_selector({}) is None
    selector = LabelSelector.from_service_selector({"tier": "web", "app": "my-app"})
    assert selector is not None
    assert str(selector) == "app=my-app,tier=web"
    assert selector.matches({"app": "my-app", "tier": "web", "pod-template-hash": "abc"})
    assert not selector.matches({"app": "my-app-2", "tier": "web"})


# -- name checks --------------------------------------------------------------------------------


@given(_dns_labels)
def test_dns1123_labels_are_accepted(name: str) -> None:
    assert is_dns1123_label(name) == []
    assert is_dns1123_subdomain(name) == []


@given(st.text(max_size=70))
def test_dns1123_label_check_agrees_with_the_rfc_shape(name: str) -> None:
    shaped = re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", name) is not None and len(name) <= 63
    assert (is_dns1123_label(name) == []) == shaped


@given(st.text(alphabet="ab-.0", max_size=12))
def test_dns1035_label_needs_a_leading_letter(name: str) -> None:
    shaped = re.fullmatch(r"[a-z]([-a-z0-9]*[a-z0-9])?", name) is not None
    assert (is_dns1035_label(name) == []) == shaped


@given(st.lists(_dns_labels, min_size=1, max_size=4))
def test_dotted_labels_are_subdomains_but_not_labels(labels: list[str]) -> None:
    name = ".".join(labels)
    assert is_dns1123_subdomain(name) == []
    assert (is_dns1123_label(name) == ["must not contain dots"]) == (len(labels) > 1)


def test_name_messages_are_kube_apiserver_text() -> None:
    assert is_dns1123_subdomain("My_Name") == [
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
        "or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "
        "regex used for validation is "
        r"'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    ]
    assert is_dns1035_label("1abc") == [
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with "
        "an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
        "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
    ]
    assert is_dns1123_label("a" * 64) == ["must be no more than 63 characters"]
    assert is_dns1123_label("a\n") != []


@given(_keys)
def test_generated_keys_are_qualified_names(key: str) -> None:
    assert is_qualified_name(key) == []


@pytest.mark.parametrize(
    ("key", "first_error"),
    [
        ("/a", "prefix part must be non-empty"),
        ("a/", "name part must be non-empty"),
        ("Example.com/a", "prefix part a lowercase RFC 1123 subdomain"),
        ("a/b/c", "a qualified name must consist of"),
        ("-a", "name part must consist of"),
        ("a" * 64, "name part must be no more than 63 characters"),
    ],
)
def test_bad_qualified_names(key: str, first_error: str) -> None:
    assert is_qualified_name(key)[0].startswith(first_error)


@given(_values)
def test_generated_values_are_label_values(value: str) -> None:
    assert is_label_value(value) == []


@pytest.mark.parametrize("value", ["-a", "a-", "a b", "a/b", "x" * 64])
def test_bad_label_values(value: str) -> None:
    assert is_label_value(value) != []


@pytest.mark.parametrize(
    ("name", "errors"),
    [
        ("http", []),
        ("web-8080", []),
        ("8080", ["must contain at least one letter (a-z)"]),
        ("a--b", ["must not contain consecutive hyphens"]),
        ("-ab", ["must not begin or end with a hyphen"]),
        (
            "HTTP",
            [
                "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                "must contain at least one letter (a-z)",
            ],
        ),
        ("abcdefghijklmnop", ["must be no more than 15 characters"]),
    ],
)
def test_port_names(name: str, errors: list[str]) -> None:
    assert is_port_name(name) == errors


def test_join_errors_deduplicates_and_brackets_several() -> None:
    assert join_errors(["a"]) == "a"
    assert join_errors(["a", "b", "a"]) == "[a, b]"


# -- field selectors ----------------------------------------------------------------------------

_POD = {
    "metadata": {"name": "web-1", "namespace": "default"},
    "spec": {"nodeName": "", "hostNetwork": False, "priority": 0},
    "status": {"phase": "Running"},
}


def test_field_selector_parses_and_matches() -> None:
    selector = FieldSelector.parse("status.phase==Running,metadata.name=web-1,spec.nodeName!=")
    assert selector.requirements == (
        ("metadata.name", "=", "web-1"),
        ("spec.nodeName", "!=", ""),
        ("status.phase", "=", "Running"),
    )
    assert not selector.matches(_POD)
    assert selector.matches({**_POD, "spec": {"nodeName": "node1"}})


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("spec.missing=", True),
        ("spec.missing.deeper=", True),
        ("metadata.name.deeper=", True),
        ("spec.hostNetwork=false", True),
        ("spec.priority=0", True),
        ("spec.priority!=0", False),
        ("", True),
    ],
)
def test_field_values_read_as_strings(text: str, matches: bool) -> None:
    assert FieldSelector.parse(text).matches(_POD) is matches


def test_field_selector_escapes() -> None:
    selector = FieldSelector.parse(r"metadata.name=a\,b\=c\\d")
    assert selector.requirements == (("metadata.name", "=", "a,b=c\\d"),)
    assert FieldSelector.parse(str(selector)) == selector


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("metadata.name", "invalid selector: 'metadata.name'; can't understand 'metadata.name'"),
        (r"a=b\x", r"invalid field selector: invalid escape sequence: \x"),
        ("a=b\\", "invalid field selector: invalid escape sequence: \\"),
        ("a=b=c", "invalid field selector: unescaped character in value: 61"),
    ],
)
def test_field_selector_errors(text: str, message: str) -> None:
    with pytest.raises(SelectorError) as error:
        FieldSelector.parse(text)
    assert str(error.value) == message


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a.b", "c", "d.e.f"]),
            st.sampled_from(["=", "!="]),
            st.text(max_size=6),
        ),
        max_size=4,
    )
)
def test_field_selector_text_round_trips(terms: list[tuple[str, str, str]]) -> None:
    selector = FieldSelector(tuple(terms))
    assert FieldSelector.parse(str(selector)).matches({}) == selector.matches({})
    assert sorted(FieldSelector.parse(str(selector)).requirements) == sorted(terms)
