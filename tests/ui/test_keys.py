"""Keys are declared once (ui/keys.py, and each screen's own Keymap): the footer, the help
screen, the command palette, the key lines and README all show every declared key.

Read off the composed screen at 120x35 (tests/ui/screen.py), on the fixed scenario of
tests/ui/cluster_fixture.py with no cluster behind it: a key missing from any of them fails.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input

from k9lite.tours.script import Step, Tour
from k9lite.ui.app import K9liteApp
from k9lite.ui.browser import Browser
from k9lite.ui.commands import OpenView, Unknown, parse_command
from k9lite.ui.keymap import HelpSection, Key, Keymap, PaletteEntry, markdown_table
from k9lite.ui.keys import (
    COMMANDS,
    MAIN_KEYS,
    PROMPT_KEYS,
    TABLE_KEYS,
    help_sections,
    main_help,
    palette_entries,
    views,
)
from k9lite.ui.navigator import AppOptions
from k9lite.ui.screens.confirm import ScaleScreen
from k9lite.ui.screens.logs import LOGS_KEYS, LogsScreen
from k9lite.ui.screens.text_screen import TextScreen
from k9lite.ui.screens.traffic import TRAFFIC_KEYS, TrafficScreen
from k9lite.ui.tour import TOUR_KEYS, TourApp
from k9lite.ui.widgets.prompt import PromptBar, _PromptInput
from k9lite.ui.widgets.resource_table import ResourceTable
from tests.ui import cluster_fixture
from tests.ui.screen import screen_lines, screen_text
from tests.ui.test_app import until
from tests.ui.test_operator_screen import started
from tests.ui.test_snapshots import make_app

LARGE = (120, 35)
README = Path(__file__).parents[2] / "README.md"


def words(text: str) -> str:
    """Text with its line breaks and frames gone: a wrapped line reads whole."""
    return " ".join(text.replace("│", " ").split())


def footer(app: App[None]) -> str:
    return screen_lines(app)[-1]


def footer_entries(app: App[None], keymap: Keymap) -> list[str]:
    """What the footer must show for the keys of `keymap` it shows: `^d Delete`."""
    return [
        f"{app.get_key_display(key.binding())} {key.label}"
        for key in keymap.keys
        if key.footer and app.check_action(key.action, ()) is not False
    ]


async def test_the_footer_shows_every_footer_key_of_the_main_screen_and_the_prompt() -> None:
    async with make_app("pods").run_test(size=LARGE) as pilot:
        app = await started(pilot)
        shown = footer(app)
        for entry in footer_entries(app, MAIN_KEYS):
            assert entry in shown, f"{entry!r} is not in the footer: {shown!r}"
        # Textual draws the palette key at the right; its label is the declared one.
        palette = next(key for key in MAIN_KEYS.keys if key.action == "command_palette")
        assert f"^p {palette.label}" in shown
        await pilot.press(":")
        await pilot.pause()
        shown = footer(app)
        for entry in footer_entries(app, PROMPT_KEYS):
            assert entry in shown, f"{entry!r} is not in the prompt's footer: {shown!r}"


async def test_help_shows_every_key_and_command_with_what_it_does() -> None:
    async with make_app("pods").run_test(size=LARGE) as pilot:
        await started(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, TextScreen)
        lines = screen.text.splitlines()
        text = words(screen.text)
        for section in help_sections():
            assert section.title in lines
            for keys, does in section.lines:
                assert any(line.startswith(f"  {' '.join(keys)}  ") for line in lines), keys
                assert words(does) in text, f"{keys}: {does!r} is not in the help"
        for key in (*MAIN_KEYS.keys, *TABLE_KEYS.keys, *PROMPT_KEYS.keys):
            assert words(key.help) in text
        for view in views():
            assert f":{view.names[0]}" in text
        # What a user sees first, at the top of the frame.
        assert "Commands, after :" in screen_text(pilot.app)


@pytest.mark.parametrize("entry", palette_entries(), ids=lambda entry: entry.title)
async def test_the_palette_offers_every_declared_entry(entry: PaletteEntry) -> None:
    async with make_app("pods").run_test(size=LARGE) as pilot:
        await started(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*entry.title)
        await pilot.pause()
        shown = screen_text(pilot.app)
        offered = entry.title in shown and entry.help[:40] in shown
        assert offered, f"{entry.title!r} is not offered:\n{shown}"


async def choose_in_palette(pilot: Pilot[None], title: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*title, "enter")
    await pilot.pause()
    await pilot.pause()


async def test_a_view_chosen_in_the_palette_opens_as_its_command_would() -> None:
    async with make_app("pods").run_test(size=LARGE) as pilot:
        app = await started(pilot)
        await choose_in_palette(pilot, "View Services")
        assert app.query_one(Browser).view.kind == "services"


async def test_filter_chosen_in_the_palette_opens_the_filter_prompt_as_its_key_would() -> None:
    async with make_app("pods").run_test(size=LARGE) as pilot:
        app = await started(pilot)
        await choose_in_palette(pilot, "Filter")
        bar = app.query_one(PromptBar)
        assert bar.display and bar.mode == "filter" and isinstance(app.focused, Input)


async def test_the_traffic_screen_shows_every_key_in_its_footer_or_its_key_line() -> None:
    app = make_app("svc")
    async with app.run_test(size=LARGE) as pilot:
        await started(pilot)
        app.query_one(Browser).table.move_cursor(key="default/nodeport-hostname-service")
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TrafficScreen)
        shown = footer(app)
        for entry in footer_entries(app, TRAFFIC_KEYS):
            assert entry in shown, f"{entry!r} is not in the traffic footer: {shown!r}"
        line = words(screen_text(app))
        for key in TRAFFIC_KEYS.keys:
            assert key.said in line, f"{key.said!r} is not in the traffic screen's key line"


async def test_the_tour_panel_shows_every_tour_key() -> None:
    options = AppOptions(
        cluster_fixture.connection(),
        "default",
        watch=False,
        clock=lambda: cluster_fixture.NOW,
        events=cluster_fixture.events,
    )
    tour = Tour("keys", (), (Step("A step that changes nothing", ("words",)),), "test")
    app = TourApp(options, tour, session=cluster_fixture.session(), start_probes=False)
    async with app.run_test(size=LARGE) as pilot:
        await pilot.pause()
        shown = words(screen_text(app))
        assert "A step that changes nothing" in shown
        for key in TOUR_KEYS.keys:
            assert key.said in shown, f"{key.said!r} is not in the tour's panel"


def readme_table(heading: str) -> str:
    """README's table whose second column is headed `heading`."""
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"| key | {heading} |")
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))
    return "\n".join(lines[start:end])


