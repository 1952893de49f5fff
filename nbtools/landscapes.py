"""Two-dimensional loss landscapes for watching optimizers move.

A neural network's loss lives in millions of dimensions, but most of what goes right or wrong
with an optimizer already happens in two: long narrow valleys (Rosenbrock, an ill-conditioned
quadratic), flat plateaus (Beale), several minima (Himmelblau) and saddle points (Saddle).

Every surface here has an exact value ``f(p)``, gradient ``grad(p)`` and Hessian ``hessian(p)``
at a point ``p = (x, y)``, a vectorized ``f_grid(X, Y)`` for contour plots, a plotting window
``bounds``, a default ``start`` and its known ``minima``.

Three ways to walk downhill, each returning a :class:`Trajectory`:

- ``run(optimizer, surface, ...)``: any optimizer with ``step(params, grads)`` (for example
  ``nbtools.optim.Adam``), optionally with Gaussian gradient noise to imitate mini-batches;
- ``newton(surface, ...)``: Newton's method, which uses the curvature;
- ``gradient_flow(surface, ...)``: the continuous path dp/dt = -grad f(p) that gradient descent
  follows when the learning rate shrinks to zero.

A walk that blows up (a NaN or infinite point, or a loss beyond ``DIVERGENCE_THRESHOLD``) stops
early and says so: the trajectory keeps only its finite points, so plots still draw.
"""
import math
from dataclasses import dataclass

import numpy as np

from nbtools._checks import as_float_array, check_choice, check_number, make_rng

DIVERGENCE_THRESHOLD = 1e10  # |loss| above this counts as divergence


def _check_point(p, name="p"):
    """Return ``p`` as a finite float64 array of shape (2,)."""
    arr = as_float_array(p, name)
    if arr.shape != (2,):
        raise ValueError(
            f"{name} must be a point (x, y) of shape (2,), got shape {arr.shape}. "
            f"Pass two numbers, for example {name}=(1.0, -0.5)."
        )
    return arr


class Surface:
    """Base class of the 2-D test functions.

    A subclass sets ``bounds = ((x_min, x_max), (y_min, y_max))``, ``start`` (shape (2,)),
    ``minima`` (shape (k, 2)) and ``f_min`` (the loss at the minima, ``None`` if unbounded), and
    implements three formulas on coordinates ``x, y`` (numbers or equal-shaped arrays):
    ``_f(x, y)``, ``_grad(x, y) -> (df/dx, df/dy)`` and
    ``_hess(x, y) -> (d2f/dx2, d2f/dxdy, d2f/dy2)``.
    """

    name = "surface"

    def f(self, p):
        """Loss f(p) at the point p = (x, y), a float."""
        x, y = _check_point(p)
        return float(self._f(x, y))

    def grad(self, p):
        """Gradient (df/dx, df/dy) at p, shape (2,)."""
        x, y = _check_point(p)
        return np.array(self._grad(x, y), dtype=np.float64)

    def hessian(self, p):
        """Hessian [[f_xx, f_xy], [f_xy, f_yy]] at p, shape (2, 2)."""
        x, y = _check_point(p)
        fxx, fxy, fyy = self._hess(x, y)
        return np.array([[fxx, fxy], [fxy, fyy]], dtype=np.float64)

    def f_grid(self, X, Y):
        """Loss on a grid: ``Z[i, j] = f((X[i, j], Y[i, j]))``, e.g. from ``np.meshgrid``.

        >>> X, Y = np.meshgrid(np.linspace(-2, 2, 5), np.linspace(-1, 3, 5))
        >>> Rosenbrock().f_grid(X, Y).shape
        (5, 5)
        """
        X = as_float_array(X, "X")
        Y = as_float_array(Y, "Y")
        if X.shape != Y.shape:
            raise ValueError(
                f"X and Y must have the same shape, got {X.shape} and {Y.shape}. "
                f"Build them with X, Y = np.meshgrid(xs, ys)."
            )
        return np.asarray(self._f(X, Y), dtype=np.float64)

    def grid(self, n=201):
        """``(X, Y, Z)`` on an n-by-n grid covering ``bounds``, ready for ``ax.contour(X, Y, Z)``."""
        n = check_number(n, "n", low=2, integer=True)
        (x0, x1), (y0, y1) = self.bounds
        X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        return X, Y, self.f_grid(X, Y)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self._params().items())
        return f"{type(self).__name__}({args})"

    def _params(self):
        return {}


