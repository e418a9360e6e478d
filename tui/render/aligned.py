"""Rows of text cells as columns two spaces apart, each as wide as its widest cell: the tables
`nntui runs`, `nntui compare` and `nntui sweep` print."""

from __future__ import annotations


def aligned(rows: list[list[str]]) -> list[str]:
    """One line per row, the cells padded to their column's width (trailing blanks cut)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
