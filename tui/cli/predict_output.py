"""`nntui predict --output FILE`: the input rows written back as CSV with the model's answer
appended (its class and probability, every class's with --proba, or the value), so the answers
can be joined to the inputs. A row that could not be predicted keeps its place with empty answers."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.runs.predict import Prediction, TableAnswers


def answer_columns(labels: tuple[str, ...], proba: bool) -> list[str]:
    """The columns appended to each row."""
    if not labels:
        return ["prediction"]
    return ["prediction", "probability", *(f"p({label})" for label in labels if proba)]


def answer_cells(prediction: Prediction, labels: tuple[str, ...], proba: bool) -> list[str]:
    if prediction.error:
        return [""] * len(answer_columns(labels, proba))
    if not labels:
        return [repr(prediction.value)]
    every = [repr(p) for _, p in prediction.probabilities] if proba else []
    return [prediction.label or "", repr(prediction.probability), *every]


def write_predictions(output: Path, answers: list[TableAnswers | list[Prediction]], labels: tuple[str, ...],
                      proba: bool) -> str | None:
    """Write every input's rows and answers to `output`; a problem to report instead, or None.
    Tables must share their columns; images are written as a `file` column."""
    from engine.files.atomic import write_text_atomic

    tables = [a for a in answers if not isinstance(a, list)]
    images = [p for a in answers if isinstance(a, list) for p in a]
    if tables and images:
        return "cannot write CSV rows and images to one file; predict them separately"
    headers = {table.header for table in tables}
    if len(headers) > 1:
        return "the CSV inputs have different columns; write one file each"
    extra = answer_columns(labels, proba)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if tables:
        writer.writerow([*tables[0].header, *extra])
        for table in tables:
            for cells, prediction in zip(table.cells, table.predictions):
                writer.writerow([*cells, *answer_cells(prediction, labels, proba)])
    else:
        writer.writerow(["file", *extra])
        for prediction in images:
            writer.writerow([prediction.file, *answer_cells(prediction, labels, proba)])
    try:
        write_text_atomic(output, buffer.getvalue())
    except OSError as err:
        return f"cannot write {output}: {err.strerror or err}"
    return None
