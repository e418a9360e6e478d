"""The trainer's keys: the app's bindings, made from the views table, and what the key bar at
the bottom shows (the keys of the views in sight, and at narrow sizes only the essential ones)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.binding import Binding

from tui.widgets.key_bar import KeyItem
from tui.widgets.views import ViewSpec

FORM_KEY = "0"  # shows the form pane below ~70 columns, and moves into the form at any size


def trainer_bindings(views: Sequence[ViewSpec]) -> list[Binding]:
    """Every key of the trainer, in the order the key bar and the help list them."""
    return [
        Binding("space", "toggle", "Run/pause", key_display="space"),
        Binding("n", "step", "Step"),
        Binding("r", "reset", "Reset"),
        Binding("s", "stop", "Stop"),
        Binding("ctrl+s", "save", "Save"),
        Binding("ctrl+o", "load", "Load"),
        Binding("c", "command", "Command"),
        Binding("e", "export", "Export"),
        Binding(FORM_KEY, "show_form", "Form", show=False),
        *(Binding(str(number), f"show_view({number - 1})", view.title, show=False)
          for number, view in enumerate(views, start=1)),
        Binding("left_square_bracket", "cycle_view(-1)", "Previous view", key_display="[", show=False),
        Binding("right_square_bracket", "cycle_view(1)", "Next view", key_display="]", show=False),
        Binding("l", "log_scale", "Log scale"),
        Binding("g", "pick_tags", "Tags"),
        Binding("t", "test_points", "Test points"),
        Binding("d", "discrete", "Hard classes"),
        Binding("up", "pick_neuron(-1, 0)", "Pick unit", key_display="arrows"),
        Binding("down", "pick_neuron(1, 0)", "", show=False),
        Binding("left", "pick_neuron(0, -1)", "", show=False),
        Binding("right", "pick_neuron(0, 1)", "", show=False),
        Binding("o", "show_output", "Output"),
        *(Binding(key.key, key.action, key.description) for view in views for key in view.keys),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
        Binding("escape", "leave_form", "", show=False),
    ]


ESSENTIAL = {"toggle", "stop", "help", "quit", "show_form", "show_view(0)"}


def key_items(bindings: Sequence[Binding], views: Sequence[ViewSpec], in_sight: Callable[[str, str], bool],
              single_pane: bool) -> list[KeyItem]:
    """The key bar's entries: the shown bindings, a view's own keys only while `in_sight(view, action)`
    (the view is on screen and has a use for the key), and one entry for the view keys (with the
    form's key where one pane shows at a time)."""
    view_actions: dict[str, list[str]] = {}  # an action may belong to several views (o: Network and Boundary)
    for view in views:
        for action in view.all_actions:
            view_actions.setdefault(action, []).append(view.id)
    items = []
    for binding in bindings:
        if binding.action == "show_view(0)":
            if single_pane:
                items.append(KeyItem(FORM_KEY, "Form", "show_form", True))
            items.append(KeyItem(f"1-{len(views)} [ ]", "Views", binding.action, True))
        if not binding.show:
            continue
        owners = view_actions.get(binding.action)
        if owners is not None and not any(in_sight(view, binding.action) for view in owners):
            continue
        key = binding.key_display or binding.key
        items.append(KeyItem(key.replace("ctrl+", "^"), binding.description, binding.action,
                             binding.action in ESSENTIAL))
    return items


def with_view_keys(items: list[KeyItem], own: Sequence[tuple[str, str, str]]) -> list[KeyItem]:
    """The key bar's entries while a view's list has the keys: its keys first (essential; a click
    runs `view_key(action)`), in place of the trainer's entries for the same keys."""
    taken = {key for key, _, _ in own}
    return [*(KeyItem(key, description, f"view_key('{action}')", True) for key, description, action in own),
            *(item for item in items if item.key not in taken)]
