"""The main screen's keys, its table's and its prompt's, and the `:` commands: declared once.

The app's, ResourceTable's and the prompt's BINDINGS, the footer, the help screen (`?`), the
command palette (ctrl+p) and README's key table are all made from these (ui/keymap.py).
"""

from __future__ import annotations

from k9lite.kinds.base import Kind
from k9lite.kinds.registry import KINDS
from k9lite.render.doctor import MARKED, SEVERITY_MARKS
from k9lite.ui.keymap import HelpSection, Key, Keymap, PaletteEntry, TypedCommand, help_text

__all__ = [
    "COMMANDS",
    "MAIN_KEYS",
    "MARKS_HELP",
    "PROMPT_KEYS",
    "TABLE_KEYS",
    "help_sections",
    "main_help",
    "palette_entries",
    "views",
]

MAIN_KEYS = Keymap(
    (
        # Priority: the app opens the prompt as the key arrives, so the keys typed right after
        # it (`:svc` pasted, or sent by tmux in one go) reach the prompt, not the table.
        Key(":", "prompt('command')", "Command", "a command (above)", priority=True),
        Key(
            "/",
            "prompt('filter')",
            "Filter",
            "filter the rows by text; /-l app=web by label selector",
            palette="Filter",
            priority=True,
        ),
        Key(
            "escape",
            "go_back",
            "Back",
            "clear the filter, or go back to the view (and the row) you came from",
            footer=False,
        ),
        Key("question_mark", "help", "Help", "these keys, and how each kind's feed is doing"),
        Key(
            "d",
            "describe",
            "Describe",
            "describe the selected object, like kubectl describe, ending with its Events "
            "(a Service's: what is wrong, and its route)",
            palette="Describe",
        ),
        Key("y", "yaml", "YAML", "the selected object as YAML", palette="YAML"),
        Key(
            "r",
            "route",
            "Route",
            "the route traffic takes to the selected Service's pods, live",
            palette="Route",
        ),
        Key(
            "t",
            "traffic",
            "Traffic",
            "a traffic test: requests to the selected Service, and which pods answered",
            palette="Traffic test",
        ),
        Key(
            "l",
            "logs",
            "Logs",
            "the selected Pod's log, live; a Deployment's or a Service's pods' logs merged, "
            "each line prefixed by its pod",
            # Not in the footer: at 120 columns it would push q Quit off it; ? and ctrl+p name it.
            footer=False,
            palette="Logs",
        ),
        # k9s's s: a shell on a Pod, a scale elsewhere (the app's check_action picks one).
        Key(
            "s",
            "shell",
            "Shell",
            "a shell in the selected Pod (kubectl exec -it; back here when it ends)",
            palette="Shell",
        ),
        Key(
            "s",
            "scale",
            "Scale",
            "scale the selected Deployment (asks for the count: 0 to 2,147,483,647, twice "
            "when large)",
            palette="Scale",
        ),
        Key(
            "F",
            "port_forward",
            "Forward",
            "a port-forward from 127.0.0.1 to the selected Pod or Service (asks LOCAL:REMOTE); "
            ":pf lists them",
            footer=False,
            palette="Port-forward",
        ),
        Key(
            "ctrl+d",
            "delete",
            "Delete",
            "delete the selected object (asks first)",
            palette="Delete",
        ),
        Key(
            "0",
            "all_namespaces",
            "All ns",
            "all namespaces, and back to the one before",
            palette="All namespaces",
        ),
        Key("q", "quit", "Quit", "quit"),
        # k9s quits on ctrl+c, wherever the focus is (Textual's default would copy).
        Key("ctrl+c", "quit", "Quit", "quit, wherever the focus is", footer=False, priority=True),
        # Textual's own palette key, declared here so that help and README name it; its
        # footer label is the one Textual gives it ("palette", at the right of the footer).
        Key(
            "ctrl+p",
            "command_palette",
            "palette",
            "the command palette: every action and view, searched by name",
            footer=False,
            priority=True,
        ),
    )
)

TABLE_KEYS = Keymap(
    (
        Key(
            "enter",
            "select_cursor",
            "Open",
            "a Deployment's, a Service's (with its endpoints) or a Node's pods; on a "
            "Namespace, switch to it",
            footer=False,
        ),
        Key("down,j", "cursor_down", "Down", "the next row", footer=False),
        Key("up,k", "cursor_up", "Up", "the row before", footer=False),
        Key("home,ctrl+home,g", "cursor_top", "Top", "the first row", footer=False),
        Key("end,ctrl+end,G", "cursor_bottom", "Bottom", "the last row", footer=False),
        Key("pagedown,ctrl+f", "page_down", "Page down", "a page down", footer=False),
        Key("pageup,ctrl+b", "page_up", "Page up", "a page up", footer=False),
        Key("S", "cycle_sort", "Sort", "sort by the next column", footer=False),
        Key("R", "reverse_sort", "Reverse", "reverse the order", footer=False),
    )
)

# Shown in the footer while the prompt is open: how to finish what is being typed.
PROMPT_KEYS = Keymap(
    (
        Key("enter", "submit", "Run", "run the command, or apply the filter"),
        Key(
            "tab",
            "complete",
            "Complete",
            "complete a view, a context after ctx, a namespace after ns (again: the next one)",
        ),
        Key("up", "history(-1)", "Earlier", "the command or filter entered before"),
        Key("down", "history(1)", "Later", "the one entered after it", footer=False),
        Key("escape", "app.go_back", "Cancel", "cancel"),
    )
)

# Not a key: what the marks after a Service's name mean, beside the keys of the table they are in.
MARKS_HELP = (
    tuple(SEVERITY_MARKS[severity] for severity in MARKED),
    "after a Service's name: an error, a warning, could not check (the doctor's verdict, as "
    "k9lite diagnose gives it; d says why)",
)

# What commands.parse_command understands besides the views' names.
COMMANDS = (
    TypedCommand((":ns NAME",), "switch to namespace NAME"),
    TypedCommand(
        (":ctx [NAME]",),
        "pick one of the kubeconfig's contexts, or switch to NAME",
        palette="Switch context",
        runs="ctx",
    ),
    TypedCommand((":q",), "quit"),
)


def views() -> tuple[Kind, ...]:
    """The registry's kinds, in the order help and the palette list them."""
    return KINDS


def _view_command() -> TypedCommand:
    shown = views()
    return TypedCommand(
        tuple(f":{view.names[0]}" for view in shown),
        "switch view (long names work too); any other resource the server lists opens by its "
        "name too: :cm, :jobs, a custom resource's plural",
    )


def help_sections() -> tuple[HelpSection, ...]:
    """What `?` and README explain, section by section."""
    return (
        HelpSection.of("Commands, after : (Tab completes)", (_view_command(), *COMMANDS)),
        HelpSection.of("Keys", MAIN_KEYS.keys),
        HelpSection.of("In the table", TABLE_KEYS.keys, (MARKS_HELP,)),
        HelpSection.of("In the prompt, after : or /", PROMPT_KEYS.keys),
    )


def main_help() -> str:
    """The key part of the help screen."""
    return help_text(help_sections())


def palette_entries() -> list[PaletteEntry]:
    """What ctrl+p offers beyond Textual's own commands: each view, the keys, the commands."""
    return [
        *(
            PaletteEntry(f"View {view.title}", f":{view.names[0]}", command=view.names[0])
            for view in views()
        ),
        *MAIN_KEYS.palette(),
        *(command.palette_entry() for command in COMMANDS if command.palette),
    ]
