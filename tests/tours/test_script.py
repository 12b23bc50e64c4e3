"""Tour files: the default tour is whole, a presenter's own file runs, a bad one is one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from k9lite.demo.scenarios import SCENARIOS
from k9lite.kinds.registry import find
from k9lite.tours.script import TourFileError, load_tour


def test_the_default_tour_walks_the_walkthroughs() -> None:
    tour = load_tour()
    assert tour.scenarios == ("empty",)
    assert [s.applied for s in tour.steps if s.applied] == ["w2", "w3", "w5", "w6"]
    assert all(1 <= len(s.say) <= 4 and find(s.view) for s in tour.steps)
    assert {s.open for s in tour.steps} == {None, "route", "traffic", "describe"}
    assert [s.probe for s in tour.steps if s.probe] == ["clusterip", "nodeport"]
    fix = next(s for s in tour.steps if s.patch is not None)
    assert fix.patch is not None and fix.patch.body == {"spec": {"selector": {"app": "my-app"}}}


def test_a_presenters_file_applies_its_own_manifest(tmp_path: Path) -> None:
    (tmp_path / "web.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}}\n"
    )
    tour_file = tmp_path / "talk.yaml"
    tour_file.write_text(
        "title: My talk\nscenarios: [w1]\nsteps:\n"
        "  - {title: Mine, say: My words, apply: web.yaml, view: svc, select: web, open: route}\n"
        "  - {title: Curl, view: svc, select: web, open: traffic, probe: true}\n"
    )
    tour = load_tour(tour_file)
    assert tour.title == "My talk" and tour.scenarios == ("w1",)
    assert [o["metadata"]["name"] for o in tour.steps[0].apply] == ["web"]
    assert tour.steps[1].probe == "proxy"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("steps: [", "not valid YAML (line 1)"),
        ("- a list", "expected a mapping with title and steps"),
        ("title: t\nsteps: []", "'steps' must be a non-empty list"),
        ("scenarios: [w9]\nsteps: [{title: a}]", "'scenarios' must be a list of default"),
        ("steps: [{say: hello}]", "step 1: 'title' must be a non-empty text"),
        ("steps: [{title: a, colour: red}]", "step 1: unknown key 'colour'"),
        ("steps: [{title: a, view: no}]", "step 1: unknown view False"),
        ("steps: [{title: a, view: things}]", "step 1: unknown view 'things'"),
        ('steps: [{title: a, say: "1\\n2\\n3\\n4\\n5"}]', "'say' has 5 lines; at most 4"),
        ("steps: [{title: a, open: route}]", "'open: route' needs 'select: SERVICE'"),
        ("steps: [{title: a, open: logs, select: s}]", "'open' must be one of describe"),
        ("steps: [{title: a, probe: url}]", "'probe' is true or a way in"),
        ("steps: [{title: a, apply: w9}]", "'apply: w9' is neither a scenario"),
        ("steps: [{title: a, apply: gone.yaml}]", "'apply: gone.yaml' cannot be read"),
        ("steps: [{title: a, patch: {object: pod/x, merge: {}}}]", "'patch: object' must be"),
        ("steps: [{title: a, patch: {object: svc/x}}]", "'patch' needs exactly"),
    ],
)
def test_a_bad_tour_file_is_one_line_naming_it(tmp_path: Path, text: str, problem: str) -> None:
    tour_file = tmp_path / "bad.yaml"
    tour_file.write_text(text)
    with pytest.raises(TourFileError) as caught:
        load_tour(tour_file)
    message = str(caught.value)
    assert message.startswith(f"tour file {tour_file}") and "\n" not in message
    assert problem in message, message


def test_every_scenario_has_a_one_line_description() -> None:
    from k9lite.demo.scenarios import descriptions

    lines = descriptions()
    assert list(lines) == list(SCENARIOS)
    assert all(0 < len(f"{name:<8} {line}") <= 80 for name, line in lines.items())
