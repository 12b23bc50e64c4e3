"""The operator's screen at 80x24: every keystroke and every answer on screen, k9s's keys.

Each test reads the composed screen (tests/ui/screen.py), not a widget's state: a message
drawn under the footer, or a prompt hidden behind the table, fails them. The fixed scenario of
tests/ui/cluster_fixture.py is shown, with no cluster behind it.
"""

from __future__ import annotations

import copy

from textual.pilot import Pilot

from k9lite.ui.app import K9liteApp
from k9lite.ui.browser import Browser
from k9lite.ui.screens.confirm import ScaleScreen, parse_replicas
from k9lite.ui.screens.pick import PickScreen
from k9lite.ui.screens.text_screen import TextScreen
from tests.ui import cluster_fixture
from tests.ui.screen import screen_lines, screen_text
from tests.ui.test_snapshots import make_app

SMALL = (80, 24)


async def started(pilot: Pilot[None]) -> K9liteApp:
    app = pilot.app
    assert isinstance(app, K9liteApp)
    app.refresh_state()
    await pilot.pause()
    return app


def line_with(app: K9liteApp, text: str) -> str:
    found = [line for line in screen_lines(app) if text in line]
    assert found, f"{text!r} is not on the screen:\n{screen_text(app)}"
    return found[0]


def message_line(app: K9liteApp) -> str:
    """The message line above the footer (two lines when the message is long)."""
    lines = screen_lines(app)
    return lines[-3] + lines[-2] if lines[-3].startswith(" ✗") else lines[-2]


async def test_what_is_typed_after_colon_is_on_screen_before_enter() -> None:
    async with make_app("pods").run_test(size=SMALL) as pilot:
        app = await started(pilot)
        await pilot.press(":", "s", "v")
        await pilot.pause()
        prompt = line_with(app, ":sv")
        assert screen_lines(app).index(prompt) == 1, "the prompt is the line under the header"
        await pilot.press("/")  # a `/` typed in the prompt is text, not a new prompt
        await pilot.pause()
        assert ":sv/" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert ":sv/" not in screen_text(app), "Esc cancels the prompt"
        assert app.query_one(Browser).view.kind == "pods"


async def test_filter_text_is_on_screen_while_typed() -> None:
    async with make_app("pods").run_test(size=SMALL) as pilot:
        app = await started(pilot)
        await pilot.press("/", *"-l app=my")
        await pilot.pause()
        assert line_with(app, "/-l app=my")


async def test_unknown_command_names_it_and_the_nearest_kinds() -> None:
    async with make_app("pods").run_test(size=SMALL) as pilot:
        app = await started(pilot)
        await pilot.press(":", *"nosuchkind", "enter")
        await pilot.pause()
        assert "✗ unknown command 'nosuchkind'" in message_line(app)
        await pilot.press(":", *"svcs", "enter")
        await pilot.pause()
        assert "did you mean svc" in message_line(app)
        await pilot.press("j")  # an error stays until the next key
        await pilot.pause()
        assert "svcs" not in screen_text(app)


async def test_markup_typed_by_the_user_is_shown_literally() -> None:
    async with make_app("pods").run_test(size=SMALL) as pilot:
        app = await started(pilot)
        for keys, shown in (
            ([":", "[", "/", "]"], "unknown command '[/]'"),
            ([":", *"[bold red]X[/]"], "unknown command '[bold red]X[/]'"),
            (["/", *"-l [/]"], "bad label selector"),
        ):
            await pilot.press(*keys, "enter")
            await pilot.pause()
            assert shown in message_line(app), screen_text(app)
            assert app.is_running
        await pilot.press("/", "[", "/", "]", "enter")
        await pilot.pause()
        assert line_with(app, "Pods [0 of 7] in default /[/]")


