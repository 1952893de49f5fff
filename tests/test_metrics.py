"""Tests of nbtools.metrics: the confusion matrix and per-class accuracy, against counts by hand
and a brute-force double loop."""
import numpy as np
import pytest

from nbtools import metrics


def test_confusion_matrix_by_hand():
    # true 0 0 1 2 2 ; predicted 0 1 1 2 0: one 0 right, one 0 taken for 1, the 1 right,
    # one 2 right, one 2 taken for 0
    C = metrics.confusion_matrix([0, 0, 1, 2, 2], [0, 1, 1, 2, 0], n_classes=3)
    assert C.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 1]]
    assert C.dtype == np.int64


def test_confusion_matrix_equals_a_brute_force_count():
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 5, 200), rng.integers(0, 5, 200)
    C = metrics.confusion_matrix(y_true, y_pred, n_classes=5)
    brute = [[sum(1 for t, p in zip(y_true, y_pred) if t == i and p == j) for j in range(5)]
             for i in range(5)]
    assert C.tolist() == brute
    assert C.sum() == 200 and np.trace(C) == np.sum(y_true == y_pred)
    assert C.sum(axis=1).tolist() == np.bincount(y_true, minlength=5).tolist()


def test_n_classes_defaults_to_the_largest_label_and_can_add_empty_classes():
    assert metrics.confusion_matrix([0, 2], [1, 2]).shape == (3, 3)
    assert metrics.confusion_matrix([0, 2], [1, 2], n_classes=10).shape == (10, 10)


def test_per_class_accuracy_is_the_diagonal_over_the_row_sums():
    acc = metrics.per_class_accuracy([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], n_classes=4)
    assert acc[:3].tolist() == [0.5, 1.0, 2 / 3]
    assert np.isnan(acc[3])          # no sample of class 3: nothing to be right about


def test_most_confused_finds_the_largest_off_diagonal_count_not_the_diagonal():
    C = np.array([[50, 1, 0], [4, 40, 2], [0, 3, 45]])
    assert metrics.most_confused(C) == (1, 0, 4)
    assert metrics.most_confused(np.diag([3, 4])) == (0, 1, 0)


@pytest.mark.parametrize("y_true, y_pred, n_classes, error, match", [
    ([0, 1], [0], None, ValueError, "labels but y_true has 2"),
    ([0, 1.5], [0, 1], None, TypeError, "integer class labels"),
    ([0, 3], [0, 1], 3, ValueError, r"labels in 0\.\.2"),
    ([0, -1], [0, 1], None, ValueError, r"labels in 0"),
    ([], [], None, ValueError, "empty"),
    ([[0, 1]], [0, 1], None, ValueError, "1-D"),
    ([0, 1], [0, 1], 0, ValueError, "n_classes"),
    ([0, 1], [0, 1], 2.5, TypeError, "integer"),
])
def test_bad_labels_raise_and_say_what_was_expected(y_true, y_pred, n_classes, error, match):
    with pytest.raises(error, match=match):
        metrics.confusion_matrix(y_true, y_pred, n_classes)


@pytest.mark.parametrize("C", [np.zeros((2, 3), dtype=int), np.ones((2, 2)), np.array([[1]])])
def test_most_confused_refuses_a_matrix_that_is_not_square_counts(C):
    with pytest.raises(ValueError, match="square matrix of integer counts"):
        metrics.most_confused(C)


# ---- junk at the boundary: a right answer or a clear error, never another exception ----------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

JUNK = st.one_of(
    hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=4),
               elements=st.floats(allow_nan=True, allow_infinity=True, width=64)),
    hnp.arrays(np.int64, hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=4),
               elements=st.integers(-3, 5)),
    st.sampled_from([None, "x", [[1, 2], [3]], [[None, 1]], 3.0, [1 + 1j]]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(y_true=JUNK, y_pred=JUNK)
def test_junk_labels_give_a_matrix_or_a_clear_error(y_true, y_pred):
    try:
        C = metrics.confusion_matrix(y_true, y_pred)
    except (ValueError, TypeError):
        return
    assert C.ndim == 2 and C.shape[0] == C.shape[1] and C.sum() == len(np.ravel(y_true))
    assert metrics.per_class_accuracy(y_true, y_pred).shape == (len(C),)
