"""Pure rendering: decimation, the command line, the boundary cells, the loss chart, and the
confusion matrix and test pictures of image classifiers."""

from __future__ import annotations

import math
import time

import numpy as np
from rich.text import Text

from engine.config.build import with_values
from engine.config.presets import PRESETS, preset_config
from engine.loop.events import ImageReport
from tui.render.boundary_cells import BoundaryStyle, boundary_cells, certainty
from tui.render.command_line import command_line
from tui.render.decimate import MinMaxDecimator, decimate
from tui.render.image_cells import downscale, image_strip, picture_cells
from tui.render.image_report import accuracy_list, class_accuracy, confusion_table, report_text
from tui.render.loss_chart import Curve, loss_chart


def test_decimate_keeps_extremes():
    """Decimation bounds the point count and keeps the global minimum and maximum."""
    xs = list(range(100_000))
    ys = [math.sin(x / 997) + (5 if x == 12_345 else 0) for x in xs]
    dx, dy = decimate(xs, ys, 50)
    assert len(dx) <= 200
    assert max(dy) == max(ys) and min(dy) == min(ys)
    assert dx == sorted(dx)


def test_decimate_skips_nan():
    """NaN (epochs without a test evaluation) never reaches the chart."""
    xs = list(range(1, 101))
    ys = [float(x) if x % 10 == 0 else float("nan") for x in xs]
    dx, dy = decimate(xs, ys, 100)
    assert dx == [10, 20, 30, 40, 50, 60, 70, 80, 90, 100] and dy == dx


def test_incremental_decimation_matches_whole():
    """Feeding the series in pieces gives the same extremes as all at once."""
    xs = list(range(5000))
    ys = [math.cos(x / 50) * (1 + x / 5000) for x in xs]
    running = MinMaxDecimator(40)
    for end in range(0, 5001, 333):
        running.extend(xs[:end], ys[:end])
    running.extend(xs, ys)
    assert max(running.points()[1]) == max(ys) and min(running.points()[1]) == min(ys)


def test_chart_cost_does_not_grow_with_run_length():
    """A million epochs chart about as fast as a hundred once decimated."""
    def draw(n: int) -> float:
        d = MinMaxDecimator(200)
        xs = list(range(n))
        d.extend(xs, [1 / (1 + x) for x in xs])
        began = time.perf_counter()
        loss_chart([Curve("train", *d.points(), color=45)], 70, 18)
        return time.perf_counter() - began

    assert draw(1_000_000) < 5 * draw(100) + 0.05


def test_command_line_names_preset_and_changes():
    """The copied command starts from the nearest preset and adds only the changed fields."""
    config = with_values(preset_config("moons"), {"train.lr": 0.05, "data.shuffle": False})
    assert command_line(config) == "nntui run --preset moons --no-shuffle --lr 0.05"
    assert command_line(PRESETS["circle"].config) == "nntui run --preset circle"


