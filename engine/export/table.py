"""A CSV run's data as source code, for `engine.export.script`: the script reads the files with Python's
csv module and prepares them as engine.data.csv_table and engine.data.preprocess do (rows with missing cells
dropped, a split drawn from a generator of its own, numbers standardised with the training rows'
statistics, text one-hot encoded, labels mapped to class indices), so that it trains on nntui's
very tensors. What the engine decided from the data (which column is the target, which features
are text, the task) is written in as constants; everything else the script works out itself."""

from __future__ import annotations

from engine.data.preprocess import MISSING, TableSchema
from engine.export.plan import ScriptPlan
from engine.export.text import WIDTH, list_literal, string


def table_imports(plan: ScriptPlan) -> tuple[list[str], list[str]]:
    """What the data code imports: standard modules, and import lines from torch beyond nn and optim."""
    several = len(plan.config.data.paths) > 1
    return ["csv"], ["from torch.utils.data import ConcatDataset, Dataset"] if several else []


def table_blocks(plan: ScriptPlan, schema: TableSchema) -> list[str]:
    """The script's data section, block by block: what was found, the readers, the rows, the split,
    the encoding, and the four tensors X, y, X_test and y_test."""
    blocks = [_constants(schema), _readers(schema.delimiter)]
    if len(plan.config.data.paths) > 1:
        blocks.append(_CSV_FILE)
    blocks += [_rows(plan), _split(plan)]
    if schema.task == "classification":
        blocks.append(_classes(schema))
    blocks += _encoding(plan, schema)
    return blocks


def _constants(schema: TableSchema) -> str:
    text = [c.name for c in schema.columns if c.kind == "categorical"]
    mixed = 0 < len(text) < len(schema.columns)
    kinds = "" if mixed else ", all text (one-hot encoded)" if text else ", all numbers (standardised)"
    missing = ", ".join(string(m) for m in sorted(MISSING, key=lambda m: (len(m), m)))
    lines = ["# What nntui found in the table when it exported this run",
             f"TARGET = {string(schema.target)}  # the column to predict",
             f"# The input columns, in the file's order{kinds}",
             list_literal([c.name for c in schema.columns], "FEATURES = ")]
    if mixed:
        lines += ["# The text columns among them (one-hot encoded); the others hold numbers (standardised)",
                  list_literal(text, "TEXT_FEATURES = ")]
    lines += ["# Cells that count as missing, in any case", f"MISSING = {{{missing}}}"]
    return "\n".join(lines)


def _readers(delimiter: str) -> str:
    """The file reader; a table whose cells nntui found separated by something else than commas
    is read with that delimiter."""
    if delimiter == ",":
        return _READERS
    return _READERS.replace("csv.reader(file)", f"csv.reader(file, delimiter={delimiter!r})").replace(
        "CSV file as", f"CSV file (cells separated by {delimiter!r}) as")


_READERS = '''\
def read_rows(path):
    """The data rows of a CSV file as {column: cell} dictionaries, skipping blank lines."""
    with open(path, newline="", encoding="utf-8-sig") as file:
        lines = [cells for cells in csv.reader(file) if any(c.strip() for c in cells)]
    header = [name.strip() for name in lines[0]]
    return [dict(zip(header, cells, strict=True)) for cells in lines[1:]]


def has_missing_cell(row):
    """Whether any cell of the row is empty, NA, NaN, null, n/a or none."""
    return any(cell.strip().lower() in MISSING for cell in row.values())'''


_CSV_FILE = '''\
class CsvFile(Dataset):
    """One file's rows; a custom Dataset needs only __len__ and __getitem__."""

    def __init__(self, path):
        self.rows = read_rows(path)

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, index):
        return self.rows[index]'''


def _rows(plan: ScriptPlan) -> str:
    data = plan.config.data
    if len(data.paths) == 1:
        lines = ["# Read the table", f"rows = read_rows({string(data.paths[0])})"]
    else:
        lines = ["# Read the tables, one Dataset per file, joined end to end (they have the same columns)",
                 list_literal(data.paths, "files = "),
                 "dataset = ConcatDataset([CsvFile(path) for path in files])",
                 "rows = [dataset[i] for i in range(len(dataset))]"]
    if data.missing == "drop":
        lines += ["rows = [row for row in rows if not has_missing_cell(row)]  # drop incomplete rows"]
    else:
        lines += ["if any(has_missing_cell(row) for row in rows):",
                  '    raise SystemExit("A row has a missing cell: complete or remove it")']
    return "\n".join(lines)


def _split(plan: ScriptPlan) -> str:
    data = plan.config.data
    generator = ["split_generator = torch.Generator().manual_seed(" + repr(data.seed) + ")",
                 "row_order = torch.randperm(len(rows), generator=split_generator).tolist()"]
    if not data.test_fraction:
        return "\n".join(["# Shuffle the rows with a generator of their own (the seeded one above is left",
                          "# to the weights); there is no test set", *generator,
                          "train_rows = [rows[i] for i in row_order]"])
    share = f"{data.test_fraction * 100:g}%"
    return "\n".join([f"# Hold out {share} of the rows for testing, picked at random by a generator of",
                      "# their own (the seeded one above is left to the weights)", *generator,
                      f"n_test = round(len(rows) * {data.test_fraction!r})",
                      "test_rows = [rows[i] for i in row_order[:n_test]]",
                      "train_rows = [rows[i] for i in row_order[n_test:]]"])