@pytest.mark.parametrize(
    ("heading", "sections"),
    [
        ("what it does", help_sections()),
        ("in the traffic screen (`t`)", (HelpSection.of("", TRAFFIC_KEYS.keys),)),
        ("in the tour", (HelpSection.of("", TOUR_KEYS.keys),)),
        ("in the logs screen (`l`)", (HelpSection.of("", LOGS_KEYS.keys),)),
    ],
    ids=["main", "traffic", "tour", "logs"],
)
def test_readme_key_tables_are_the_declared_keys(
    heading: str, sections: tuple[HelpSection, ...]
) -> None:
    expected = markdown_table(heading, sections)
    assert readme_table(heading) == expected, f"README.md should read:\n{expected}"


@pytest.mark.parametrize(
    ("keymap", "owner"),
    [
        (MAIN_KEYS, K9liteApp),
        (TABLE_KEYS, ResourceTable),
        (PROMPT_KEYS, _PromptInput),
        (TRAFFIC_KEYS, TrafficScreen),
        (TOUR_KEYS, TourApp),
        (LOGS_KEYS, LogsScreen),
    ],
    ids=["main", "table", "prompt", "traffic", "tour", "logs"],
)
def test_every_declared_key_runs_an_action_its_owner_has(keymap: Keymap, owner: type) -> None:
    for key in keymap.keys:
        namespace, _, name = key.action.rpartition(".")
        target = K9liteApp if namespace == "app" else owner
        action = re.sub(r"\(.*\)$", "", name)
        assert callable(getattr(target, f"action_{action}", None)), f"{key}: no {action}"


def test_every_declared_command_is_one_the_prompt_understands() -> None:
    for command in COMMANDS:
        typed = command.words[0].lstrip(":").replace("[NAME]", "").replace("NAME", "kube-system")
        parsed = parse_command(typed)
        assert parsed is not None and not isinstance(parsed, Unknown | OpenView), command
    for view in views():
        for alias in view.names:
            assert parse_command(alias) == OpenView(view)


def test_a_key_is_bound_once_per_keymap() -> None:
    """Except k9s's `s`: a shell on a Pod, a scale elsewhere; the app's check_action lets one
    of the two run, and the footer show it (the next tests)."""
    for keymap in (MAIN_KEYS, TABLE_KEYS, PROMPT_KEYS, TRAFFIC_KEYS, TOUR_KEYS):
        names = [name for key in keymap.keys for name in key.names]
        if keymap is MAIN_KEYS:
            assert [k.action for k in keymap.keys if "s" in k.names] == ["shell", "scale"]
            names.remove("s")
        assert len(names) == len(set(names)), names


async def test_s_is_a_shell_on_pods_and_a_scale_on_deployments() -> None:
    async with make_app("pods").run_test(size=LARGE) as pilot:
        app = await started(pilot)
        # The footer draws a frame after the rows: wait for it, bounded.
        await until(lambda: footer(app).strip(), what="the footer")
        assert "s Shell" in footer(app) and "s Scale" not in footer(app), footer(app)
        app.run_command("deploy")
        await pilot.pause()
        assert "s Scale" in footer(app) and "s Shell" not in footer(app), footer(app)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ScaleScreen), app.screen


def test_the_key_line_of_a_keymap_is_each_first_key_and_its_word() -> None:
    keymap = Keymap(
        (
            Key("space,enter", "start", "Start/Stop", "start"),
            Key("escape,q", "back", "Stop/Back", "back", word="back"),
            Key("question_mark", "help", "Help", "help"),
        )
    )
    assert keymap.summary() == "Space start/stop  Esc back  ? help"
    assert [key.binding().key_display for key in keymap.keys] == ["Space", "Esc", "?"]


def test_the_help_fits_80_columns_with_each_description_wrapped_under_itself() -> None:
    lines = main_help().splitlines()
    assert max(map(len, lines)) <= 74, "the help frame holds 74 columns at 80x24"
    described = [line for line in lines if line.startswith("  ")]
    column = described[0].index("switch view")  # the first line: the views
    assert all(line[column - 1] == " " and line[column] != " " for line in described)
