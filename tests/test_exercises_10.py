"""Notebook 10's exercises: each check cell accepts a correct answer (written here), and says
"Not yet" to the stub's placeholder and "Wrong" to a typical mistake.

The cells are taken from the notebook itself and run in a namespace prepared by the notebook's
own import cell, so these tests follow the notebook when it changes.
"""
from pathlib import Path

import numpy as np
import pytest

from nbtools import expressivity as ex
from notebook_cells import cell_containing, exercise_verdicts, first_cell_namespace, run_exercise, verdicts

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "10_depth_and_expressivity.ipynb"


@pytest.fixture(scope="module")
def namespace():
    return first_cell_namespace(NOTEBOOK)  # the imports and constants


def check_with(ns, stub_text, check_text, **answer):
    return exercise_verdicts(NOTEBOOK, ns, stub_text, check_text, **answer)


# ---- exercise 1: one unit per true pattern --------------------------------------------------------

BOOL = ("def boolean_weights", "check_boolean_weights(")


def construction(table, sign=1.0, offset=0.5):
    n = int(np.log2(len(table)))
    patterns = ex.all_inputs(n)[np.asarray(table) == 1]
    m = len(patterns)
    return (sign * (2 * patterns - 1), offset - patterns.sum(axis=1), np.full((1, m), 2.0), np.zeros(1))


def test_exercise_1_accepts_the_construction(namespace):
    assert check_with(namespace, *BOOL, boolean_weights=construction) == ["Correct"]


def test_exercise_1_accepts_another_correct_network(namespace):
    def scaled(table):        # ten times larger hidden weights, output weights a tenth: same answers
        W1, b1, W2, b2 = construction(table)
        return 10 * W1, 10 * b1, W2 / 10, b2

    assert check_with(namespace, *BOOL, boolean_weights=scaled) == ["Correct"]


def test_exercise_1_says_not_yet_to_the_placeholder(namespace):
    printed = run_exercise(NOTEBOOK, namespace, *BOOL)
    assert verdicts(printed) == ["Not yet"] and "Correct" not in printed


@pytest.mark.parametrize("wrong", [
    lambda t: construction(t, offset=0.0),      # bias -|p|: z = 0 on p, the unit never fires
    lambda t: construction(t, sign=-1.0),       # +1 and -1 swapped
    lambda t: construction(t, offset=1.5),      # fires on neighbours of p too
    lambda t: construction(1 - np.asarray(t)),  # units for the false patterns
], ids=["bias-without-half", "signs-swapped", "bias-too-large", "false-patterns"])
def test_exercise_1_rejects_typical_mistakes(namespace, wrong):
    assert check_with(namespace, *BOOL, boolean_weights=wrong) == ["Wrong"]


def test_exercise_1_says_wrong_to_transposed_weights(namespace):
    def transposed(table):
        W1, b1, W2, b2 = construction(table)
        return W1.T, b1, W2, b2

    assert check_with(namespace, *BOOL, boolean_weights=transposed) == ["Wrong"]


# ---- exercise 2: pieces of the composed tent map ------------------------------------------------

TENT = ("def tent_pieces", "check_tent_pieces(")


def test_exercise_2_accepts_two_to_the_k(namespace):
    assert check_with(namespace, *TENT, tent_pieces=lambda k: 2 ** k) == ["Correct"]


def test_exercise_2_says_not_yet_to_the_placeholder(namespace):
    assert check_with(namespace, *TENT) == ["Not yet"]


@pytest.mark.parametrize("wrong", [lambda k: 2 * k, lambda k: 2 ** k - 1, lambda k: 2 ** (k + 1),
                                   lambda k: k + 1],
                         ids=["2k", "kinks-not-pieces", "one-too-many", "k+1"])
def test_exercise_2_rejects_typical_mistakes(namespace, wrong):
    assert check_with(namespace, *TENT, tent_pieces=wrong) == ["Wrong"]


def test_check_cells_show_no_reference_value():
    for check_text in (BOOL[1], TENT[1]):
        source = cell_containing(NOTEBOOK, check_text)
        assert "2 **" not in source and "tent_network" not in source and "0.5" not in source
