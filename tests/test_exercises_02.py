"""The exercises of notebook 02 check what they claim: a correct answer passes, the untouched stub
and a typical mistake do not. The notebook's own cells are run (widgets left out), then each check
cell is run again with a solution written here in place of the stub."""
import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "02_from_logistic_regression_to_networks.ipynb"


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
        for name in ("output_for_one_point", "collapse"):
            if f"{name}(" in source and "check(" in source and "def " not in source:
                checks[name] = source
    assert set(checks) == {"output_for_one_point", "collapse"}
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


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_output_for_one_point(notebook):
    def correct(x, W1, b1, W2, b2):
        return float(sigmoid(W2 @ sigmoid(W1 @ x + b1) + b2)[0])

    def no_hidden_sigmoid(x, W1, b1, W2, b2):
        return float(sigmoid(W2 @ (W1 @ x + b1) + b2)[0])

    assert verdict(notebook, "output_for_one_point", None) == "Not yet"
    assert verdict(notebook, "output_for_one_point", correct) == "Correct"
    assert verdict(notebook, "output_for_one_point", no_hidden_sigmoid) == "Wrong"
    # the value checked is the hand-made V's output at (0.5, 1): computed here from scratch
    a1 = sigmoid(np.array([-3 * 0.5 + 3 * 1.0 + 3, 3 * 0.5 + 3 * 1.0 + 3]))
    assert correct(np.array([0.5, 1.0]), *notebook[0]["V_WEIGHTS"]) == pytest.approx(sigmoid(6 * a1.sum() - 9))


def test_collapse(notebook):
    def correct(W1, b1, W2, b2):
        return W2 @ W1, W2 @ b1 + b2

    def bias_forgotten(W1, b1, W2, b2):
        return W2 @ W1, b2

    assert verdict(notebook, "collapse", None) == "Not yet"
    assert verdict(notebook, "collapse", correct) == "Correct"
    assert verdict(notebook, "collapse", bias_forgotten) == "Wrong"
