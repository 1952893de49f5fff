"""The shared input checks: what they return, and errors that say what came and how to fix it."""
import numpy as np
import pytest

from nbtools._checks import as_points


def test_as_points_gives_float_points_and_integer_labels():
    X, y = as_points([[0, 1], [2, 3], [4, 5]], [1.0, 0.0, 2.0])
    assert X.dtype == np.float64 and X.shape == (3, 2)
    assert y.dtype == np.int64 and y.tolist() == [1, 0, 2]


@pytest.mark.parametrize("X, y, names, error, pattern", [
    (np.ones((3, 3)), [0, 1, 0], (), ValueError, r"X must have shape \(n, 2\).*got \(3, 3\).*X\[:, :2\]"),
    (np.ones(4), [0, 1, 0, 1], (), ValueError, r"X must be a 2-D array.*reshape"),
    (np.ones((3, 2)), [0, 1], (), ValueError, r"y has 2 labels but X has 3 rows"),
    (np.ones((3, 2)), [0.5, 1, 0], (), TypeError, r"y must hold integer class labels"),
    ([[0, np.nan], [1, 1]], [0, 1], (), ValueError, r"X contains 1 NaN"),
    (np.ones((2, 3)), [0, 1], ("X_val", "y_val"), ValueError, r"X_val must have shape \(n, 2\)"),
    (np.ones((2, 2)), [0], ("X_val", "y_val"), ValueError, r"y_val has 1 labels but X_val has 2 rows"),
    # a float this large casts to a meaningless int64 (numpy only warns): refused instead
    (np.ones((2, 2)), [0.0, 1e300], (), ValueError, r"y holds 1e\+300, too large to be a class label"),
])
def test_as_points_explains_bad_points_and_labels(X, y, names, error, pattern):
    with pytest.raises(error, match=pattern):
        as_points(X, y, *names)
