"""The exercises of notebook 02 check what they claim: a correct answer passes, the untouched stub
and a typical mistake do not. The notebook's own cells are run (widgets left out), then each check
cell is run again with a solution written here in place of the stub."""
from pathlib import Path

import numpy as np
import pytest

from notebook_cells import cell_containing, check_cells, run_cells, run_check

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "02_from_logistic_regression_to_networks.ipynb"
EXERCISES = ("collapse",)
CHECK_1 = "check_output_for_one_point(output_for_one_point)"


@pytest.fixture(scope="module")
def notebook():
    """(namespace after running the notebook, {function name: its check cell's source})."""
    checks = check_cells(NOTEBOOK, EXERCISES)
    assert set(checks) == set(EXERCISES)
    checks["output_for_one_point"] = cell_containing(NOTEBOOK, CHECK_1)
    return run_cells(NOTEBOOK), checks


def verdict(notebook, name, solution):
    """The first word the check cell of ``name`` prints with ``solution`` (None: the stub's)."""
    namespace, checks = notebook
    answers = {} if solution is None else {name: solution}
    return run_check(checks[name], namespace, **answers).split(":")[0]


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
    from nbtools.exercises import V_WEIGHTS
    assert correct(np.array([0.5, 1.0]), *V_WEIGHTS) == pytest.approx(sigmoid(6 * a1.sum() - 9))
    # the reference value is computed in nbtools.exercises, not in the cell the student reads
    assert "MLP" not in checks_of(notebook)["output_for_one_point"]


def checks_of(notebook):
    return notebook[1]


def test_collapse(notebook):
    def correct(W1, b1, W2, b2):
        return W2 @ W1, W2 @ b1 + b2

    def bias_forgotten(W1, b1, W2, b2):
        return W2 @ W1, b2

    assert verdict(notebook, "collapse", None) == "Not yet"
    assert verdict(notebook, "collapse", correct) == "Correct"
    assert verdict(notebook, "collapse", bias_forgotten) == "Wrong"
