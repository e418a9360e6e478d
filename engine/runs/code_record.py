"""The user's code a run imported, kept in its folder: a copy of each file under code/ and
code.json naming, for each import field, the import string, the user's file and the SHA-256 of
what ran. `--resume` and `predict` import the copies, and refuse when the user's file has changed
since (unless told to use the current code); `runs`, `compare` and `watch` read none of it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import IO

from engine.code.frames import shown_path
from engine.code.loader import Loaded, digest
from engine.config.rules import uses_code
from engine.config.schema import RunConfig
from engine.errors import CheckpointError
from engine.files.atomic import write_atomic, write_text_atomic
from engine.files.reading import MIB, read_limited, read_text
from engine.runs import layout


@dataclass(frozen=True)
class CodeFile:
    """One imported file as a run folder records it."""

    field: str  # model.module | data.module
    target: str  # the import string
    file: str  # the user's file, absolute
    sha256: str  # of the source that ran
    copy: str  # the copy, relative to the run folder


@dataclass(frozen=True)
class RecordedCode:
    """What a resumed or predicting run imports: the user's files mapped to the folder's copies
    (empty: import the files as they are now), and a line saying so for each."""

    copies: dict[str, Path]
    notes: tuple[str, ...] = ()


def write_code(folder: str | Path, loaded: Sequence[Loaded]) -> None:
    """Copy what ran into `folder`/code/ and write code.json (nothing for a run without user files;
    an importable package.module is the environment's, not copied)."""
    items = [(item, item.target.file) for item in loaded if item.target.file is not None]
    if not items:
        return
    files = [CodeFile(item.field, item.target.text, str(file), item.sha256,
                      f"{layout.CODE}/{item.field.split('.')[0]}_{file.name}") for item, file in items]
    base = Path(folder)
    (base / layout.CODE).mkdir(exist_ok=True)
    for entry, (item, _) in zip(files, items):
        write_atomic(base / entry.copy, partial(_write_bytes, item.source))
    write_text_atomic(base / layout.CODE_MANIFEST, json.dumps({"files": [asdict(f) for f in files]}, indent=1))


def read_manifest(folder: Path) -> list[CodeFile]:
    path = folder / layout.CODE_MANIFEST
    try:
        raw = json.loads(read_text(path, "the run's code manifest", MIB, CheckpointError))
        return [CodeFile(**entry) for entry in raw["files"]]
    except (ValueError, KeyError, TypeError) as err:
        raise CheckpointError(f"{path}: not an nntui code manifest ({err})") from None


def recorded_code(folder: str | Path, config: RunConfig, use_current: bool, doing: str) -> RecordedCode:
    """The code a run of `folder` imports for `doing` ("--resume", "predict"): the recorded copies,
    checked against their hashes; CheckpointError when the user's file changed since, unless
    `use_current` (then the files as they are now)."""
    base = Path(folder)
    if not uses_code(config):
        return RecordedCode({})
    if not (base / layout.CODE_MANIFEST).exists():
        if use_current:
            return RecordedCode({}, (f"{doing}: the run recorded no copy of its code; importing the files as they "
                                     "are now (--use-current-code)",))
        raise CheckpointError(f"{base / layout.CODE_MANIFEST}: missing, so the code the run trained is unknown; "
                              "pass --use-current-code to import the files as they are now")
    copies, notes = {}, []
    for entry in read_manifest(base):
        copy = base / entry.copy
        kept = read_limited(copy, "a recorded Python file", 16 * MIB, CheckpointError)
        if digest(kept) != entry.sha256:
            raise CheckpointError(f"{copy}: does not match its SHA-256 in {layout.CODE_MANIFEST} (edited since?)")
        user = Path(entry.file)
        try:
            now = digest(read_limited(user, "a Python file", 16 * MIB))
        except Exception:  # gone, or unreadable: the copy is all there is
            now = None
        if now is not None and now != entry.sha256:
            if use_current:
                notes.append(f"{doing}: {shown_path(entry.file)} changed since the run was recorded; importing it "
                             "as it is now (--use-current-code)")
                continue
            raise CheckpointError(f"{shown_path(entry.file)} ({entry.field}) changed since the run was recorded "
                                  f"(sha256 {entry.sha256[:12]} then, {now[:12]} now); {doing} imports the recorded "
                                  f"copy {copy} only for an unchanged file: restore it, or pass --use-current-code")
        copies[entry.file] = copy
        notes.append(f"{doing}: importing {entry.target} from the run's recorded copy {copy} "
                     f"(sha256 {entry.sha256[:12]})")
    return RecordedCode(copies, tuple(notes))


def _write_bytes(data: bytes, handle: IO[bytes]) -> None:
    handle.write(data)
