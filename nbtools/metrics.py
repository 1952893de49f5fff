"""Counting a classifier's answers: the confusion matrix and the accuracy of each class.

One accuracy hides where the mistakes are. The confusion matrix C of a classifier with k classes
counts them: C[i, j] is the number of samples of true class i that were predicted as class j.
The diagonal holds the right answers; each row sums to the number of samples of that class; the
largest entry off the diagonal names the pair of classes most often confused.

The accuracy of class i is C[i, i] / sum_j C[i, j], the share of its samples predicted right
(also called its recall).

Example
-------
>>> C = confusion_matrix([0, 0, 1, 2, 2], [0, 1, 1, 2, 0], n_classes=3)
>>> C.tolist()
[[1, 1, 0], [0, 1, 0], [1, 0, 1]]
>>> per_class_accuracy([0, 0, 1, 2, 2], [0, 1, 1, 2, 0], n_classes=3).tolist()
[0.5, 1.0, 0.5]
>>> most_confused(C)
(0, 1, 1)
"""
import numpy as np

from ._checks import as_labels, check_number


def _labels_pair(y_true, y_pred, n_classes):
    """(y_true, y_pred, k) as two int label arrays of equal length and the number of classes."""
    y_true = as_labels(y_true, "y_true")
    y_pred = as_labels(y_pred, "y_pred", n=len(y_true), X_name="y_true")
    if len(y_true) == 0:
        raise ValueError("y_true is empty; a confusion matrix needs at least one sample.")
    if n_classes is None:
        n_classes = int(max(y_true.max(), y_pred.max())) + 1
    n_classes = check_number(n_classes, "n_classes", low=1, integer=True)
    for name, labels in (("y_true", y_true), ("y_pred", y_pred)):
        as_labels(labels, name, n_classes=n_classes)   # every label in 0..n_classes - 1
    return y_true, y_pred, n_classes


def confusion_matrix(y_true, y_pred, n_classes=None):
    """The (k, k) matrix of counts C[i, j]: samples of true class i predicted as class j.

    Parameters
    ----------
    y_true, y_pred : integer labels of shape (n,), in 0..k-1.
    n_classes : k; default: the largest label seen, plus 1.

    Returns
    -------
    int64 array of shape (k, k); ``C.sum() == n`` and ``np.trace(C)`` is the number right.
    """
    y_true, y_pred, k = _labels_pair(y_true, y_pred, n_classes)
    C = np.zeros((k, k), dtype=np.int64)
    np.add.at(C, (y_true, y_pred), 1)   # one count per sample, repeated pairs added up
    return C


def per_class_accuracy(y_true, y_pred, n_classes=None):
    """Shape (k,): the share of each true class predicted right, C[i, i] / (row i's sum).

    A class with no samples in ``y_true`` gets NaN (there is nothing to be right about).
    """
    C = confusion_matrix(y_true, y_pred, n_classes)
    counts = C.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, np.diag(C) / counts, np.nan)


def most_confused(C):
    """(true class, predicted class, count) of the largest entry of C off the diagonal.

    Ties go to the first in row order. A matrix without any mistake gives count 0.
    """
    C = np.asarray(C)
    if C.ndim != 2 or C.shape[0] != C.shape[1] or C.shape[0] < 2 or C.dtype.kind not in "iu":
        raise ValueError(f"C must be a square matrix of integer counts with k >= 2 classes, as from "
                         f"confusion_matrix; got shape {C.shape}, dtype {C.dtype}.")
    off = C.copy()
    np.fill_diagonal(off, -1)
    i, j = np.unravel_index(np.argmax(off), off.shape)
    return int(i), int(j), max(int(off[i, j]), 0)
