"""Notebook 06's exercises: each check cell accepts a correct answer (written here), and says
"Not yet" to the stub's placeholder and "Wrong" to a typical mistake.

The cells are taken from the notebook itself and run in a namespace prepared by the notebook's
own import and data cells, so these tests follow the notebook when it changes.
"""
from pathlib import Path

import numpy as np
import pytest

from nbtools import blocks, init
from nbtools.losses import BinaryCrossEntropy
from nbtools.nn import MLP
from notebook_cells import cell_containing, code_cells, run_cell, run_exercise, verdicts

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "06_activations_and_vanishing_gradients.ipynb"


@pytest.fixture(scope="module")
def namespace():
    ns = {}
    run_cell(code_cells(NOTEBOOK, skip_tags=())[0], ns)                      # the imports and constants
    run_cell(cell_containing(NOTEBOOK, "X, y = data.moons(n=N_POINTS"), ns)  # the data every section uses
    return ns


def check_with(ns, stub_text, check_text, **answer):
    """The verdicts of the check cell, with ``answer`` or else the stub's placeholder."""
    return verdicts(run_exercise(NOTEBOOK, ns, stub_text, check_text, **answer))


# ---- exercise 1: the leaky ReLU's derivative ------------------------------------------------------

def test_exercise_1_accepts_the_derivative(namespace):
    def leaky_relu_derivative(z, alpha=0.01):
        return np.where(z >= 0, 1.0, alpha)

    assert check_with(namespace, "def leaky_relu_derivative", "leaky_relu_derivative(z, alpha=0.1)",
                      leaky_relu_derivative=leaky_relu_derivative) == ["Correct"]


def test_exercise_1_says_not_yet_to_the_placeholder(namespace):
    assert check_with(namespace, "def leaky_relu_derivative", "leaky_relu_derivative(z, alpha=0.1)") == ["Not yet"]


def test_exercise_1_rejects_the_relu_derivative(namespace):
    def relu_derivative(z, alpha=0.01):
        return (z > 0).astype(float)

    assert check_with(namespace, "def leaky_relu_derivative", "leaky_relu_derivative(z, alpha=0.1)",
                      leaky_relu_derivative=relu_derivative) == ["Wrong"]


# ---- exercise 2: predict, then measure the slowest layer -------------------------------------------

def _slowest_layer_by_plain_backprop(ns):
    """The answer, from nn.MLP's own backward pass on the same weights (not from gradstats)."""
    deep = blocks.deep_net(8, ns["WIDTH"], "tanh", init.normal(1.0), seed=0)
    mlp = MLP([2] + [ns["WIDTH"]] * 8 + [1], hidden="tanh", seed=0)
    mlp.set_weights(deep.get_weights())
    loss = BinaryCrossEntropy()
    loss(mlp.forward(ns["X"]), ns["y"])
    mlp.zero_grad()
    mlp.backward(loss.backward())
    return int(np.argmin([np.linalg.norm(d.grads["W"]) for d in mlp.dense])) + 1


def test_exercise_2_accepts_the_measured_layer(namespace):
    answer = _slowest_layer_by_plain_backprop(namespace)
    assert answer == 9  # the output layer: saturated tanh units make the deltas grow backwards
    assert check_with(namespace, "slowest_layer = 0", "measured = int(np.argmin",
                      slowest_layer=answer) == ["Correct"]


def test_exercise_2_says_not_yet_to_the_placeholder(namespace):
    assert check_with(namespace, "slowest_layer = 0", "measured = int(np.argmin") == ["Not yet"]


def test_exercise_2_rejects_the_first_layer(namespace):
    assert check_with(namespace, "slowest_layer = 0", "measured = int(np.argmin", slowest_layer=1) == ["Wrong"]


# ---- exercise 3: the fraction of dead units ---------------------------------------------------------

DEAD_STUB, DEAD_CHECK = "def dead_fraction", "check_dead_fraction(dead_fraction"


def test_exercise_3_accepts_the_fraction_of_all_zero_columns(namespace):
    def dead_fraction(a):
        return np.mean(np.all(a == 0, axis=0))

    assert check_with(namespace, DEAD_STUB, DEAD_CHECK, dead_fraction=dead_fraction) == ["Correct"]


def test_exercise_3_says_not_yet_to_the_placeholder(namespace):
    assert check_with(namespace, DEAD_STUB, DEAD_CHECK) == ["Not yet"]


@pytest.mark.parametrize("mistake", [
    lambda a: np.mean(a == 0),                       # zero entries instead of all-zero columns
    lambda a: np.sum(np.all(a == 0, axis=0)),        # a count instead of a fraction
    lambda a: np.mean(np.all(a == 0, axis=1)),       # rows (samples) instead of columns (units)
    lambda a: np.mean(np.all(a < 1e-6, axis=0)),     # a tiny activation is alive, not dead
    lambda a: 0.25,                                  # the answer of the example in the text
], ids=["entries", "count", "rows", "threshold", "example's answer"])
def test_exercise_3_rejects_typical_mistakes(namespace, mistake):
    assert check_with(namespace, DEAD_STUB, DEAD_CHECK, dead_fraction=mistake) == ["Wrong"]


def test_exercise_checks_show_no_reference_value():
    """The visible check cells compute no expected value the student could read off or copy."""
    dead = cell_containing(NOTEBOOK, DEAD_CHECK)
    assert "layer_stats" not in dead and "0.25" not in dead and "np.all" not in dead
    leaky = cell_containing(NOTEBOOK, "leaky_relu_derivative(z, alpha=0.1)")
    assert "alpha where" not in leaky and ">= 0" not in leaky