async def test_tab_completes_kinds_and_up_recalls_history() -> None:
    async with make_app("pods").run_test(size=SMALL) as pilot:
        app = await started(pilot)
        await pilot.press(":", "d", "e", "tab")
        await pilot.pause()
        assert line_with(app, ":deploy")
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one(Browser).view.kind == "deployments"
        await pilot.press(":", "s", "tab")
        await pilot.pause()
        assert "Tab: svc  services  service  secrets  secret" in message_line(app)
        await pilot.press("tab")
        assert line_with(app, ":service")
        await pilot.press("escape", ":", "up")
        await pilot.pause()
        assert line_with(app, ":deploy"), "Up recalls the last command"
        await pilot.press("ctrl+u", *"ns k", "tab")
        await pilot.pause()
        assert line_with(app, ":ns kube-node-lease")


async def test_80_columns_keep_node_ip_ports_and_endpoints() -> None:
    async with make_app("pods").run_test(size=SMALL) as pilot:
        app = await started(pilot)
        header = line_with(app, "NAME")
        for label in ("READY", "STATUS", "IP", "NODE"):
            assert label in header.split(), header
        assert line_with(app, "127.244.2.2").rstrip().endswith("worker1")
        app.run_command("svc")
        await pilot.pause()
        header = line_with(app, "NAME")
        assert header.split() == ["NAME", "TYPE", "CLUSTER-IP", "PORT(S)", "ENDPOINTS"]
        # A long name is cut in the middle: its end, where the doctor's mark goes, stays.
        nodeport = line_with(app, "nodeport-h…e-service")
        assert "8080:30080/TCP" in nodeport and "2 ready" in nodeport
        assert "<none>" in line_with(app, "my-service ✗")
        assert max(len(line) for line in screen_lines(app)) <= 80


async def test_header_keeps_context_namespace_state_and_read_only_at_80() -> None:
    app = make_app("pods")
    app.options = type(app.options)(**{**_fields(app.options), "readonly": True})
    async with app.run_test(size=SMALL) as pilot:
        await started(pilot)
        header = screen_lines(app)[0]
        for part in ("ctx k9lite-demo", "ns default", "● live", "read-only"):
            assert part in header, header


def _fields(options: object) -> dict[str, object]:
    return {name: getattr(options, name) for name in options.__slots__}  # type: ignore[attr-defined]


async def test_enter_on_a_node_lists_its_pods_with_a_breadcrumb_and_esc_returns() -> None:
    async with make_app("no").run_test(size=SMALL) as pilot:
        app = await started(pilot)
        await pilot.press("j", "j")  # worker2
        await pilot.press("enter")
        await pilot.pause()
        title = screen_lines(app)[1]
        assert title.startswith(" Nodes > worker2 > Pods [3] in default"), title
        pods = [line for line in screen_lines(app) if "127.244." in line]
        assert len(pods) == 3 and all(line.endswith("worker2") for line in pods)
        await pilot.press("escape")
        await pilot.pause()
        assert app.query_one(Browser).table.cursor_key == "worker2", "back on the row left"


async def test_enter_on_a_namespace_switches_to_it() -> None:
    async with make_app("ns").run_test(size=SMALL) as pilot:
        app = await started(pilot)
        app.query_one(Browser).table.move_cursor(key="kube-system")
        await pilot.press("enter")
        await pilot.pause()
        assert "ns kube-system" in screen_lines(app)[0]
        assert line_with(app, "Pods [0] in kube-system")


async def test_ctx_opens_a_picker_of_the_kubeconfig_contexts(tmp_path: object) -> None:
    async with make_app("pods").run_test(size=SMALL) as pilot:
        app = await started(pilot)
        app.run_command("ctx")
        await pilot.pause()
        # The fixture's kubeconfig does not exist: the error is shown, nothing is picked.
        assert "✗" in message_line(app) and "kubeconfig" in message_line(app)
        assert not isinstance(app.screen, PickScreen)


async def test_describe_ends_with_the_objects_events() -> None:
    async with make_app("pods").run_test(size=SMALL) as pilot:
        app = await started(pilot)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, TextScreen)
        await pilot.press("end")
        await pilot.pause()
        text = screen_text(app)
        assert "Events:" in text
        assert "Scheduled" in text and "default-scheduler" in text


