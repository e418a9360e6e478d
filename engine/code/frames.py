"""Errors raised inside the user's own code, told by the user's own frames: their file, line and
source line, as pytest shows them, rather than nntui's or torch's. The message is one line (the
CLI's, the form's marked field); `report` has the frames one per line (the trainer's dialog)."""

from __future__ import annotations

import sysconfig
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from engine.config.problems import ConfigError, Problem

_OURS = [Path(__file__).resolve().parents[2] / name for name in ("engine", "tui")]
_LIBRARIES = [Path(sysconfig.get_paths()[key]).resolve() for key in ("stdlib", "platstdlib", "purelib", "platlib")]
T = TypeVar("T")


@dataclass(frozen=True)
class UserFrame:
    """One frame of the user's code."""

    file: str  # as shown: relative to the working folder where it is inside it
    line: int
    function: str
    source: str  # the line's text, stripped

    def __str__(self) -> str:
        return f"{self.file}:{self.line} in {self.function}" + (f": {self.source}" if self.source else "")


class UserCodeError(ConfigError):
    """The user's code raised, or returned what nntui cannot use; `frames` are its own (outermost first)."""

    def __init__(self, field: str, message: str, frames: tuple[UserFrame, ...] = ()):
        self.frames = frames
        super().__init__([Problem(field, message + _where(frames))])
        self.headline = message

    @property
    def report(self) -> str:
        """The message and the user's frames, a line each, as a dialog shows them."""
        return "\n".join([str(self.problems[0].path) + ": " + self.headline, *frame_lines(self.frames)])


def _where(frames: tuple[UserFrame, ...]) -> str:
    return f" (at {' > '.join(str(f) for f in frames)})" if frames else ""


def frame_lines(frames: tuple[UserFrame, ...]) -> list[str]:
    """The frames as pytest lists them: `file:line, in function`, then the source line indented."""
    lines = []
    for frame in frames:
        lines.append(f"  {frame.file}:{frame.line}, in {frame.function}")
        if frame.source:
            lines.append(f"    {frame.source}")
    return lines


def _is_users(filename: str) -> bool:
    if filename.startswith("<"):
        return False
    path = Path(filename).resolve()
    return not any(path.is_relative_to(root) for root in (*_OURS, *_LIBRARIES))


def shown_path(filename: str) -> str:
    """A path as messages show it: relative to the working folder when inside it."""
    path = Path(filename)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def user_frames(err: BaseException) -> tuple[UserFrame, ...]:
    """The frames of `err`'s traceback that are in the user's files (not nntui, torch or Python)."""
    found = []
    for frame in traceback.extract_tb(err.__traceback__):
        if _is_users(frame.filename):
            found.append(UserFrame(shown_path(frame.filename), frame.lineno or 0, frame.name,
                                   (frame.line or "").strip()))
    if isinstance(err, SyntaxError) and err.filename and _is_users(err.filename):
        found.append(UserFrame(shown_path(err.filename), err.lineno or 0, "<module>", (err.text or "").strip()))
    return tuple(found[-6:])  # the innermost few: a deep recursion would not fit a line


def raised(err: BaseException) -> str:
    """`ValueError: boom`, the exception's first line."""
    text = str(err).strip().splitlines()[0] if str(err).strip() else ""
    if isinstance(err, SyntaxError):
        text = err.msg
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def failure_report(err: BaseException) -> str:
    """What the trainer's dialog shows for an error that ended a run: the message and the user's
    frames, a line each, where it was raised in (or passed through) the user's own code; "" where
    none of its frames are theirs (nntui's own failures keep their one-line message)."""
    if isinstance(err, UserCodeError):
        return err.report if err.frames else ""
    frames = user_frames(err)
    return "\n".join([f"Your code raised {raised(err)}", *frame_lines(frames)]) if frames else ""


def failure_message(err: BaseException) -> str:
    """The one-line message of an error raised in (or through) the user's code mid-run, its type
    and their frames: `ValueError: boom (at net.py:12 in forward: ... > ...)`; "" where it has none
    of their frames, or is a UserCodeError (whose message says them already)."""
    frames = () if isinstance(err, UserCodeError) else user_frames(err)
    return raised(err) + _where(frames) if frames else ""


def call_user(function: Callable[..., T], field: str, doing: str, *args: Any, **kwargs: Any) -> T:
    """`function(*args, **kwargs)` for user code; anything it raises becomes a UserCodeError
    naming `field`, saying `doing` ("net.py:Net raised while building the model") and its frames."""
    try:
        return function(*args, **kwargs)
    except ConfigError:
        raise
    except Exception as err:
        raise UserCodeError(field, f"{doing}: {raised(err)}", user_frames(err)) from None