def _grid(rows: int = 8, columns: int = 10):
    """Two class planes: class 0 certain on the left half, class 1 on the right."""
    left = [[1.0 if c < columns // 2 else 0.0 for c in range(columns)] for _ in range(rows)]
    return [left, [[1.0 - p for p in row] for row in left]]


def test_boundary_half_blocks_in_colour():
    """In colour each line holds two grid rows as upper-half blocks, points on top."""
    text = boundary_cells(_grid(), (0, 1), (0, 1), [(0.05, 0.95, 0)], [(0.95, 0.05, 1)])
    lines = text.plain.split("\n")
    assert len(lines) == 4 and all(len(line) == 10 for line in lines)
    assert lines[0][0] == "●" and lines[-1][-1] == "□" and lines[1][3] == "▀"  # class 0 train, class 1 test


def test_boundary_ascii_without_colour():
    """--ascii with NO_COLOR draws 7-bit region characters; test points hide on request."""
    style = BoundaryStyle(color=False, ascii_only=True, show_test=False)
    text = boundary_cells(_grid(), (0, 1), (0, 1), [], [(0.95, 0.05, 1)], style)
    assert text.plain.isascii() and "." in text.plain and ":" in text.plain and "S" not in text.plain
    assert not any(span.style for span in text.spans if str(span.style))


def test_certainty_is_zero_when_unsure():
    """A uniform prediction has no certainty; a certain one has full, for its class."""
    import numpy as np

    best, sure = certainty(np.array([[[0.5, 0.0]], [[0.5, 0.0]], [[0.0, 1.0]]]))
    assert sure.tolist() == [[0.25, 1.0]] and best.tolist()[0][1] == 2
    _, even = certainty(np.array([[[0.5]], [[0.5]]]))
    assert even.tolist() == [[0.0]]


def test_loss_chart_ascii():
    """The ASCII chart uses no box-drawing or braille characters."""
    curve = Curve("train", list(range(1, 51)), [1 / x for x in range(1, 51)], color=45)
    text = loss_chart([curve], 60, 15, ascii_only=True, color=False, marks=[20])
    assert isinstance(text, Text) and text.plain.isascii() and "*" in text.plain


# -- image classifiers: confusion matrix and test pictures ------------------------------

SHAPE_NAMES = ("circle", "square", "triangle", "cross")


def _report(confusion=None, images: int = 4, side: int = 28) -> ImageReport:
    """A report with a white top half over a black bottom half in every picture."""
    confusion = confusion or [[9, 1, 0, 0], [0, 10, 0, 0], [2, 0, 8, 0], [0, 0, 0, 0]]
    picture = [[1.0] * side] * (side // 2) + [[0.0] * side] * (side - side // 2)
    truth = tuple(i % 4 for i in range(images))
    predicted = tuple((t + 1) % 4 if i == 1 else t for i, t in enumerate(truth))
    return ImageReport(3, confusion, [picture] * images, truth, predicted)


def _lines(text: Text) -> list[str]:
    return text.plain.split("\n")


def test_confusion_table_counts_and_class_accuracy():
    """Rows are true classes with their names, columns the guesses by index, then each class's accuracy."""
    table = confusion_table(_report().confusion, SHAPE_NAMES, 60)
    lines = _lines(table)
    assert lines[0].split() == ["true\\guess", "0", "1", "2", "3", "acc"]
    assert lines[1].split() == ["0", "circle", "9", "1", "0", "0", "90%"]
    assert lines[3].split() == ["2", "triangle", "2", "0", "8", "0", "80%"]
    assert lines[4].split()[-1] == "-", "a class with no test images has no accuracy"
    assert class_accuracy([[3, 1], [0, 0]]) == [0.75, None]


def test_confusion_table_shades_when_counts_do_not_fit():
    """A narrow view gets two-character shaded cells; one too narrow for those gets None."""
    confusion = [[900 if i == j else 3 for j in range(10)] for i in range(10)]
    names = [f"{i} - digit" for i in range(10)]
    wide = confusion_table(confusion, names, 200)
    assert "900" in wide.plain and "0 - digit" in wide.plain and "0 0 - digit" not in wide.plain
    narrow = confusion_table(confusion, names, 40)
    assert narrow is not None and "900" not in narrow.plain and "█" in narrow.plain
    assert max(len(line) for line in _lines(narrow)) <= 40
    assert confusion_table(confusion, names, 20) is None
    assert all(ord(c) < 128 for c in confusion_table(confusion, names, 40, ascii_only=True).plain)


def test_accuracy_list_fits_the_width():
    """The short form puts as many `name acc` entries on a line as fit."""
    text = accuracy_list(_report().confusion, SHAPE_NAMES, 34)
    assert all(len(line) <= 34 for line in _lines(text))
    assert "1 square 100%" in text.plain and "2 triangle 80%" in text.plain


def test_picture_is_two_pixel_rows_per_line():
    """A 28x28 picture is 14 lines of 28 half blocks: foreground the upper row's grey, background the lower's."""
    chars, styles = picture_cells(np.array([[1.0] * 28, [0.0] * 28] * 14))
    assert len(chars) == 14 and {len(line) for line in chars} == {28} and chars[0][0] == "▀"
    assert styles[0][0].color.triplet == (255, 255, 255) and styles[0][0].bgcolor.triplet == (0, 0, 0)
    ramp, _ = picture_cells(np.array([[1.0, 0.0], [1.0, 0.0]]), color=False, ascii_only=True)
    assert ramp == [["@", " "]]


def test_downscale_averages_blocks():
    """Shrinking by a factor averages each block; a ragged edge is padded with black."""
    assert downscale(np.ones((4, 4)), 2).tolist() == [[1.0, 1.0], [1.0, 1.0]]
    assert downscale(np.ones((3, 3)), 2).tolist() == [[1.0, 0.5], [0.5, 0.25]]


def test_image_strip_labels_each_picture():
    """Each picture sits above its true class and the guess, marked right or wrong."""
    report = _report()
    strip = image_strip(report.pixels, report.truth, report.predicted, SHAPE_NAMES, 120, 16)
    lines = _lines(strip)
    assert len(lines) == 16 and lines[0].startswith("▀" * 28 + " ")
    assert lines[14].split() == ["circle", "square", "triangle", "cross"]
    assert "✓ circle" in lines[15] and "✗ triangle" in lines[15]
    ascii_strip = image_strip(report.pixels, report.truth, report.predicted, SHAPE_NAMES, 120, 16, False, True)
    assert all(ord(c) < 128 for c in ascii_strip.plain) and "+ circle" in ascii_strip.plain


def test_image_strip_shrinks_pictures_to_fit():
    """Pictures shrink by whole factors until the lines and at least four of them fit; nothing fits, nothing drawn."""
    report = _report(images=8)
    strip = image_strip(report.pixels, report.truth, report.predicted, SHAPE_NAMES, 47, 9)
    lines = _lines(strip)
    assert len(lines) <= 9 and max(len(line) for line in lines) <= 47
    assert lines[0].count("▀") >= 4 * 7, "four pictures, shrunk"
    two_rows = image_strip(report.pixels, report.truth, report.predicted, SHAPE_NAMES, 60, 30)
    assert len(_lines(two_rows)) == 2 * (7 + 2) + 1, "room for a second row of pictures"
    assert image_strip(report.pixels, report.truth, report.predicted, SHAPE_NAMES, 47, 2).plain == ""


def test_report_text_fits_the_view():
    """Title, matrix and pictures stay inside the view; a short view trades the matrix for the accuracies."""
    report = _report(images=8)
    for width, height in [(47, 17), (61, 29), (87, 33), (30, 6)]:
        lines = _lines(report_text(report, SHAPE_NAMES, width, height))
        assert len(lines) <= height and max(len(line) for line in lines) <= width, (width, height)
    full = report_text(report, SHAPE_NAMES, 47, 17).plain
    assert full.startswith("Test set at epoch 3: 90.0% right of 30") and "true\\guess" in full and "▀" in full
    mnist = ImageReport(2, [[90 if i == j else 1 for j in range(10)] for i in range(10)], report.pixels,
                        report.truth, report.predicted)
    names = [f"{i} - digit" for i in range(10)]
    short = report_text(mnist, names, 47, 17).plain
    assert "true\\guess" not in short and "9 - digit 91%" in short and "▀" in short


def test_a_narrow_boundary_legend_drops_words_before_it_is_cut() -> None:
    """At the 48 columns of an 80-column screen the legend still says which points are test points;
    with room it says everything."""
    from tui.render.boundary_cells import BoundaryStyle, legend

    style = BoundaryStyle(color=False)
    narrow, wide = legend(2, style, 48).plain, legend(2, style, 120).plain
    assert len(narrow) <= 48 and "class 1" in narrow and "test" in narrow
    assert "filled train, hollow test" in wide and "shaded by probability (d)" in wide
    assert len(three := legend(3, BoundaryStyle(color=False, ascii_only=True), 48).plain) <= 48 and "test" in three
