"""Layout for the exported script: lines as ruff's formatter would leave them (88 columns, long calls
and lists broken over lines, two blank lines around top-level definitions). The script must pass
`ruff format --diff`, so the writers of its parts leave every layout decision to these helpers."""

from __future__ import annotations

import textwrap

WIDTH = 88  # the script's line length, as ruff's and black's formatters have it


def call(target: str, function: str, arguments: list[str], indent: str = "", suffix: str = "") -> str:
    """A call (`target` before it, `suffix` after) on one line, or with its arguments on the next
    when too long, or one argument a line when they do not fit there either, as a formatter would."""
    line = f"{indent}{target}{function}({', '.join(arguments)}){suffix}"
    if len(line) <= WIDTH:
        return line
    inner = f"{indent}    {', '.join(arguments)}"
    if len(inner) <= WIDTH:
        return f"{indent}{target}{function}(\n{inner}\n{indent}){suffix}"
    exploded = "".join(f"{indent}    {argument},\n" for argument in arguments)  # one a line, as the formatter does
    return f"{indent}{target}{function}(\n{exploded}{indent}){suffix}"


def list_literal(values: list, prefix: str, indent: str = "") -> str:
    """`prefix` (say "sizes = ") and a list literal of ints or strings, exploded one item a line when
    it does not fit, as a formatter would."""
    items = [string(v) if isinstance(v, str) else repr(v) for v in values]
    flat = f"{indent}{prefix}[{', '.join(items)}]"
    if len(flat) <= WIDTH:
        return flat
    return f"{indent}{prefix}[\n" + "".join(f"{indent}    {item},\n" for item in items) + f"{indent}]"


def string(text: str) -> str:
    """A string literal in the formatter's style: double quotes unless the text holds one."""
    literal = repr(text)
    if literal.startswith("'") and '"' not in text:
        return '"' + literal[1:-1].replace("\\'", "'") + '"'
    return literal


def comment(text: str, indent: str = "") -> list[str]:
    """A comment wrapped to the line length."""
    return textwrap.wrap(text, WIDTH, initial_indent=indent + "# ", subsequent_indent=indent + "# ")


def fit(block: str) -> str:
    """Lines longer than WIDTH lose their trailing comment to a line of its own above them, and
    long comment lines are wrapped. (Generated inline comments start with two spaces and a #.)"""
    out = []
    for line in block.splitlines():
        indent = line[: len(line) - len(line.lstrip())]
        code, sep, note = line.partition("  # ")
        if len(line) > WIDTH and sep and code.strip():
            out += comment(note, indent)
            out.append(code)
        elif len(line) > WIDTH and line.lstrip().startswith("# "):
            out += comment(line.lstrip()[2:], indent)
        else:
            out.append(line)
    return "\n".join(out)


def join(blocks: list[str]) -> str:
    """Blocks one blank line apart, two around top-level functions and classes (PEP 8)."""
    out = blocks[0]
    for before, block in zip(blocks, blocks[1:]):
        gap = "\n\n\n" if _ends_with_definition(before) or _starts_with_definition(block) else "\n\n"
        out += gap + block
    return out + "\n"


def units(n: int, what: str) -> str:
    """A count and its noun: "1 output", "3 outputs"."""
    return f"{n} {what}" + ("s" if n != 1 else "")


def _code_lines(block: str) -> list[str]:
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def _starts_with_definition(block: str) -> bool:
    lines = _code_lines(block)
    return bool(lines) and lines[0].startswith(("def ", "class "))


def _ends_with_definition(block: str) -> bool:
    top = [line for line in _code_lines(block) if not line[0].isspace()]
    return bool(top) and top[-1].startswith(("def ", "class "))
