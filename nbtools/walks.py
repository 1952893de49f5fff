"""Walks downhill on a surface: the path an optimizer takes, as a ``Trajectory``.

Every walk starts at a point of a ``landscapes`` surface (or a ``least_squares`` one) and records
the points it visits and the loss at each:

- ``run(optimizer, surface, ...)``: any optimizer with ``step(params, grads)`` (for example
  ``nbtools.optim.Adam``), optionally with Gaussian gradient noise to imitate mini-batches;
  ``run_all({label: optimizer}, surface)`` runs several from the same start with the same noise;
  ``Scheduled(optimizer, lr_at)`` gives an optimizer a learning-rate schedule;
- ``newton(surface, ...)``: Newton's method, which uses the curvature;
- ``gradient_flow(surface, ...)``: the continuous path dp/dt = -grad f(p) that gradient descent
  follows when the learning rate shrinks to zero;
- ``sgd(risk, lr, ...)``: stochastic gradient descent on an ``EmpiricalRisk``, written out;
- ``gradient_descent_path(X, y)``: gradient descent on a ``LeastSquares`` surface with the step
  1 / lambda_max, and how many steps it needs.

A walk that blows up (a NaN or infinite point, or a loss beyond ``DIVERGENCE_THRESHOLD``) stops
early and says so: the trajectory keeps only its finite points, so plots still draw.
``pathplots`` draws trajectories.
"""
import math
from dataclasses import dataclass

import numpy as np

from . import optim
from ._checks import check_number, make_rng
from .landscapes import SURFACES, check_point, get_surface
from .least_squares import EmpiricalRisk, LeastSquares

DIVERGENCE_THRESHOLD = 1e10  # |loss| above this counts as divergence


@dataclass(repr=False)
class Trajectory:
    """The path an optimizer took.

    points:      shape (n, 2), points[0] is the start; n = steps + 1 unless it diverged.
    losses:      shape (n,), losses[t] = f(points[t]) (the exact loss, without gradient noise).
    diverged:    True if the walk stopped early.
    diverged_at: the step t that produced a non-finite point, a loss beyond
                 DIVERGENCE_THRESHOLD or a singular Hessian (that point is not stored, so
                 n = diverged_at); None if it did not diverge.
    reason:      why it stopped early, '' otherwise.
    times:       for ``gradient_flow``, the time of each point; None otherwise.
    """

    points: np.ndarray
    losses: np.ndarray
    diverged: bool = False
    diverged_at: int = None
    reason: str = ""
    times: np.ndarray = None

    def __repr__(self):
        status = f"diverged at step {self.diverged_at}: {self.reason}" if self.diverged else "ok"
        return (f"Trajectory({len(self.points)} points, final loss {self.losses[-1]:.4g}, "
                f"{status})")


def _check_surface(surface, need_hessian=False):
    if isinstance(surface, str):
        return get_surface(surface)
    needed = ("f", "grad", "hessian") if need_hessian else ("f", "grad")
    if not all(callable(getattr(surface, m, None)) for m in needed):
        raise TypeError(
            f"surface must be a surface object with {', '.join(needed)} methods (e.g. Rosenbrock()) "
            f"or one of the names {sorted(SURFACES)}; got {type(surface).__name__}."
        )
    return surface


def _start_point(surface, start):
    p = getattr(surface, "start", None) if start is None else start
    if p is None:
        raise ValueError("start is None and the surface has no default start; pass start=(x, y).")
    p = check_point(p, "start").copy()
    loss = surface.f(p)
    if not abs(loss) <= DIVERGENCE_THRESHOLD:
        raise ValueError(
            f"start={p.tolist()} has loss {loss:.3g}, beyond the divergence threshold "
            f"{DIVERGENCE_THRESHOLD:g}; pick a start inside the surface's bounds."
        )
    return p, loss


def _blew_up(p, loss):
    """Return why the point p (with its loss) counts as divergence, or '' if it does not."""
    if not np.all(np.isfinite(p)):
        return "the point became NaN or infinite"
    if not abs(loss) <= DIVERGENCE_THRESHOLD:
        return f"the loss exceeded {DIVERGENCE_THRESHOLD:g}"
    return ""