async def test_ctrl_c_and_q_quit() -> None:
    for key in ("ctrl+c", "q"):
        async with make_app("pods").run_test(size=SMALL) as pilot:
            await started(pilot)
            await pilot.press(key)
            await pilot.pause()
            assert not pilot.app.is_running, key


async def test_ctrl_c_quits_from_the_prompt_and_q_there_is_text() -> None:
    async with make_app("pods").run_test(size=SMALL) as pilot:
        app = await started(pilot)
        await pilot.press(":", "q")
        await pilot.pause()
        assert app.is_running and line_with(app, ":q")
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert not app.is_running


async def test_a_message_is_visible_over_a_describe_screen() -> None:
    async with make_app("pods").run_test(size=SMALL) as pilot:
        app = await started(pilot)
        await pilot.press("d")
        await pilot.pause()
        app.show_message("scaled deployment/hostname-server to 3")
        await pilot.pause()
        assert message_line(app) == " ✓ scaled deployment/hostname-server to 3"


async def test_results_fade_and_errors_wait_for_a_key() -> None:
    async with make_app("pods").run_test(size=SMALL) as pilot:
        app = await started(pilot)
        app.show_message("done")
        assert app._fade is not None, "a result fades by itself"
        app.show_error("broken")
        assert app._fade is None, "an error does not"
        await pilot.pause()
        assert "✗ broken" in message_line(app)
        await pilot.press("j")
        await pilot.pause()
        assert message_line(app).strip() == ""


async def test_scale_accepts_int32_counts_only_and_asks_twice_for_a_large_one() -> None:
    async with make_app("deploy").run_test(size=SMALL) as pilot:
        app = await started(pilot)
        scaled: list[int | None] = []
        app.run_scale = lambda namespace, name, replicas: scaled.append(replicas)  # type: ignore[method-assign,assignment,return-value]
        await pilot.press("s")
        await pilot.pause()
        for typed in ("99999999999", "2147483648", "1e3", "-1", "3.5", ""):
            await pilot.press("ctrl+u", *typed, "enter")
            await pilot.pause()
            assert "✗ enter a whole number from 0 to 2,147,483,647" in screen_text(app), typed
            assert isinstance(app.screen, ScaleScreen), f"{typed!r} was accepted"
        await pilot.press("ctrl+u", *"5000", "enter")
        await pilot.pause()
        assert "! 5,000 replicas is far more than the 2 now" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert scaled == [5000] and not isinstance(app.screen, ScaleScreen)


def test_parse_replicas() -> None:
    assert [parse_replicas(t) for t in ("0", " 7 ", "2147483647")] == [0, 7, 2147483647]
    for text in ("2147483648", "1e3", "-1", "+3", "３", "0x10", "", "1 2"):
        assert parse_replicas(text) is None, text


async def test_an_object_that_cannot_be_read_is_an_error_row_and_goes_when_fixed() -> None:
    """ClusterState.errors: a malformed pod is not dropped silently; its row says why, pushed
    to the screen by the state's change (no tick)."""
    async with make_app("pods").run_test(size=SMALL) as pilot:
        app = await started(pilot)
        pod = next(
            p
            for p in cluster_fixture.raw_objects()["pods"]
            if p["metadata"]["namespace"] == "default"
        )
        name = pod["metadata"]["name"]
        broken = copy.deepcopy(pod)
        broken["spec"]["containers"] = "nginx"
        app.feed.apply("pods", "MODIFIED", broken)
        await pilot.pause(0.3)
        row = line_with(app, "✗ unreadable")
        assert name[-5:] in row, row
        # `d` on it says why, on the message line.
        app.browser.table.move_cursor(key=f"default/{name}")
        await pilot.press("d")
        assert "cannot be read: default/" in message_line(app)
        assert "containers" in message_line(app)
        app.feed.apply("pods", "MODIFIED", pod)
        await pilot.pause(0.3)
        assert "unreadable" not in screen_text(app)
        assert name[-5:] in line_with(app, "Running")
