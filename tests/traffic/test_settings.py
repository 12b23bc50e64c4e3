"""The traffic screen's settings: checked a field at a time, read back as the command."""

from __future__ import annotations

import shlex

import pytest

from k9lite.traffic.settings import ProbeSettings, TypedSetting, check_field, cycled


def test_the_settings_read_as_the_command_that_reproduces_them() -> None:
    settings = ProbeSettings("svc", "default")
    assert settings.command() == "k9lite probe -n default svc --via proxy --count 100"
    settings = (
        ProbeSettings("svc", "default", via="nodeport", node="worker2", keepalive=True)
        .with_field("count", "500")
        .with_field("concurrency", "8")
        .with_field("match", r"I am (\S+)")
    )
    assert shlex.split(settings.command()) == [
        "k9lite", "probe", "-n", "default", "svc", "--via", "nodeport", "--node", "worker2",
        "--count", "500", "--concurrency", "8", "--keepalive", "--match", r"I am (\S+)",
    ]  # fmt: skip
    request = settings.request()
    assert (request.node, request.options.count, request.options.keepalive) == (
        "worker2",
        500,
        True,
    )


def test_a_node_matters_only_through_a_nodeport() -> None:
    settings = ProbeSettings("svc", "default", via="proxy", node="worker2")
    assert "--node" not in settings.command() and settings.request().node is None


def test_a_url_switches_the_way_in_to_it() -> None:
    settings = ProbeSettings("svc", "default").with_field("url", "http://127.0.0.1:18080/")
    assert settings.via == "url" and "--url http://127.0.0.1:18080/" in settings.command()


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("count", "0"),
        ("count", "100001"),
        ("count", "1e3"),
        ("concurrency", "65"),
        ("interval", "-1"),
        ("interval", "soon"),
        ("match", "no group"),
        ("match", "(unclosed"),
        ("url", "ftp://host/"),
        ("url", "http://host:70000/"),
        ("url", "no scheme"),
    ],
)
def test_bad_values_are_one_line_and_change_nothing(field: TypedSetting, text: str) -> None:
    problem = check_field(field, text)
    assert problem is not None and "\n" not in problem
    with pytest.raises(ValueError):
        ProbeSettings("svc", "default").with_field(field, text)


def test_cycled_goes_round_and_starts_over_on_an_unknown_value() -> None:
    assert [cycled(["a", "b", "c"], x) for x in ("a", "c", "z")] == ["b", "a", "a"]
