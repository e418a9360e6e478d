"""The form's module file is parsed once per version of the file (path, modification time and
size): listing its names and reading the chosen one's arguments on every edit share one parse."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from engine.code.listing import definitions
from engine.code.source_args import source_signature
from engine.config.problems import ConfigError
from tests.own_code.files import NET, write


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The files ast.parse is asked to parse while the test runs."""
    seen: list[str] = []
    real = ast.parse

    def counting(source, filename="<unknown>", *args, **kwargs):
        seen.append(str(filename))
        return real(source, filename, *args, **kwargs)

    monkeypatch.setattr(ast, "parse", counting)
    return seen


def test_listing_and_arguments_of_an_unchanged_file_parse_it_once(tmp_path: Path, parses: list[str]) -> None:
    """Names, then the arguments, then the names again (the next keystroke): one parse."""
    net = write(tmp_path, "net.py", NET)
    assert [d.name for d in definitions(net)] == ["Net", "make"]
    assert [a.name for a in source_signature(net, "Net").args] == ["inputs", "hidden", "outputs", "act"]
    assert [d.name for d in definitions(net)] == ["Net", "make"]
    assert parses == [str(net)]


def test_an_edited_file_is_parsed_again(tmp_path: Path, parses: list[str]) -> None:
    """A new size (or modification time) is a new version: its new names show."""
    net = write(tmp_path, "net.py", NET)
    definitions(net)
    net.write_text(net.read_text(encoding="utf-8") + "\n\nclass Other:\n    pass\n", encoding="utf-8")
    assert [d.name for d in definitions(net)] == ["Net", "make", "Other"]
    stat = net.stat()
    net.write_text(net.read_text(encoding="utf-8").replace("Other", "Again"), encoding="utf-8")  # same size
    os.utime(net, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert [d.name for d in definitions(net)] == ["Net", "make", "Again"]
    assert len(parses) == 3


def test_a_fifo_is_refused_without_being_read(tmp_path: Path) -> None:
    """A pipe where the module file should be: the field's one-line message, no hang, no cache."""
    fifo = tmp_path / "net.py"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="model.module"):
        definitions(fifo)
    assert source_signature(fifo, "Net") is None
