"""Notebook 09's exercises: each check cell accepts a correct answer (written here), and says
"Not yet" to the stub's placeholder and "Wrong" to a typical mistake.

The cells are taken from the notebook itself and run in a namespace prepared by the notebook's
own import cell, so these tests follow the notebook when it changes.
"""
from pathlib import Path

import numpy as np
import pytest

from nbtools import blocks, optim
from notebook_cells import cell_containing, exercise_verdicts, first_cell_namespace, run_cell

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "09_regularization_and_capacity.ipynb"


@pytest.fixture(scope="module")
def namespace():
    return first_cell_namespace(NOTEBOOK)  # the imports and constants


def check_with(ns, stub_text, check_text, **answer):
    return exercise_verdicts(NOTEBOOK, ns, stub_text, check_text, **answer)


# ---- exercise 1: dropout forward and backward ----------------------------------------------------------

DROP = ("def dropout_forward", "check_dropout(")


def forward(a, keep, rate):
    return np.where(keep, a / (1 - rate), 0.0)


def backward(grad_out, keep, rate):
    return np.where(keep, grad_out / (1 - rate), 0.0)


def test_exercise_1_accepts_inverted_dropout(namespace):
    assert check_with(namespace, *DROP, dropout_forward=forward, dropout_backward=backward) == ["Correct"] * 2


def test_exercise_1_agrees_with_the_layer():
    # the reference of the check is the layer's rule: mask = keep / (1 - rate)
    drop = blocks.Dropout(0.4, seed=3)
    a = np.random.default_rng(0).normal(size=(6, 5))
    out = drop.forward(a)
    keep = drop.mask > 0
    np.testing.assert_allclose(out, forward(a, keep, 0.4))
    np.testing.assert_allclose(drop.backward(a), backward(a, keep, 0.4))


def test_exercise_1_says_not_yet_to_the_placeholders(namespace):
    assert check_with(namespace, *DROP) == ["Not yet"] * 2


@pytest.mark.parametrize("wrong_forward, wrong_backward", [
    (lambda a, keep, rate: np.where(keep, a, 0.0), lambda g, keep, rate: np.where(keep, g, 0.0)),   # not inverted
    (lambda a, keep, rate: np.where(keep, a * (1 - rate), 0.0),
     lambda g, keep, rate: np.where(keep, g * (1 - rate), 0.0)),                                  # multiplied
    (lambda a, keep, rate: np.where(keep, 0.0, a / rate), lambda g, keep, rate: g),               # keep inverted
], ids=["no-scaling", "times-instead-of-divided", "dropped-the-kept"])
def test_exercise_1_rejects_typical_mistakes(namespace, wrong_forward, wrong_backward):
    assert check_with(namespace, *DROP, dropout_forward=wrong_forward,
                      dropout_backward=wrong_backward) == ["Wrong"] * 2


def test_exercise_1_rejects_a_backward_without_the_mask(namespace):
    assert check_with(namespace, *DROP, dropout_forward=forward,
                      dropout_backward=lambda g, keep, rate: g / (1 - rate)) == ["Correct", "Wrong"]


# ---- exercise 2: the weight-decay update and the matching l2 ---------------------------------------------

WD = ("def weight_decay_step", "check_weight_decay_step(")


def decay(w, g, lr, lam):
    return (1 - lr * lam) * w - lr * g


def test_exercise_2_accepts_the_chapters_rule_and_half_the_rate(namespace):
    assert check_with(namespace, *WD, weight_decay_step=decay, equivalent_l2=0.005) == ["Correct"] * 2


def test_exercise_2_rule_matches_sgd_with_weight_decay():
    w, g = np.array([1.0, -2.0]), np.array([0.5, 0.5])
    p = w.copy()
    optim.SGD(lr=0.1, weight_decay=0.3).step([p], [g])
    np.testing.assert_allclose(decay(w, g, 0.1, 0.3), p)


def test_exercise_2_says_not_yet_to_the_placeholders(namespace):
    assert check_with(namespace, *WD) == ["Not yet"] * 2


@pytest.mark.parametrize("wrong", [
    lambda w, g, lr, lam: (1 - lam) * w - lr * g,              # forgot the learning rate in the decay
    lambda w, g, lr, lam: w - lr * (g + 2 * lam * w),          # the penalty's factor 2
    lambda w, g, lr, lam: (1 + lr * lam) * w - lr * g,         # grows instead of shrinking
], ids=["no-lr", "factor-two", "sign"])
def test_exercise_2_rejects_typical_mistakes_in_the_rule(namespace, wrong):
    assert check_with(namespace, *WD, weight_decay_step=wrong, equivalent_l2=0.005) == ["Wrong", "Correct"]


@pytest.mark.parametrize("wrong", [0.01, 0.02], ids=["same-number", "twice"])
def test_exercise_2_rejects_typical_mistakes_in_the_rate(namespace, wrong):
    assert check_with(namespace, *WD, weight_decay_step=decay, equivalent_l2=wrong) == ["Correct", "Wrong"]


# ---- exercise 3: reading an early-stopping curve -----------------------------------------------------------

READ = ("stopped_epoch = 0", "check_early_stopping_reading(")


@pytest.fixture(scope="module")
def exercise_namespace(namespace):
    ns = dict(namespace)
    run_cell(cell_containing(NOTEBOOK, "exercise = run_experiment("), ns)   # the run and its figure
    return ns


def test_exercise_3_accepts_the_epochs_of_the_run(exercise_namespace):
    h = exercise_namespace["exercise"].history
    best = int(np.argmin(h.val_loss))                      # independent of fit's own bookkeeping
    assert check_with(exercise_namespace, *READ, best_epoch=best, stopped_epoch=best + 15) == ["Correct"] * 2
    assert check_with(exercise_namespace, *READ, best_epoch=best + 1,
                      stopped_epoch=best + 14) == ["Correct"] * 2      # read from a plot: 2 epochs slack


def test_exercise_3_says_not_yet_to_the_placeholders(exercise_namespace):
    assert check_with(exercise_namespace, *READ) == ["Not yet"] * 2


def test_exercise_3_rejects_typical_mistakes(exercise_namespace):
    h = exercise_namespace["exercise"].history
    best, last = int(np.argmin(h.val_loss)), len(h.val_loss) - 1
    # the lowest training loss (the last epoch) for the best one, and the epochs asked for
    assert check_with(exercise_namespace, *READ, best_epoch=last, stopped_epoch=150) == ["Wrong"] * 2
    assert last - best > 2


def test_check_cells_show_no_reference_value():
    for check_text in (DROP[1], WD[1], READ[1]):
        source = cell_containing(NOTEBOOK, check_text)
        assert "0.005" not in source and "argmin" not in source and "1 - " not in source
