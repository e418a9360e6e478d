"""The docs cannot drift from the code: the generated pages are up to date, the hand-written ones
name every command, preset and field, every page is linked from the README front door, and every
link resolves."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from engine.config.fields import FIELDS
from engine.config.presets import PRESETS
from tui.cli.main import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
LINK = re.compile(r"\]\(([^)#]+)(?:#[^)]*)?\)")


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_generate", DOCS / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def hand_written(page: str) -> str:
    """A page without its generated part."""
    text = (DOCS / page).read_text()
    gen = generator()
    return text.split(gen.START)[0] + text.split(gen.END)[-1] if gen.START in text else text


def test_the_generated_pages_are_up_to_date() -> None:
    """fields.md, architecture.md and cli.md's options hold what the code makes of them now."""
    gen = generator()
    stale = gen.stale_pages()
    assert not stale, f"out of date: {', '.join(stale)}; run `{gen.COMMAND}`"


def test_a_field_missing_from_fields_md_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check can fail: with one more field in the table, fields.md is out of date."""
    import engine.config.fields as fields

    monkeypatch.setattr(fields, "FIELDS", (*fields.FIELDS, fields.FieldSpec("train", "epochs", int, "a new field")))
    assert "fields.md" in generator().stale_pages()


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_is_in_the_hand_written_table_of_cli_md(command: str) -> None:
    """Each command has a row in cli.md's own table (its options are in the generated part)."""
    assert f"`nntui {command}" in hand_written("cli.md")


def test_every_preset_is_in_presets_md() -> None:
    """Each preset has a row in the presets table."""
    text = (DOCS / "presets.md").read_text()
    assert [name for name in PRESETS if f"| `{name}` |" not in text] == []


def test_every_field_and_its_option_are_in_fields_md() -> None:
    """Each configuration field's path and option are in the field reference."""
    text = (DOCS / "fields.md").read_text()
    assert [s.path for s in FIELDS if f"`{s.path}`" not in text or s.flag not in text] == []


def test_the_readme_links_every_page_and_keeps_the_ci_command() -> None:
    """The front door links each docs page, and its test command is the one .ci/run runs."""
    readme = (ROOT / "README.md").read_text()
    assert [p.name for p in PAGES if f"(docs/{p.name})" not in readme] == []
    ci_command = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert ci_command in readme


@pytest.mark.parametrize("page", [ROOT / "README.md", *PAGES], ids=lambda p: p.name)
def test_every_relative_link_resolves(page: Path) -> None:
    """A link to a file of the repository names a file that exists."""
    targets = [t for t in LINK.findall(page.read_text()) if "://" not in t]
    missing = [t for t in targets if not (page.parent / t.replace("%5B", "[").replace("%5D", "]")).exists()]
    assert missing == []
