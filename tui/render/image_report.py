"""An image classifier's test results as text, pure functions of (report, class names, size,
options): the confusion matrix with each class's accuracy, then a row of test images with their
true class and the model's guess. The matrix shows counts where they fit and shaded cells where
they do not; when the view is too short for the matrix and the pictures, the accuracies go on a
few lines instead."""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text

from engine.loop.events import ImageReport
from tui.render.image_cells import image_strip

CORNER = "true\\guess"
LABEL_MAX = 14  # row labels are cut to this width
SHADES_UNICODE, SHADES_ASCII = " ░▒▓█", " .:=#"
MIN_STRIP = 7  # lines the test images need at the least: a caption, 4 picture lines, 2 labels
RIGHT_STYLE, WRONG_STYLE, DIM = Style(color="green"), Style(color="red", bold=True), Style(dim=True)


def class_accuracy(confusion: Sequence[Sequence[int]]) -> list[float | None]:
    """Per true class, the share of its test images guessed right (None for a class with none)."""
    return [row[i] / sum(row) if sum(row) else None for i, row in enumerate(confusion)]


def row_label(index: int, name: str) -> str:
    """A class's index and name, once: torchvision's MNIST names already begin with the digit."""
    return name if name.split(" ", 1)[0] == str(index) else f"{index} {name}"


def _labels(labels: Sequence[str], classes: int) -> list[str]:
    return [row_label(i, labels[i] if i < len(labels) else "")[:LABEL_MAX].rstrip() for i in range(classes)]


def _percent(value: float | None) -> str:
    return "  -" if value is None else f"{value:.0%}"


def confusion_table(confusion: Sequence[Sequence[int]], labels: Sequence[str], width: int, color: bool = True,
                    ascii_only: bool = False) -> Text | None:
    """Rows are the true classes, columns the guesses (headed by class index), then each class's
    accuracy. Counts where they fit in `width`, else two-character cells shaded by the share of the
    row; None when not even those fit."""
    classes = len(confusion)
    names = _labels(labels, classes)
    label_w = max(len(CORNER), *(len(name) for name in names))
    digits = max(len(str(max((max(row) for row in confusion), default=0))), len(str(classes - 1)))
    cell = digits + 1
    counts = label_w + cell * classes + 5 <= width
    if not counts:
        cell = 2
        if label_w + cell * classes + 5 > width:
            return None
    shades = SHADES_ASCII if ascii_only else SHADES_UNICODE
    text = Text(no_wrap=True, end="")
    text.append(CORNER.ljust(label_w), DIM)
    text.append("".join(str(i).rjust(cell) for i in range(classes)) + "  acc", DIM)
    for i, (name, row, accuracy) in enumerate(zip(names, confusion, class_accuracy(confusion))):
        text.append("\n" + name.ljust(label_w))
        total = sum(row)
        for j, count in enumerate(row):
            style = DIM if not count else (RIGHT_STYLE if i == j else WRONG_STYLE) if color else Style(bold=i != j)
            if counts:
                shown = str(count)
            else:  # the share of the row, from a faint shade to a full block; a dot for none
                shown = "." if not count else shades[max(1, round(count / total * (len(shades) - 1)))]
            text.append(shown.rjust(cell), style)
        text.append(_percent(accuracy).rjust(5))
    return text


def accuracy_list(confusion: Sequence[Sequence[int]], labels: Sequence[str], width: int) -> Text:
    """Each class's accuracy as `name 97%` entries, as many to a line as fit."""
    names = _labels(labels, len(confusion))
    entries = [f"{name} {_percent(accuracy)}" for name, accuracy in zip(names, class_accuracy(confusion))]
    entry_w = max(len(e) for e in entries) + 2
    per_line = max(1, (width + 2) // entry_w)
    lines = ["".join(e.ljust(entry_w) for e in entries[i : i + per_line]).rstrip()
             for i in range(0, len(entries), per_line)]
    return Text("\n".join(lines), no_wrap=True, end="")


def report_title(report: ImageReport) -> str:
    total = sum(sum(row) for row in report.confusion)
    right = sum(row[i] for i, row in enumerate(report.confusion))
    return f"Test set at epoch {report.epoch}: {right / max(total, 1):.1%} right of {total}"


def report_text(report: ImageReport, labels: Sequence[str], width: int, height: int, color: bool = True,
                ascii_only: bool = False) -> Text:
    """The whole view in width x height: title, matrix (or accuracies), then the test images in the
    lines left, each part only where it fits."""
    title = Text(report_title(report), "bold", no_wrap=True, end="")
    title.truncate(width, overflow="ellipsis")
    table = confusion_table(report.confusion, labels, width, color, ascii_only)
    short = accuracy_list(report.confusion, labels, width)
    parts = [title]
    # Above the pictures, the matrix where it leaves room, else the accuracies; a table's classes
    # come without pictures.
    bodies = ([table] if table is not None else []) + [short] if report.pixels else []
    for body in bodies:
        used = 1 + len(body.plain.splitlines()) + 1
        if used + MIN_STRIP <= height:
            strip = image_strip(report.pixels, report.truth, report.predicted, labels, width, height - used - 1,
                                color, ascii_only)
            caption = Text("Test images: true class, then the guess", DIM, no_wrap=True, end="")
            caption.truncate(width, overflow="ellipsis")
            parts += [body, Text(), caption, strip]
            break
    else:  # no pictures, or too short for them: the matrix if it fits, else the accuracies
        parts.append(table if table is not None and len(table.plain.splitlines()) < height else short)
    return Text("\n", end="").join(parts)
