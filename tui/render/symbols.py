"""One symbol per meaning, wherever points and class regions are drawn (the trainer in colour,
without colour and in 7-bit text, and the boundary `nntui run` prints): a point's shape is its
class, filled for a training point and hollow for a test point; in 7-bit text the shape is a
letter, lower case for training and upper case for test. Regions without colour are shaded with
one character per class."""

from __future__ import annotations

TRAIN_SHAPES = "●■▲◆★▼◀▶"  # class 0, 1, 2, ...: filled for training points
TEST_SHAPES = "○□△◇☆▽◁▷"  # the same shapes hollow for test points
ASCII_SHAPES = "ostdavlr"  # o circle, s square, t triangle, d diamond, a asterisk, v, l, r: train; upper case: test
REGIONS_UNICODE = "·░▒▓-=~^"
REGIONS_ASCII = ".:-=~^'`"


def point_marker(label: int, is_test: bool = False, ascii_only: bool = False) -> str:
    """The character of a point of class `label`."""
    if ascii_only:
        letter = ASCII_SHAPES[label % len(ASCII_SHAPES)]
        return letter.upper() if is_test else letter
    shapes = TEST_SHAPES if is_test else TRAIN_SHAPES
    return shapes[label % len(shapes)]


def region_char(label: int, ascii_only: bool = False) -> str:
    """The character shading class `label`'s region where there is no colour."""
    regions = REGIONS_ASCII if ascii_only else REGIONS_UNICODE
    return regions[label % len(regions)]


def symbols_help(ascii_only: bool = False) -> str:
    """The rule in words, for the help screen."""
    first = ", ".join(f"class {c} {point_marker(c, False, ascii_only)}/{point_marker(c, True, ascii_only)}"
                      for c in range(3))
    fill = "lower case train, upper case test" if ascii_only else "filled train, hollow test"
    return (f"Points: the shape is the class, {fill} ({first}, ...); without colour a region is shaded "
            f"with its class's character ({', '.join(repr(region_char(c, ascii_only)) for c in range(3))}, ...).")
