"""The exercises of notebook 05 check what they claim: a correct answer passes, the untouched stub
and a typical mistake do not. The notebook's own cells are run (widgets left out), then each check
cell is run again with a solution written here in place of the stub."""
from pathlib import Path

import numpy as np
import pytest

from notebook_cells import cell_containing, check_cells, run_cells, run_check

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "05_hidden_representations.ipynb"
EXERCISES = ("brute_force_settings", "output_from_features")


@pytest.fixture(scope="module")
def notebook():
    """(namespace after running the notebook, {function name: its check cell's source})."""
    checks = check_cells(NOTEBOOK, EXERCISES)
    checks["brute_force_settings"] = cell_containing(NOTEBOOK, "check_brute_force_settings(brute_force_settings)")
    assert set(checks) == set(EXERCISES)
    return run_cells(NOTEBOOK), checks


def verdict(notebook, name, solution):
    """The first word the check cell of ``name`` prints with ``solution`` (None: the stub's)."""
    namespace, checks = notebook
    answers = {} if solution is None else {name: solution}
    return run_check(checks[name], namespace, **answers).split(":")[0]


def test_brute_force_settings(notebook):
    def correct(sizes, k):
        return k ** sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))

    def biases_forgotten(sizes, k):
        return k ** sum(n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))

    assert correct([2, 4, 2, 1], 5) == 5 ** 25      # 12 + 10 + 3 parameters, counted by hand
    assert verdict(notebook, "brute_force_settings", None) == "Not yet"
    assert verdict(notebook, "brute_force_settings", correct) == "Correct"
    assert verdict(notebook, "brute_force_settings", biases_forgotten) == "Wrong"

    def float_answer(sizes, k):          # a float is as good as an exact integer
        return float(correct(sizes, k))

    def only_the_example(sizes, k):      # right for the network the exercise names, wrong elsewhere
        return 5 ** 25

    def the_count_itself(sizes, k):      # forgot to raise k to the count
        return sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))

    assert verdict(notebook, "brute_force_settings", float_answer) == "Correct"
    assert verdict(notebook, "brute_force_settings", only_the_example) == "Wrong"
    assert verdict(notebook, "brute_force_settings", the_count_itself) == "Wrong"


def test_brute_force_check_shows_no_reference_value():
    """The visible check cell must not compute the answer (n_params) where the student reads it."""
    source = cell_containing(NOTEBOOK, "check_brute_force_settings(brute_force_settings)")
    assert "n_params" not in source and "**" not in source


def test_output_from_features(notebook):
    def correct(features, W, b):
        return 1 / (1 + np.exp(-(features @ W.T + b)[:, 0]))

    def no_sigmoid(features, W, b):
        return (features @ W.T + b)[:, 0]

    assert verdict(notebook, "output_from_features", None) == "Not yet"
    assert verdict(notebook, "output_from_features", correct) == "Correct"
    assert verdict(notebook, "output_from_features", no_sigmoid) == "Wrong"