def _walk(surface, p, loss, n_steps, update, times=None):
    """Apply ``p = update(p, t)`` n_steps times, recording points and losses until it blows up."""
    points, losses = [p.copy()], [loss]
    for t in range(1, n_steps + 1):
        with np.errstate(over="ignore", invalid="ignore"):  # blow-ups are caught just below
            p, reason = update(p, t)
        if not reason:
            loss = surface.f(p) if np.all(np.isfinite(p)) else np.nan
            reason = _blew_up(p, loss)
        if reason:
            n = len(points)
            return Trajectory(np.array(points), np.array(losses), True, t, reason,
                              None if times is None else times[:n])
        points.append(p.copy())
        losses.append(loss)
    return Trajectory(np.array(points), np.array(losses), times=times)


def run(optimizer, surface, start=None, steps=100, noise=0.0, seed=0):
    """Let ``optimizer`` walk down ``surface`` for ``steps`` steps from ``start``.

    Each step computes g = grad f(p) + noise * xi, with xi ~ N(0, I) drawn from ``seed`` (noisy
    gradients imitate mini-batches), then calls ``optimizer.step([p], [g])``, which must update
    ``p`` in place. ``optimizer.reset()`` is called first when it exists, so one optimizer can be
    reused. Any object with such a ``step`` works, e.g. ``nbtools.optim.SGD(lr=0.01)``.

    surface may be a surface object or a name from ``SURFACES``; start defaults to
    ``surface.start``. Returns a :class:`Trajectory` with points of shape (steps + 1, 2), or fewer
    if the walk diverged (see ``Trajectory.diverged_at``).

    >>> from nbtools.landscapes import Quadratic
    >>> from nbtools.optim import SGD
    >>> traj = run(SGD(lr=0.05), Quadratic(condition=10.0), start=(1.0, 1.0), steps=50)
    >>> traj.points.shape, bool(traj.losses[-1] < 1e-2)
    ((51, 2), True)
    """
    if isinstance(optimizer, type):
        raise TypeError(
            f"optimizer must be an optimizer object, got the class {optimizer.__name__} itself; "
            f"create one first, e.g. {optimizer.__name__}(lr=0.01)."
        )
    if not callable(getattr(optimizer, "step", None)):
        raise TypeError(
            f"optimizer must have a step(params, grads) method (e.g. nbtools.optim.SGD(lr=0.01)); "
            f"got {type(optimizer).__name__}."
        )
    surface = _check_surface(surface)
    steps = check_number(steps, "steps", low=1, integer=True)
    noise = check_number(noise, "noise", low=0.0)
    rng = make_rng(seed)
    p, loss = _start_point(surface, start)
    if callable(getattr(optimizer, "reset", None)):
        optimizer.reset()

    def update(p, t):
        g = surface.grad(p)
        if noise > 0:
            g = g + noise * rng.standard_normal(2)
        optimizer.step([p], [g])
        return p, ""

    return _walk(surface, p, loss, steps, update)


def newton(surface, start=None, steps=20, damping=0.0):
    """Newton's method: p <- p - (H + damping * I)^(-1) grad f(p), with H the Hessian at p.

    On a quadratic it lands on the critical point in one step, whatever the conditioning; on
    other surfaces it jumps to the nearest critical point, saddles included. ``damping`` > 0
    blends in gradient descent (step size about 1 / damping) and keeps the step finite where H
    is nearly singular. If H + damping * I is singular (condition number above 1e12) the walk
    stops and the trajectory says "singular Hessian".

    >>> from nbtools.landscapes import Quadratic
    >>> traj = newton(Quadratic(condition=100.0), start=(2.0, 1.0), steps=1)
    >>> bool(np.allclose(traj.points[1], 0.0))
    True
    """
    surface = _check_surface(surface, need_hessian=True)
    steps = check_number(steps, "steps", low=1, integer=True)
    damping = check_number(damping, "damping", low=0.0)
    p, loss = _start_point(surface, start)

    def update(p, t):
        M = surface.hessian(p) + damping * np.eye(2)
        cond = np.linalg.cond(M)
        if not cond < 1e12:
            return p, f"singular Hessian (H + damping * I has condition number {cond:.3g})"
        return p - np.linalg.solve(M, surface.grad(p)), ""

    return _walk(surface, p, loss, steps, update)