class Quadratic(Surface):
    """Ill-conditioned bowl f(p) = 1/2 p^T A p with A = R diag(1, condition) R^T.

    R rotates by ``angle`` (radians; ``np.pi / 4`` is 45 degrees), so the eigenvalues of the
    Hessian A are 1 and ``condition``. Gradient A p, Hessian A, minimum 0 at the origin.
    Gradient descent is stable only for lr < 2 / condition, yet needs about ``condition`` steps
    to crawl along the flat direction: the classic zig-zag.

    >>> q = Quadratic(condition=10.0)
    >>> q.f((1.0, 1.0)), q.grad((1.0, 1.0)).tolist()
    (5.5, [1.0, 10.0])
    """

    name = "quadratic"

    def __init__(self, condition=10.0, angle=0.0):
        self.condition = check_number(condition, "condition", low=1.0)
        self.angle = check_number(angle, "angle")
        c, s = math.cos(self.angle), math.sin(self.angle)
        R = np.array([[c, -s], [s, c]])
        self.A = R @ np.diag([1.0, self.condition]) @ R.T
        self.bounds = ((-3.0, 3.0), (-3.0, 3.0))
        self.start = np.array([-2.5, 1.5])
        self.minima = np.zeros((1, 2))
        self.f_min = 0.0

    def _params(self):
        return {"condition": self.condition, "angle": self.angle}

    def _f(self, x, y):
        (a, b), (_, d) = self.A
        return 0.5 * (a * x**2 + 2 * b * x * y + d * y**2)

    def _grad(self, x, y):
        (a, b), (_, d) = self.A
        return a * x + b * y, b * x + d * y

    def _hess(self, x, y):
        (a, b), (_, d) = self.A
        return a, b, d


class Rosenbrock(Surface):
    """Banana valley f(x, y) = (a - x)^2 + b (y - x^2)^2, minimum 0 at (a, a^2).

    Gradient: (-2 (a - x) - 4 b x (y - x^2),  2 b (y - x^2)).
    Hessian:  [[2 - 4 b y + 12 b x^2, -4 b x], [-4 b x, 2 b]].
    Finding the valley is easy; following its curved floor to the minimum is slow.

    >>> Rosenbrock().f((1.0, 1.0))
    0.0
    """

    name = "rosenbrock"

    def __init__(self, a=1.0, b=100.0):
        self.a = check_number(a, "a")
        self.b = check_number(b, "b", low=0.0, low_open=True)
        s = max(1.0, abs(self.a))
        self.bounds = ((-2.0 * s, 2.0 * s), (-1.0 * s, 3.0 * s**2))
        self.start = np.array([-1.5 * s, 2.0 * s])
        self.minima = np.array([[self.a, self.a**2]])
        self.f_min = 0.0

    def _params(self):
        return {"a": self.a, "b": self.b}

    def _f(self, x, y):
        return (self.a - x) ** 2 + self.b * (y - x**2) ** 2

    def _grad(self, x, y):
        a, b = self.a, self.b
        return -2 * (a - x) - 4 * b * x * (y - x**2), 2 * b * (y - x**2)

    def _hess(self, x, y):
        b = self.b
        return 2 - 4 * b * y + 12 * b * x**2, -4 * b * x, 2 * b


class Beale(Surface):
    """Beale's function: flat plateaus and sharp ridges, minimum 0 at (3, 0.5).

    f(x, y) = sum_{i=1..3} r_i^2 with residuals r_i = c_i - x + x y^i, c = (1.5, 2.25, 2.625).
    With dr_i = (y^i - 1, i x y^(i-1)) the gradient is 2 sum r_i dr_i and the Hessian is
    2 sum (dr_i dr_i^T + r_i d2r_i), where d2r_i = [[0, i y^(i-1)], [i y^(i-1), i (i-1) x y^(i-2)]].

    >>> Beale().f((3.0, 0.5))
    0.0
    """

    name = "beale"
    c = (1.5, 2.25, 2.625)

    def __init__(self):
        self.bounds = ((-4.5, 4.5), (-4.5, 4.5))
        self.start = np.array([1.0, 1.5])
        self.minima = np.array([[3.0, 0.5]])
        self.f_min = 0.0

    def _f(self, x, y):
        return sum((c - x + x * y**i) ** 2 for i, c in enumerate(self.c, start=1))

    def _grad(self, x, y):
        gx = gy = 0.0
        for i, c in enumerate(self.c, start=1):
            r = c - x + x * y**i
            gx = gx + 2 * r * (y**i - 1)
            gy = gy + 2 * r * i * x * y ** (i - 1)
        return gx, gy

    def _hess(self, x, y):
        hxx = hxy = hyy = 0.0
        for i, c in enumerate(self.c, start=1):
            r = c - x + x * y**i
            rx, ry = y**i - 1, i * x * y ** (i - 1)
            rxy = i * y ** (i - 1)
            ryy = i * (i - 1) * x * y ** (i - 2) if i > 1 else 0.0
            hxx = hxx + 2 * rx * rx
            hxy = hxy + 2 * (rx * ry + r * rxy)
            hyy = hyy + 2 * (ry * ry + r * ryy)
        return hxx, hxy, hyy


