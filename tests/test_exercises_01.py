"""The self-checks of notebook 01's exercises: they accept a correct answer, say "Not yet" to the
untouched stub, and reject typical mistakes.

The stub and check cells are read from the committed notebook and run here as they are, so these
tests follow the notebook when it changes. Correct and wrong answers are written in this file.
"""
import math
from pathlib import Path

import numpy as np
import pytest

from nbtools import graphnet
from nbtools.exercises import check, check_forward_by_hand, check_layer_6_7
from notebook_cells import cell_containing, run_cell, run_check

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "01_networks_as_graphs.ipynb"


def printed_by(check_text, **answers):
    """Run the check cell containing ``check_text`` with the student's answers; return its output."""
    namespace = {"np": np, "graphnet": graphnet, "check": check, "sigmoid": graphnet.sigmoid,
                 "check_forward_by_hand": check_forward_by_hand, "check_layer_6_7": check_layer_6_7}
    return run_check(cell_containing(NOTEBOOK, check_text), namespace, **answers)


def stub(def_text, name):
    """The function the untouched stub cell defines."""
    namespace = {"np": np, "sigmoid": graphnet.sigmoid}
    run_cell(cell_containing(NOTEBOOK, def_text), namespace)
    return namespace[name]


def sig(z):
    return 1.0 / (1.0 + math.exp(-z))


# ---- Exercise 1: forward_by_hand ------------------------------------------------------------------
def correct_forward(x):
    a3, a4 = sig(2 * x - 1), sig(-x + 0.5)
    a6, a7 = sig(a3 - 2 * a4 + 0.5), sig(a4 - 0.5)
    return sig(2 * a6 - a7 + 0.5)


def forward_without_bias(x):          # forgets the bias neurons
    a3, a4 = sig(2 * x), sig(-x)
    a6, a7 = sig(a3 - 2 * a4), sig(a4)
    return sig(2 * a6 - a7)


def forward_with_sigmoid_on_input(x):  # the input neuron applies no function
    return correct_forward(sig(x))


CHECK_1 = "check_forward_by_hand(forward_by_hand)"


def test_exercise_1_accepts_the_correct_answer():
    assert correct_forward(1.0) == pytest.approx(0.7797434, abs=1e-7)   # the notebook's number
    assert printed_by(CHECK_1, forward_by_hand=correct_forward).startswith("Correct")


def test_exercise_1_says_not_yet_to_the_stub():
    placeholder = stub("def forward_by_hand", "forward_by_hand")
    assert placeholder(1.0) == 0.0
    assert printed_by(CHECK_1, forward_by_hand=placeholder).startswith("Not yet")


@pytest.mark.parametrize("wrong", [forward_without_bias, forward_with_sigmoid_on_input])
def test_exercise_1_rejects_typical_mistakes(wrong):
    out = printed_by(CHECK_1, forward_by_hand=wrong)
    assert out.startswith("Wrong") and "Hint:" in out


# ---- Exercise 2: the matrices of the layer computing 6 and 7 -----------------------------------
CHECK_2 = "check_layer_6_7(layer_6_7)"


def test_exercise_2_accepts_the_correct_answer():
    def correct():
        # rows: into 6, into 7; columns: from 3, from 4; no edge 3 -> 7
        return np.array([[1.0, -2.0], [0.0, 1.0]]), np.array([0.5, -0.5])

    out = printed_by(CHECK_2, layer_6_7=correct)
    assert out.splitlines() == ["Correct: W matches.", "Correct: b matches."]


def test_exercise_2_says_not_yet_to_the_stub():
    placeholder = stub("def layer_6_7", "layer_6_7")
    W, b = placeholder()
    assert W.shape == (2, 2) and b.shape == (2,)
    lines = printed_by(CHECK_2, layer_6_7=placeholder).splitlines()
    assert len(lines) == 2 and all(line.startswith("Not yet") for line in lines)


def test_exercise_2_rejects_the_transposed_matrix():
    def transposed():   # rows for the sending neurons: weights filed with the wrong neuron
        return np.array([[1.0, 0.0], [-2.0, 1.0]]), np.array([0.5, -0.5])

    lines = printed_by(CHECK_2, layer_6_7=transposed).splitlines()
    assert lines[0].startswith("Wrong: W") and "INTO neuron" in lines[0]
    assert "expected -2, got 0" in lines[0]
    assert lines[1] == "Correct: b matches."


def test_check_cells_do_not_compute_the_answer_in_sight():
    # the reference values are computed inside nbtools.exercises, not in the cell the student reads
    for text in (CHECK_1, CHECK_2):
        cell = cell_containing(NOTEBOOK, text)
        assert "running_example" not in cell and "to_matrices" not in cell and "forward(" not in cell


def test_exercise_2_says_what_to_return():
    out = printed_by(CHECK_2, layer_6_7=lambda: np.zeros((2, 2)))
    assert out.startswith("Wrong: layer_6_7() should return a pair (W, b).")
