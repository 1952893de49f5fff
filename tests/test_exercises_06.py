"""Notebook 06's exercises: each check cell accepts a correct answer (written here), and says
"Not yet" to the stub's placeholder and "Wrong" to a typical mistake.

The cells are taken from the notebook itself and run in a namespace prepared by the notebook's
own import and data cells, so these tests follow the notebook when it changes.
"""
import contextlib
import io
import json
from pathlib import Path

import numpy as np
import pytest

from nbtools import blocks, init
from nbtools.losses import BinaryCrossEntropy
from nbtools.nn import MLP

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "06_activations_and_vanishing_gradients.ipynb"
CODE = ["".join(c["source"]) for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
        if c["cell_type"] == "code"]


def cell(text):
    """The one code cell of the notebook whose source contains ``text``."""
    found = [src for src in CODE if text in src]
    assert len(found) == 1, f"{len(found)} cells contain {text!r}"
    return found[0]


def run(source, ns):
    """Execute a cell's source in ``ns`` and return what it printed."""
    source = "\n".join(line for line in source.splitlines() if not line.startswith("%"))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, str(NOTEBOOK), "exec"), ns)
    return out.getvalue()


@pytest.fixture(scope="module")
def namespace():
    ns = {}
    run(CODE[0], ns)                              # the imports and constants
    run(cell("X, y = data.moons(n=N_POINTS"), ns)  # the data every section uses
    return ns


def verdicts(output):
    return [line.split(":")[0] for line in output.strip().splitlines()]


def check_with(ns, stub_text, check_text, **answer):
    ns = dict(ns)
    if answer:
        ns.update(answer)
    else:
        run(cell(stub_text), ns)                  # the placeholder from the stub
    return verdicts(run(cell(check_text), ns))


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
    """The answer, from nn.MLP's own backward pass on the same weights (not from gradflow)."""
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

def test_exercise_3_accepts_the_fraction_of_all_zero_columns(namespace):
    def dead_fraction(a):
        return np.mean(np.all(a == 0, axis=0))

    assert check_with(namespace, "def dead_fraction", "dead_fraction(a) of the 3 x 4 example",
                      dead_fraction=dead_fraction) == ["Correct", "Correct"]


def test_exercise_3_says_not_yet_to_the_placeholder(namespace):
    assert check_with(namespace, "def dead_fraction", "dead_fraction(a) of the 3 x 4 example") == ["Not yet"] * 2


def test_exercise_3_rejects_the_fraction_of_zero_entries(namespace):
    def zero_entries(a):
        return np.mean(a == 0)

    assert check_with(namespace, "def dead_fraction", "dead_fraction(a) of the 3 x 4 example",
                      dead_fraction=zero_entries) == ["Wrong", "Wrong"]