def gradient_flow(surface, start=None, t_max=10.0, dt=1e-3):
    """Integrate the gradient flow dp/dt = -grad f(p) from t = 0 to t_max with classical RK4.

    Gradient descent with learning rate lr is Euler's method for this equation with step lr, so
    after k steps it sits near p(k * lr), and ever closer as lr -> 0. ``dt`` is shrunk slightly, if
    needed, so that a whole number of steps ends exactly at t_max. The trajectory records every
    step; ``times[k]`` is the time of ``points[k]``.

    >>> from nbtools.landscapes import Quadratic
    >>> traj = gradient_flow(Quadratic(condition=1.0), start=(1.0, 0.0), t_max=1.0)
    >>> print(round(traj.points[-1, 0], 6), round(np.exp(-1.0), 6))   # p(t) = exp(-t) p0
    0.367879 0.367879
    """
    surface = _check_surface(surface)
    t_max = check_number(t_max, "t_max", low=0.0, low_open=True)
    dt = check_number(dt, "dt", low=0.0, low_open=True)
    if dt > t_max:
        raise ValueError(f"dt must be at most t_max={t_max}, got dt={dt}; use a smaller dt.")
    p, loss = _start_point(surface, start)
    n = math.ceil(t_max / dt - 1e-9)
    h = t_max / n

    def update(p, t):
        k1 = -surface.grad(p)
        k2 = -_safe_grad(surface, p + 0.5 * h * k1)
        k3 = -_safe_grad(surface, p + 0.5 * h * k2)
        k4 = -_safe_grad(surface, p + h * k3)
        return p + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4), ""

    return _walk(surface, p, loss, n, update, times=np.linspace(0.0, t_max, n + 1))


def _safe_grad(surface, p):
    """Gradient at p, or NaNs if p is no longer finite (the walk then reports divergence)."""
    return surface.grad(p) if np.all(np.isfinite(p)) else np.full(2, np.nan)


# ---- several optimizers, and schedules -------------------------------------------------------

def run_all(optimizers, surface, start=None, steps=100, noise=0.0, seed=0):
    """Run every optimizer of ``{label: optimizer}`` from the same start; return ``{label: Trajectory}``.

    All walks get the same gradient noise (the same ``seed``), so differences come from the
    optimizers alone. See ``run`` for the other arguments.

    >>> from nbtools.landscapes import Quadratic
    >>> paths = run_all({"SGD": optim.SGD(lr=0.1)}, Quadratic(), steps=20)
    >>> paths["SGD"].points.shape
    (21, 2)
    """
    if not isinstance(optimizers, dict) or not optimizers:
        raise TypeError(f"optimizers must be a non-empty dict {{label: optimizer}}, e.g. "
                        f"{{'SGD': optim.SGD(lr=0.01)}}; got {type(optimizers).__name__}.")
    return {label: run(opt, surface, start, steps, noise, seed) for label, opt in optimizers.items()}