def _classes(schema: TableSchema) -> str:
    if all(_is_number(label) for label in schema.labels):
        return ("# The classes: the target's values in numeric order; a row's label is its class's index\n"
                "classes = sorted({row[TARGET].strip() for row in rows}, key=lambda c: (float(c), c))")
    return ("# The classes: the target's distinct values, sorted; a row's label is its class's index\n"
            "classes = sorted({row[TARGET].strip() for row in rows})")


def _encoding(plan: ScriptPlan, schema: TableSchema) -> list[str]:
    """Categories, statistics, `encode`, and its calls on the two splits."""
    kinds = {c.kind for c in schema.columns}
    text, numbers = "categorical" in kinds, "numeric" in kinds
    regression = schema.task == "regression" and plan.config.data.standardize_target
    blocks = []
    column_loop = "for column in TEXT_FEATURES" if numbers else "for column in FEATURES"
    if text:
        blocks.append("# The values of each text column, sorted: one 0/1 input each (one-hot encoding)\n"
                      + _comprehension("categories", "column: sorted({row[column].strip() for row in rows})",
                                       [column_loop]))
    if numbers or regression:
        blocks.append(_STANDARDISATION)
    if numbers:
        subset = ["if column not in TEXT_FEATURES"] if text else []
        blocks.append("# Numeric columns are standardised: (x - mean) / std\n"
                      + _comprehension("statistics", "column: standardisation(column)", ["for column in FEATURES", *subset]))
    if regression:
        blocks.append("# The target is standardised too, so that any unit trains alike; the model's outputs\n"
                      "# times target_std plus target_mean are in the target's own unit\n"
                      "target_mean, target_std = standardisation(TARGET)")
    blocks.append(_encode(plan, schema, text, numbers))
    calls = "# Encode the training rows" + (" and the test rows" if plan.n_test else "") + "\nX, y = encode(train_rows)"
    if plan.n_test:
        calls += "\nX_test, y_test = encode(test_rows)"
    return blocks + [calls + plan.to_device("X", "y") + (plan.to_device("X_test", "y_test") if plan.n_test else "")]


_STANDARDISATION = '''\
def standardisation(column):
    """The mean and standard deviation of a numeric column over the training rows only:
    the test rows must not leak into what the model learns from."""
    x = torch.tensor([float(row[column]) for row in train_rows], dtype=torch.float64)
    std = x.std(unbiased=False).item()
    # A constant column (std 0) is only centred
    return x.mean().item(), (std if std > 0 else 1.0)'''


def _encode(plan: ScriptPlan, schema: TableSchema, text: bool, numbers: bool) -> str:
    loop = ["    inputs = []", "    for row in rows:", "        values = []", "        for column in FEATURES:"]
    one_hot = "values += [float(cell == value) for value in categories[column]]"
    standardise = ["mean, std = statistics[column]", "values.append((float(cell) - mean) / std)"]
    if text and numbers:
        loop += ["            cell = row[column].strip()",
                 "            if column in TEXT_FEATURES:  # 1.0 for the row's value, 0.0 for the others",
                 f"                {one_hot}",
                 "            else:",
                 *("                " + line for line in standardise)]
    elif text:
        loop += ["            cell = row[column].strip()",
                 "            # One-hot: 1.0 for the row's value, 0.0 for the others",
                 f"            {one_hot}"]
    else:
        loop += ["            cell = row[column]", *("            " + line for line in standardise)]
    loop += ["        inputs.append(values)"]
    if schema.task == "regression":
        value = "(float(row[TARGET]) - target_mean) / target_std" if plan.config.data.standardize_target else \
            "float(row[TARGET])"
        targets = [f"    targets = [{value} for row in rows]",
                   "    return torch.tensor(inputs), torch.tensor(targets).unsqueeze(1)  # one target column"]
        kind = "one column of standardised values"
    elif plan.config.train.loss == "cross_entropy":
        targets = ["    targets = [classes.index(row[TARGET].strip()) for row in rows]",
                   "    return torch.tensor(inputs), torch.tensor(targets)"]
        kind = "class indices"
    else:
        targets = ["    targets = [classes.index(row[TARGET].strip()) for row in rows]",
                   "    # One column of 0.0 and 1.0: the probability that the row is of class 1",
                   "    return torch.tensor(inputs), torch.tensor(targets, dtype=torch.float32).unsqueeze(1)"]
        kind = "one column of 0 and 1"
    return "\n".join(["def encode(rows):",
                      f'    """The rows as a tensor of inputs and one of targets ({kind})."""',
                      *loop, *targets])


def _comprehension(name: str, item: str, clauses: list[str]) -> str:
    """`name = {item for ... if ...}`, broken inside the braces when too long, then between its
    clauses, as a formatter would."""
    inside = " ".join([item, *clauses])
    if len(f"{name} = {{{inside}}}") <= WIDTH:
        return f"{name} = {{{inside}}}"
    if len(inside) + 4 <= WIDTH:
        return f"{name} = {{\n    {inside}\n}}"
    return f"{name} = {{\n" + "".join(f"    {part}\n" for part in [item, *clauses]) + "}"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
