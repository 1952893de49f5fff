"""Self-checking exercises: compare a student's answer with a known value and say what is wrong.

Every exercise in the series has the same shape: a stub that returns a correctly shaped
placeholder (zeros), so "Run All" always works, then a check cell::

    check("sigmoid'(z)", sigmoid_prime(z), expected)

which prints one line: ``Correct``, ``Not yet`` (the stub still returns its placeholder), or
``Wrong`` with the first entry that differs, the expected value next to yours, and a hint.
``check`` returns nothing, so a notebook cell shows only that line. A grader (or a test) uses
``verdict(...)``, which returns ``(ok, message)`` for the same comparison, or ``require(...)``,
which raises ``AssertionError`` with the message unless the answer is correct.

Some exercises need more than one comparison; their checks are here too, named after the
exercise: ``check_momentum_step`` and ``check_adam_step`` (notebook 08) run the student's update
rule for a few steps and compare the path with ``nbtools.optim``'s.
"""
import numpy as np

from . import optim
from .landscapes import Quadratic
from .walks import run


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


# ---- notebook 08: an optimizer's step, run for a few steps ------------------------------------

_EXERCISE_SURFACE = Quadratic(condition=10.0, angle=0.3)
_EXERCISE_START = (-2.0, 1.5)


def _student_points(step, state, steps):
    """Call a student's step function ``steps`` times on the exercise surface; return the points.

    ``step(p, g, state, t)`` returns (p, state). Stops at the first malformed or non-finite p.
    """
    p, points = np.array(_EXERCISE_START), []
    for t in range(1, steps + 1):
        p, state = step(p.copy(), _EXERCISE_SURFACE.grad(p), state, t)
        p = np.asarray(p, dtype=np.float64)
        points.append(p)
        if p.shape != (2,) or not np.all(np.isfinite(p)):
            break
    return points


def check_momentum_step(momentum_step, steps=5):
    """Exercise check: print whether ``momentum_step(p, g, v, lr, mu) -> (p, v)`` is right."""
    print(momentum_step_verdict(momentum_step, steps)[1])


def momentum_step_verdict(momentum_step, steps=5):
    """(ok, message): does ``momentum_step`` follow optim.SGD(momentum=mu)?

    Runs it ``steps`` times on a quadratic (lr = 0.05, mu = 0.9, v starts at 0) and compares the
    points with those of nbtools.optim's momentum.
    """
    lr, mu = 0.05, 0.9
    points = _student_points(lambda p, g, v, t: momentum_step(p, g, v, lr, mu), np.zeros(2), steps)
    expected = run(optim.SGD(lr=lr, momentum=mu), _EXERCISE_SURFACE, _EXERCISE_START, steps).points[1:]
    return _compare("the path of momentum_step", points, expected,
                    "v = mu * v - lr * g first, then p = p + v (with the new v).")


def check_adam_step(adam_step, steps=5):
    """Exercise check: print whether ``adam_step(p, g, m, v, t, lr, beta1, beta2, eps) -> (p, m, v)``
    is right."""
    print(adam_step_verdict(adam_step, steps)[1])


def adam_step_verdict(adam_step, steps=5):
    """(ok, message): does ``adam_step`` follow optim.Adam?

    Runs it ``steps`` times (t = 1, 2, ...; lr = 0.1, betas (0.9, 0.999), eps 1e-8, m = v = 0 at
    first) on a quadratic and compares the points with those of nbtools.optim's Adam.
    """
    lr, beta1, beta2, eps = 0.1, 0.9, 0.999, 1e-8

    def step(p, g, mv, t):
        p, m, v = adam_step(p, g, mv[0], mv[1], t, lr, beta1, beta2, eps)
        return p, (m, v)

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        points = _student_points(step, (np.zeros(2), np.zeros(2)), steps)
    expected = run(optim.Adam(lr=lr, betas=(beta1, beta2), eps=eps), _EXERCISE_SURFACE,
                   _EXERCISE_START, steps).points[1:]
    return _compare("the path of adam_step", points, expected,
                    "m and v are running averages with weights beta and 1 - beta; divide them by "
                    "1 - beta**t with t starting at 1; p = p - lr * m_hat / (sqrt(v_hat) + eps).")


def _compare(name, points, expected, hint):
    """verdict() of the student's points against the expected ones: (ok, message)."""
    bad = [p for p in points if p.shape != (2,)]
    if bad:
        return verdict(name, bad[0], expected[0], hint="return p with the same shape as p, (2,).")
    got = np.full(expected.shape, np.nan)  # a run that stopped early is missing its last points
    got[:len(points)] = points
    return verdict(name, got, expected, hint=hint)
