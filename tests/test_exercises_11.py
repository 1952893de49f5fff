"""Notebook 11's exercises: each check cell accepts a correct answer (written here), and says
"Not yet" to the stub's placeholder and "Wrong" to a typical mistake.

The cells are taken from the notebook itself and run in a namespace prepared by the notebook's
own cells (the imports, the split, the training and the confusion matrix), so these tests follow
the notebook when it changes.
"""
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest

from notebook_cells import cell_containing, exercise_verdicts, first_cell_namespace, run_cell

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "11_real_data_digits.ipynb"


@pytest.fixture(scope="module")
def namespace():
    ns = first_cell_namespace(NOTEBOOK)                        # the imports and constants
    for text in ("X, y = data.digits()", "X_rest, X_test", "history = fit(net", "test_loss, test_acc = evaluate(",
                 "C = metrics.confusion_matrix(",
                 "bottleneck = nn.Sequential(", "C_bottleneck = metrics.confusion_matrix("):
        run_cell(cell_containing(NOTEBOOK, text), ns)
    plt.close("all")
    return ns


def check_with(ns, stub_text, check_text, **answer):
    return exercise_verdicts(NOTEBOOK, ns, stub_text, check_text, **answer)


# ---- exercise 1: the gradient of softmax cross-entropy for one row ----------------------------------

GRAD = ("def ce_gradient", "check_softmax_ce_gradient(")


def stable(z, c):
    e = np.exp(z - z.max())
    p = e / e.sum()
    p[c] -= 1.0
    return p


def test_exercise_1_accepts_p_minus_the_one_hot_row(namespace):
    assert check_with(namespace, *GRAD, ce_gradient=stable) == ["Correct"]


def test_exercise_1_reference_is_the_gradient_of_the_loss():
    # independent of the check: central differences of -log softmax(z)_c
    z, c, h = np.array([0.3, -1.2, 2.0, 0.0]), 2, 1e-6
    def loss(v):
        return -(v[c] - np.log(np.exp(v).sum()))
    numeric = np.array([(loss(z + h * e) - loss(z - h * e)) / (2 * h) for e in np.eye(4)])
    np.testing.assert_allclose(stable(z, c), numeric, atol=1e-8)


def test_exercise_1_says_not_yet_to_the_placeholder(namespace):
    assert check_with(namespace, *GRAD) == ["Not yet"]


def naive(z, c):
    p = np.exp(z) / np.exp(z).sum()           # overflows for logits in the hundreds
    p[c] -= 1.0
    return p


@pytest.mark.parametrize("wrong", [
    lambda z, c: np.exp(z - z.max()) / np.exp(z - z.max()).sum(),         # forgot the - e_c
    lambda z, c: np.eye(len(z))[c] - np.exp(z - z.max()) / np.exp(z - z.max()).sum(),   # sign
    naive,                                                                  # not stable
    lambda z, c: stable(z, c) / len(z),                                     # divided by k
], ids=["no-onehot", "sign", "overflows", "divided-by-k"])
def test_exercise_1_rejects_typical_mistakes(namespace, wrong):
    assert check_with(namespace, *GRAD, ce_gradient=wrong) == ["Wrong"]


# ---- exercise 2: reading the confusion matrix ------------------------------------------------------

READ = ("true_digit = 0", "check_confusion_reading(")


def largest_confusion(ns):
    """(true, predicted) pairs with the most test images mistaken by the bottleneck network,
    counted from the labels by brute force."""
    y_true, y_pred = ns["y_test"], ns["bottleneck"].predict(ns["X_test"])
    pairs = [(int(t), int(p)) for t, p in zip(y_true, y_pred) if t != p]
    counts = {pair: pairs.count(pair) for pair in set(pairs)}
    best = max(counts.values())
    return [pair for pair, n in counts.items() if n == best]


def test_exercise_2_accepts_the_largest_cell(namespace):
    for true, predicted in largest_confusion(namespace):
        assert check_with(namespace, *READ, true_digit=true, predicted_digit=predicted) == ["Correct"]


def test_exercise_2_says_not_yet_to_the_placeholder(namespace):
    assert check_with(namespace, *READ) == ["Not yet"]


def test_exercise_2_rejects_the_transposed_cell_a_diagonal_cell_and_a_small_cell(namespace):
    true, predicted = largest_confusion(namespace)[0]
    C = namespace["C_bottleneck"]
    assert check_with(namespace, *READ, true_digit=predicted, predicted_digit=true) == ["Wrong"]
    assert check_with(namespace, *READ, true_digit=3, predicted_digit=3) == ["Wrong"]
    small = next((i, j) for i in range(10) for j in range(10) if i != j and C[i, j] == 0)
    assert check_with(namespace, *READ, true_digit=small[0], predicted_digit=small[1]) == ["Wrong"]
    assert check_with(namespace, *READ, true_digit="six", predicted_digit=0) == ["Wrong"]


# ---- exercise 3: per-class accuracy from the confusion matrix ------------------------------------

ACC = ("def class_accuracy", "check_per_class_accuracy(")


def test_exercise_3_accepts_the_diagonal_over_the_row_sums(namespace):
    correct = lambda C: np.diag(C) / C.sum(axis=1)
    assert check_with(namespace, *ACC, class_accuracy=correct) == ["Correct"]
    # and that is the share of each digit's test images predicted right, counted from the labels
    y_true, y_pred = namespace["y_test"], namespace["net"].predict(namespace["X_test"])
    by_labels = [np.mean(y_pred[y_true == d] == d) for d in range(10)]
    np.testing.assert_allclose(correct(namespace["C"]), by_labels)


def test_exercise_3_says_not_yet_to_the_placeholder(namespace):
    assert check_with(namespace, *ACC) == ["Not yet"]


@pytest.mark.parametrize("wrong", [
    lambda C: np.diag(C) / C.sum(axis=0),          # column sums: the precision
    lambda C: np.diag(C) / C.sum(),                # the share of all images
    lambda C: np.full(len(C), np.trace(C) / C.sum()),   # the overall accuracy for every class
], ids=["columns", "total", "overall"])
def test_exercise_3_rejects_typical_mistakes(namespace, wrong):
    assert check_with(namespace, *ACC, class_accuracy=wrong) == ["Wrong"]
