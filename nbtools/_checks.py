"""Input checks shared by every public function of nbtools.

Each check either returns a cleaned value or raises a ``ValueError``/``TypeError`` whose message
says which argument was wrong, what was expected, what arrived, and how to fix it (the
scikit-learn habit). Library code never uses ``assert`` for user input.
"""
import math
import numbers

import numpy as np


_KINDS = {"c": "complex numbers: keep the real part with x.real, or the size with np.abs(x)",
          "U": "text: convert it with np.asarray(x, dtype=float)", "S": "bytes", "M": "dates",
          "m": "time spans"}


def as_float_array(x, name, ndim=None, allow_nonfinite=False):
    """Return ``x`` as a float64 numpy array, checking its type, dimension and finiteness.

    ``ndim`` may be an int or a tuple of allowed ints.
    """
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be an array of numbers, got {type(x).__name__} instead.")
    try:
        arr = np.asarray(x)
    except ValueError as err:  # a ragged list, e.g. [[1, 2], [3]]
        raise TypeError(f"{name} must be an array of numbers with rows of equal length; "
                        f"numpy cannot make one array of it ({err}).") from None
    kind = arr.dtype.kind
    if kind in "cUSMm" or (kind == "O" and any(v is None for v in arr.flat)):
        raise TypeError(f"{name} must be an array of real numbers, got {type(x).__name__} "
                        f"holding {_KINDS.get(kind, 'None entries: drop them or fill them in')}.")
    try:
        arr = arr.astype(np.float64, copy=False)
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"{name} must be an array of numbers (convertible to float64); "
            f"got {type(x).__name__} that numpy cannot convert ({err})."
        ) from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            hint = ""
            if 2 in allowed and arr.ndim == 1:
                hint = " If it holds one sample, use x.reshape(1, -1); one feature, x.reshape(-1, 1)."
            raise ValueError(
                f"{name} must be a {want} array, got a {arr.ndim}-D array of shape {arr.shape}.{hint}"
            )
    if not allow_nonfinite and not np.isfinite(arr).all():
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(
            f"{name} contains {bad} NaN or infinite value(s); expected only finite numbers. "
            f"Drop or impute those entries first (np.isfinite({name}) finds them)."
        )
    return arr


def as_labels(y, name, n=None, n_classes=None, X_name="X"):
    """Return integer class labels as a 1-D int64 array of length ``n``, each in [0, n_classes)."""
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of class labels, got shape {arr.shape}.")
    if arr.dtype.kind not in "iub":
        if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
            if arr.size and np.abs(arr).max() >= 2 ** 53:  # beyond this a float is not an exact integer
                raise ValueError(f"{name} holds {np.abs(arr).max():g}, too large to be a class label; "
                                 f"labels are 0, 1, ..., one per class.")
            arr = arr.astype(np.int64)
        else:
            raise TypeError(
                f"{name} must hold integer class labels (0, 1, ...), got dtype {arr.dtype}"
                f"{' with non-integer values' if arr.dtype.kind == 'f' else ''}."
            )
    arr = arr.astype(np.int64)
    if n is not None and len(arr) != n:
        raise ValueError(
            f"{name} has {len(arr)} labels but {X_name} has {n} rows; they must match, one label per row."
        )
    if n_classes is not None and arr.size and (arr.min() < 0 or arr.max() >= n_classes):
        found = np.unique(arr[(arr < 0) | (arr >= n_classes)])[:5].tolist()
        raise ValueError(
            f"{name} must hold labels in 0..{n_classes - 1}, found {found}."
        )
    return arr


def as_points(X, y, name_X="X", name_y="y"):
    """Points in the plane and their classes: ``X`` as a float array of shape (n, 2) and ``y`` as
    n integer labels (see ``as_labels``), for the functions that draw a data set."""
    X = as_float_array(X, name_X, ndim=2)
    if X.shape[1] != 2:
        raise ValueError(f"{name_X} must have shape (n, 2), one point in the plane per row, got "
                         f"{X.shape}. Draw two features at a time, e.g. {name_X}[:, :2].")
    return X, as_labels(y, name_y, n=len(X), X_name=name_X)


def check_number(value, name, low=None, high=None, low_open=False, integer=False, hint=""):
    """Check a scalar hyperparameter: a finite real (or int) in [low, high] (``low_open``: (low, high]).

    ``hint``, if given, is appended to the error message: how to fix the value.
    """
    hint = f" {hint}" if hint else ""
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        want = "an integer" if integer else "a number"
        raise TypeError(f"{name} must be {want}, got {value!r} of type {type(value).__name__}.{hint}")
    if not integer and not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}.{hint}")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and value > high
    if too_low or too_high:
        lo = "-inf" if low is None else low
        hi = "inf" if high is None else high
        interval = f"{'(' if low_open else '['}{lo}, {hi}]"
        raise ValueError(f"{name} must be in {interval}, got {value!r}.{hint}")
    return int(value) if integer else float(value)


def check_lr(lr, name="lr"):
    """A learning rate: a finite number > 0."""
    return check_number(lr, name, low=0, low_open=True,
                        hint="Use a small positive step size, for example lr=0.01.")


def check_choice(value, name, choices):
    """Check that ``value`` is one of the names in ``choices``; the message lists them all."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {sorted(choices)}; got {value!r}.")
    key = value.lower()
    if key not in choices:
        raise ValueError(f"Unknown {name} {value!r}; choose one of {sorted(choices)}.")
    return key


def make_rng(seed, name="seed"):
    """Return a numpy Generator from an int seed or a Generator (randomness is a parameter)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        raise TypeError(
            f"{name} must be an int or a numpy Generator; nbtools never uses global random state, "
            f"so pass seed=0 (any int) for reproducible numbers."
        )
    return np.random.default_rng(check_number(seed, name, low=0, integer=True))


def layer_array(x, name, where, shape=None):
    """``x`` as a float array for a layer, of ``shape`` if given; NaN and inf pass, as in PyTorch.

    A layer makes a cheap test first (an ndarray of floats of the right shape) and calls this only
    when that fails, so a training step pays nothing more. ``shape`` holds sizes, or a letter for
    "any size"; ``where`` names the caller in the message, e.g. "Dense(2, 3).forward".
    """
    arr = as_float_array(x, f"{where}: {name}", allow_nonfinite=True)
    if shape is not None and (arr.ndim != len(shape) or any(
            isinstance(want, int) and want != got for want, got in zip(shape, arr.shape))):
        want = "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"
        hint = " If it holds one sample, use x.reshape(1, -1)." if arr.ndim == 1 and len(shape) == 2 else ""
        raise ValueError(f"{where} expects {name} of shape {want}, got {arr.shape}.{hint}")
    return arr