class Scheduled:
    """An optimizer whose learning rate follows ``lr_at(t)`` at step t = 0, 1, 2, ...

    Use it wherever an optimizer goes, e.g. ``run(Scheduled(opt, lr_at), surface)``.

    >>> from nbtools import schedules
    >>> lr_at = lambda t: schedules.step_decay(0.1, t, step_size=2, gamma=0.5)
    >>> opt = Scheduled(optim.SGD(lr=0.1), lr_at)
    >>> p = np.array([1.0])
    >>> for _ in range(4):
    ...     opt.step([p], [np.array([1.0])])
    >>> round(float(p[0]), 6)                        # 1 - 0.1 - 0.1 - 0.05 - 0.05
    0.7
    """

    def __init__(self, optimizer, lr_at):
        if not callable(getattr(optimizer, "step", None)) or not hasattr(optimizer, "lr"):
            raise TypeError(f"optimizer must be an nbtools optimizer such as optim.SGD(lr=0.1), "
                            f"got {type(optimizer).__name__}.")
        if not callable(lr_at):
            raise TypeError(f"lr_at must be a function of the step t, such as lambda t: "
                            f"schedules.exponential_decay(0.1, t, gamma=0.99); got {lr_at!r}.")
        self.optimizer, self.lr_at, self.t = optimizer, lr_at, 0

    def reset(self):
        self.optimizer.reset()
        self.t = 0

    def step(self, params, grads):
        self.optimizer.lr = self.lr_at(self.t)
        self.optimizer.step(params, grads)
        self.t += 1

    def __repr__(self):
        return f"Scheduled({self.optimizer!r}, t={self.t})"


# ---- stochastic gradient descent on an empirical risk ----------------------------------------

def sgd(risk, lr, epochs=1, batch_size=1, decay=0.0, start=None, seed=0):
    """Stochastic gradient descent on an ``EmpiricalRisk``, written out; returns a Trajectory.

    Each epoch visits the N examples once in a random order, ``batch_size`` at a time (1: the
    introduction's per-example SGD; N: full-batch gradient descent). Step t = 0, 1, ... uses the
    step size lr / (1 + decay * t): with decay > 0 it shrinks over time, as the introduction says
    it usually does. Records every step; stops early if the point blows up.
    """
    if not isinstance(risk, EmpiricalRisk):
        raise TypeError(f"risk must be an EmpiricalRisk(x, y), got {type(risk).__name__}.")
    lr = check_number(lr, "lr", low=0, low_open=True)
    epochs = check_number(epochs, "epochs", low=1, integer=True)
    n = len(risk.x)
    batch_size = check_number(batch_size, "batch_size", low=1, high=n, integer=True)
    decay = check_number(decay, "decay", low=0)
    rng = make_rng(seed)
    p = np.array(risk.start if start is None else start, dtype=np.float64)
    points, t = [p.copy()], 0
    for _ in range(epochs):
        order = rng.permutation(n)
        for i in range(0, n, batch_size):
            p = p - lr / (1 + decay * t) * risk.grad(p, order[i:i + batch_size])
            t += 1
            if not np.all(np.abs(p) < 1e10):
                points = np.array(points)
                return Trajectory(points, risk.f_grid(points[:, 0], points[:, 1]), True, t,
                                  "the point blew up")
            points.append(p.copy())
    points = np.array(points)
    return Trajectory(points, risk.f_grid(points[:, 0], points[:, 1]))


# ---- gradient descent on a least-squares surface ---------------------------------------------

def gradient_descent_path(X, y, steps=100, tol=1e-2):
    """Gradient descent on the least-squares loss L(w) = (1/2n)||X w - y||^2 of a linear model.

    Walks the ``LeastSquares(X, y)`` surface with ``optim.SGD`` from w = 0 with the learning rate
    1 / lambda_max, where lambda_max is the largest eigenvalue of the Hessian H = X^T X / n: a
    step that suits the steepest direction (above 2 / lambda_max, gradient descent diverges along
    it). X has 2 columns, one per weight. Returns (path (steps + 1, 2), w* the minimum, steps until
    ||w - w*|| <= tol ||w*|| (None if not within ``steps``), the condition number
    lambda_max / lambda_min of H).
    """
    surface = LeastSquares(X, y)
    steps = check_number(steps, "steps", low=1, integer=True)
    tol = check_number(tol, "tol", low=0.0)
    lr = float(1.0 / surface.eigenvalues[-1])
    path = run(optim.SGD(lr=lr), surface, start=surface.start, steps=steps).points
    w_star = surface.minima[0]
    reached = next((step for step, w in enumerate(path)
                    if np.linalg.norm(w - w_star) <= tol * np.linalg.norm(w_star)), None)
    return path, w_star, reached, surface.condition
