"""Self-checking exercises: compare a student's answer with a known value and say what is wrong.

Every exercise in the series has the same shape: a stub that returns a correctly shaped
placeholder (zeros), so "Run All" always works, then a check cell::

    check("sigmoid'(z)", sigmoid_prime(z), expected)

which prints one line: ``Correct``, ``Not yet`` (the stub still returns its placeholder), or
``Wrong`` with the first entry that differs, the expected value next to yours, and a hint.
``check`` returns nothing, so a notebook cell shows only that line. A grader (or a test) uses
``verdict(...)``, which returns ``(ok, message)`` for the same comparison, or ``require(...)``,
which raises ``AssertionError`` with the message unless the answer is correct.
"""
import numpy as np


def check(name, got, expected, rtol=1e-6, atol=1e-9, hint=""):
    """Compare ``got`` with ``expected`` (numbers or arrays) and print the verdict."""
    print(verdict(name, got, expected, rtol, atol, hint)[1])


def require(name, got, expected, rtol=1e-6, atol=1e-9, hint=""):
    """Like ``check``, but raise ``AssertionError`` with the message unless the answer is correct."""
    ok, message = verdict(name, got, expected, rtol, atol, hint)
    if not ok:
        raise AssertionError(message)


def verdict(name, got, expected, rtol=1e-6, atol=1e-9, hint=""):
    """(ok, message) for ``got`` against ``expected``: the comparison behind ``check``."""
    expected = np.asarray(expected, dtype=np.float64)
    try:
        got_arr = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return _say(False, f"Wrong: {name} should be numbers, got {type(got).__name__}.", hint)
    if got_arr.shape != expected.shape:
        return _say(False, f"Wrong: {name} should have shape {expected.shape}, got {got_arr.shape}.", hint)
    if not np.any(got_arr) and np.any(expected):
        return _say(False, f"Not yet: {name} is still the placeholder (all zeros). Fill in the stub above.", "")
    close = np.isclose(got_arr, expected, rtol=rtol, atol=atol)
    if np.all(close):
        return _say(True, f"Correct: {name} matches.", "")
    i = np.unravel_index(np.argmin(close), close.shape) if close.ndim else ()
    where = f" at index {tuple(int(k) for k in i)}" if i else ""
    bad = int(close.size - np.count_nonzero(close))
    return _say(False, f"Wrong: {name} differs in {bad} of {close.size} entries; first{where}: "
                       f"expected {expected[i]:.6g}, got {got_arr[i]:.6g}.", hint)


def check_gradient(name, analytic, numeric, tol=1e-7, hint=""):
    """Compare a hand-derived gradient with a numerical one and print the verdict."""
    print(gradient_verdict(name, analytic, numeric, tol, hint)[1])


def gradient_verdict(name, analytic, numeric, tol=1e-7, hint=""):
    """(ok, message): relative error ||a - n|| / (||a|| + ||n||) of a gradient against a numerical one."""
    from .gradcheck import relative_error

    analytic, numeric = np.asarray(analytic, dtype=np.float64), np.asarray(numeric, dtype=np.float64)
    if analytic.shape != numeric.shape:
        return _say(False, f"Wrong: {name} should have shape {numeric.shape}, got {analytic.shape}.", hint)
    if not np.any(analytic) and np.any(numeric):
        return _say(False, f"Not yet: {name} is still the placeholder (all zeros). Fill in the stub above.", "")
    err = relative_error(analytic, numeric)
    if err < tol:
        return _say(True, f"Correct: {name} agrees with finite differences (relative error < {tol:g}).", "")
    return _say(False, f"Wrong: {name} has relative error {err:.2g} against finite differences "
                       f"(a correct gradient gives < {tol:g}).", hint)


def _say(ok, message, hint):
    return ok, message + (f" Hint: {hint}" if hint and not ok else "")
