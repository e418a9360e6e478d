"""The form reads a user class's arguments from its file without running it: names, defaults as
written and as values, type hints, keyword-only ones, **kwargs, and nothing for what it cannot see."""

from __future__ import annotations

from pathlib import Path

from engine.code.source_args import NO_DEFAULT, source_signature

NET = '''
import torch.nn as nn
open("ran", "w")  # a file the form must never run

class Net(nn.Module):
    def __init__(self, hidden: int = 32, sizes=(8, 8), act: str = "relu", *, depth=2, fn=len):
        super().__init__()

class Open(nn.Module):
    def __init__(self, width: int, **options):
        super().__init__()

class Inherits(nn.Module):
    pass

def make_net(n_in: int, p: float = 0.5):
    return Net()
'''


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "net.py"
    path.write_text(NET, encoding="utf-8")
    return path


def test_a_class_s_arguments_come_with_defaults_and_hints_and_the_file_is_not_run(tmp_path: Path) -> None:
    signature = source_signature(_file(tmp_path), "Net")
    assert [(a.name, a.default, a.value, a.hint) for a in signature.args[:4]] == [
        ("hidden", "32", 32, "int"), ("sizes", "(8, 8)", [8, 8], ""), ("act", "'relu'", "relu", "str"),
        ("depth", "2", 2, "")]
    assert not signature.open_ended
    assert not (tmp_path / "ran").exists() and not Path("ran").exists()


def test_a_default_no_configuration_can_hold_is_shown_but_has_no_value(tmp_path: Path) -> None:
    fn = source_signature(_file(tmp_path), "Net").args[4]
    assert (fn.name, fn.default, fn.value is NO_DEFAULT, fn.required) == ("fn", "len", True, False)


def test_a_required_argument_and_kwargs_are_told(tmp_path: Path) -> None:
    signature = source_signature(_file(tmp_path), "Open")
    assert [(a.name, a.required) for a in signature.args] == [("width", True)]
    assert signature.open_ended


def test_a_factory_function_s_arguments(tmp_path: Path) -> None:
    signature = source_signature(_file(tmp_path), "make_net")
    assert [(a.name, a.value) for a in signature.args][1] == ("p", 0.5)
    assert signature.args[0].required


def test_an_inherited_init_is_open_ended_and_a_missing_name_or_file_is_none(tmp_path: Path) -> None:
    assert source_signature(_file(tmp_path), "Inherits").open_ended
    assert source_signature(_file(tmp_path), "Nope") is None
    assert source_signature(tmp_path / "gone.py", "Net") is None
    (tmp_path / "bad.py").write_text("def (:\n", encoding="utf-8")
    assert source_signature(tmp_path / "bad.py", "Net") is None
