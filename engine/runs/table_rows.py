"""The rows of a CSV file given to `nntui predict`, read leniently: a ragged row, a missing cell or
an unseen category makes that row bad (with its line and column), not the file. A file that
cannot be a table of the run's inputs at all (unreadable, empty, a needed column absent) is refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from engine.data.csv_header import columns_text, header_line, open_table, reading, table_reader
from engine.data.preprocess import TableSchema, encode_row
from engine.errors import DataError

if TYPE_CHECKING:
    import torch


@dataclass
class TableRows:
    """Every data row of a file: its cells and line, the good rows encoded, the bad ones' reasons."""

    header: tuple[str, ...]
    lines: list[int] = field(default_factory=list)
    cells: list[tuple[str, ...]] = field(default_factory=list)
    good_lines: list[int] = field(default_factory=list)
    encoded: torch.Tensor | list = field(default_factory=list)
    problems: dict[int, str] = field(default_factory=dict)  # line -> what is wrong with it


def read_rows(name: str, schema: TableSchema, handle: TextIO | None = None) -> TableRows:
    """Read `name` (or `handle`, an open text stream such as stdin) and encode each row with `schema`."""
    import torch

    with reading(name):
        stream = handle if handle is not None else open_table(name)
        try:
            reader, _ = table_reader(stream)
            header = header_line(reader, name)
            missing = [c.name for c in schema.columns if c.name not in header]
            if missing:
                raise DataError(f"{name}, line 1: no column {', '.join(repr(m) for m in missing)} (the model needs "
                                f"{columns_text(tuple(c.name for c in schema.columns))})")
            table = TableRows(header)
            vectors = []
            for cells in reader:
                if not any(cell.strip() for cell in cells):
                    continue
                line = reader.line_num
                table.lines.append(line)
                table.cells.append(tuple(cells))
                where = f"{name}, line {line}"
                if len(cells) != len(header):
                    table.problems[line] = f"{where}: {len(cells)} cells, but the header has {len(header)} columns"
                    continue
                try:
                    vectors.append(encode_row(schema, dict(zip(header, cells)), where))
                except DataError as err:
                    table.problems[line] = str(err)
                    continue
                table.good_lines.append(line)
        finally:
            if handle is None:
                stream.close()
    table.encoded = torch.tensor(vectors, dtype=torch.float32).reshape(len(vectors), schema.features)
    return table
