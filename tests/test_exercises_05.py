"""The exercises of notebook 05 check what they claim: a correct answer passes, the untouched stub
and a typical mistake do not. The notebook's own cells are run (widgets left out), then each check
cell is run again with a solution written here in place of the stub."""
import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "05_hidden_representations.ipynb"


def _code_cells():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if cell["cell_type"] == "code" and "nbval-ignore-output" not in cell["metadata"].get("tags", []):
            source = "".join(cell["source"])
            yield "\n".join(line for line in source.splitlines() if not line.startswith("%"))


@pytest.fixture(scope="module")
def notebook():
    """(namespace after running the notebook, {function name: its check cell's source})."""
    namespace, checks = {}, {}
    with redirect_stdout(io.StringIO()):
        for source in _code_cells():
            exec(source, namespace)
    for source in _code_cells():
        for name in ("brute_force_settings", "output_from_features"):
            if f"{name}(" in source and "check(" in source and "def " not in source:
                checks[name] = source
    assert set(checks) == {"brute_force_settings", "output_from_features"}
    return namespace, checks


def verdict(notebook, name, solution):
    namespace, checks = notebook
    namespace = dict(namespace)
    if solution is not None:
        namespace[name] = solution
    out = io.StringIO()
    with redirect_stdout(out):
        exec(checks[name], namespace)
    return out.getvalue().split(":")[0]


def test_brute_force_settings(notebook):
    def correct(sizes, k):
        return k ** sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))

    def biases_forgotten(sizes, k):
        return k ** sum(n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))

    assert correct([2, 4, 2, 1], 5) == 5 ** 25      # 12 + 10 + 3 parameters, counted by hand
    assert verdict(notebook, "brute_force_settings", None) == "Not yet"
    assert verdict(notebook, "brute_force_settings", correct) == "Correct"
    assert verdict(notebook, "brute_force_settings", biases_forgotten) == "Wrong"


def test_output_from_features(notebook):
    def correct(features, W, b):
        return 1 / (1 + np.exp(-(features @ W.T + b)[:, 0]))

    def no_sigmoid(features, W, b):
        return (features @ W.T + b)[:, 0]

    assert verdict(notebook, "output_from_features", None) == "Not yet"
    assert verdict(notebook, "output_from_features", correct) == "Correct"
    assert verdict(notebook, "output_from_features", no_sigmoid) == "Wrong"
