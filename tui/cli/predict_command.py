"""`nntui predict`: a saved run's model applied to new rows or images, printed, or written back
beside the input rows. Bad rows are reported by line and the others still answered (exit 1);
--strict refuses the whole input at its first bad row (exit 2)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from tui.cli.exit_codes import EXIT_FAILED
from tui.cli.options import NO_VALUE, fail

if TYPE_CHECKING:
    from engine.runs.predict import Prediction, Predictor, TableAnswers

STDIN = "-"


def predict_command(
    run_dir: Annotated[Path, typer.Argument(help="a run folder written by `nntui run --save`", show_default=False)],
    inputs: Annotated[list[str], typer.Argument(help="CSV files (one prediction per row; - reads standard input), "
                                                "image files, or .pt tensor files (a run on your own Dataset: one "
                                                "prediction per row of the tensor)", show_default=False)],
    json_lines: Annotated[bool, typer.Option("--json", help="one JSON object per prediction", metavar=NO_VALUE)] = False,
    proba: Annotated[bool, typer.Option("--proba", help="every class's probability, not only the likeliest's",
                                        metavar=NO_VALUE)] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="write the input rows with the prediction "
                                                   "appended to this CSV file", show_default=False)] = None,
    strict: Annotated[bool, typer.Option("--strict", help="refuse an input at its first bad row (exit 2) instead "
                                         "of answering the others", metavar=NO_VALUE)] = False,
    best: Annotated[bool, typer.Option("--best", help="use best.pt, the weights of the run's lowest test loss "
                                       "(recorded with --keep-best), instead of model.pt", metavar=NO_VALUE)] = False,
    use_current_code: Annotated[bool, typer.Option("--use-current-code", help="import your module file as it is "
                                                   "now, though it changed since the run recorded it",
                                                   metavar=NO_VALUE)] = False,
) -> None:
    """Apply a saved run's model to new CSV rows or images, with the run's own preprocessing."""
    from engine.errors import InputError
    from engine.runs.predict import load_predictor

    if inputs.count(STDIN) > 1:
        raise fail("inputs: - (standard input) can be given once")
    try:
        predictor = load_predictor(run_dir, best, use_current_code)
        for note in predictor.notes:
            typer.echo(note, err=True)
        answers = [_answer(predictor, item, strict) for item in inputs]
    except InputError as err:  # a bad run folder, model file or input file (or row, with --strict)
        raise fail(str(err)) from None
    found = [p for answer in answers for p in (answer.predictions if not isinstance(answer, list) else answer)]
    if output is not None:
        from tui.cli.predict_output import write_predictions

        # (a run on Dataset items names its classes by index, as its outputs give them)
        labels = predictor.labels() or next((tuple(n for n, _ in p.probabilities) for p in found if p.probabilities), ())
        problem = write_predictions(output, answers, labels, proba)
        if problem:
            raise fail(f"--output: {problem}")
        typer.echo(f"Wrote {sum(not p.error for p in found)} predictions to {output}", err=True)
    else:
        _print(found, json_lines, proba)
    bad = [p for p in found if p.error]
    for prediction in bad:
        typer.echo(f"nntui: predict: {prediction.error}", err=True)
    if bad:
        typer.echo(f"nntui: predict: {len(bad)} of {len(found)} inputs could not be predicted "
                   "(--strict refuses the input instead)", err=True)
        raise typer.Exit(EXIT_FAILED)


def _answer(predictor: Predictor, item: str, strict: bool) -> TableAnswers | list[Prediction]:
    """One input's answers: a table's rows, or a one-item list for an image."""
    from engine.runs.predict import is_image
    from engine.runs.tensor_inputs import is_tensor_file

    if item == STDIN:
        return predictor.predict_table("stdin", sys.stdin, strict=strict)
    if is_tensor_file(item):  # a run on your own Dataset: one answer per row of the tensor
        return predictor.predict_tensors(item)
    if is_image(item):
        return [predictor.predict_image(item)]
    return predictor.predict_table(item, strict=strict)


def _print(found: list[Prediction], json_lines: bool, proba: bool) -> None:
    import json

    for prediction in found:
        if prediction.error:
            continue  # on stderr, after the answers
        if json_lines:
            typer.echo(json.dumps(prediction.as_dict(every_class=proba)))
        elif prediction.label is not None:
            line = f"{prediction.source}: {prediction.label} ({prediction.probability:.1%})"
            if proba:
                line += "  [" + ", ".join(f"{label} {p:.1%}" for label, p in prediction.probabilities) + "]"
            typer.echo(line)
        else:
            typer.echo(f"{prediction.source}: {prediction.value:.6g}")