class Himmelblau(Surface):
    """Himmelblau's function f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2: four minima of value 0.

    With u = x^2 + y - 11 and v = x + y^2 - 7:
    gradient (4 x u + 2 v, 2 u + 4 y v), Hessian [[12 x^2 + 4 y - 42, 4 (x + y)],
    [4 (x + y), 4 x + 12 y^2 - 26]]. Which minimum you reach depends on where you start.

    >>> Himmelblau().f((3.0, 2.0))
    0.0
    """

    name = "himmelblau"

    def __init__(self):
        self.bounds = ((-5.0, 5.0), (-5.0, 5.0))
        self.start = np.array([0.0, 0.0])
        self.minima = np.array([
            [3.0, 2.0],
            [-2.805118086952745, 3.131312518250573],
            [-3.779310253377747, -3.283185991286169],
            [3.5844283403304917, -1.8481265269644034],
        ])
        self.f_min = 0.0

    def _f(self, x, y):
        return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2

    def _grad(self, x, y):
        u, v = x**2 + y - 11, x + y**2 - 7
        return 4 * x * u + 2 * v, 2 * u + 4 * y * v

    def _hess(self, x, y):
        return 12 * x**2 + 4 * y - 42, 4 * (x + y), 4 * x + 12 * y**2 - 26


class Saddle(Surface):
    """Saddle point at the origin: f(x, y) = x^2 - y^2, or with ``bounded=True`` x^2 - y^2 + y^4 / 4.

    The plain saddle curves up along x and down along y, so it has no minimum: an optimizer that
    escapes the saddle runs off to y = +-infinity (``run`` then stops and flags divergence).
    The bounded variant adds y^4 / 4, which catches it again in two minima (0, +-sqrt(2)) of
    value -1 while the origin stays a saddle.

    Gradient (2 x, -2 y + k y^3), Hessian diag(2, -2 + 3 k y^2), with k = 1 if bounded else 0.

    >>> Saddle().hessian((0.0, 0.0)).tolist()
    [[2.0, 0.0], [0.0, -2.0]]
    """

    name = "saddle"

    def __init__(self, bounded=False):
        if not isinstance(bounded, (bool, np.bool_)):
            raise TypeError(f"bounded must be True or False, got {bounded!r}.")
        self.bounded = bool(bounded)
        self.k = 1.0 if self.bounded else 0.0
        self.bounds = ((-2.0, 2.0), (-2.0, 2.0))
        self.start = np.array([1.5, 1e-3])
        self.saddle_point = np.zeros(2)
        if self.bounded:
            self.minima = np.array([[0.0, math.sqrt(2.0)], [0.0, -math.sqrt(2.0)]])
            self.f_min = -1.0
        else:
            self.minima = np.zeros((0, 2))
            self.f_min = None

    def _params(self):
        return {"bounded": self.bounded}

    def _f(self, x, y):
        return x**2 - y**2 + self.k * y**4 / 4

    def _grad(self, x, y):
        return 2 * x, -2 * y + self.k * y**3

    def _hess(self, x, y):
        return 2.0, 0.0, -2.0 + 3 * self.k * y**2


SURFACES = {cls.name: cls for cls in (Quadratic, Rosenbrock, Beale, Himmelblau, Saddle)}


def get_surface(name, **kw):
    """Build a surface by name, e.g. ``get_surface("quadratic", condition=50.0)``.

    Valid names are the keys of ``SURFACES``; keyword arguments go to the class.
    """
    return SURFACES[check_choice(name, "surface name", SURFACES)](**kw)


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
    p = _check_point(p, "start").copy()
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
