"""Two-dimensional loss landscapes for watching optimizers move.

A neural network's loss lives in millions of dimensions, but most of what goes right or wrong
with an optimizer already happens in two: long narrow valleys (Rosenbrock, an ill-conditioned
quadratic), flat plateaus (Beale), several minima (Himmelblau), saddle points (Saddle), and a
sharp minimum beside a flat one (SharpFlat).

Every surface here has an exact value ``f(p)``, gradient ``grad(p)`` and Hessian ``hessian(p)``
at a point ``p = (x, y)``, a vectorized ``f_grid(X, Y)`` for contour plots, a plotting window
``bounds``, a default ``start`` and its known ``minima``. ``get_surface(name)`` builds one by name.

The least-squares loss of a linear model on data is a surface too (``least_squares``); the walks
downhill (gradient descent with any optimizer, Newton, gradient flow) are in ``walks``, and the
pictures of both in ``pathplots``.
"""
import math

import numpy as np

from ._checks import as_float_array, check_choice, check_number


def check_point(p, name="p"):
    """Return ``p`` as a finite float64 array of shape (2,), or say what is wrong with it."""
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
        x, y = check_point(p)
        return float(self._f(x, y))

    def grad(self, p):
        """Gradient (df/dx, df/dy) at p, shape (2,)."""
        x, y = check_point(p)
        return np.array(self._grad(x, y), dtype=np.float64)

    def hessian(self, p):
        """Hessian [[f_xx, f_xy], [f_xy, f_yy]] at p, shape (2, 2)."""
        x, y = check_point(p)
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


class SharpFlat(Surface):
    """Two wells of about the same depth in a gentle bowl: a narrow, sharp one and a wide, flat one.

        f(p) = c |p|^2 - sum_k A_k exp(-|p - m_k|^2 / (2 s_k^2))

    with c = 0.04, the sharp well at m_1 = (-1, 0.5) (width s_1 = 0.25) and the flat one at
    m_2 = (0.8, -0.2) (width s_2 = 1), both of depth A = 1. Near a well's centre the curvature is
    about A / s^2: 16 times larger in the sharp one, so gradient descent can settle there only with
    a 16 times smaller learning rate (lr < 2 / curvature), and a small shift of the surface raises
    its loss far more. The sharp minimum is the lower one. ``minima`` are the exact minima
    (near the centres), found with Newton's method
    (``walks.newton``).
    """

    name = "sharp and flat minima"
    centers = np.array([[-1.0, 0.5], [0.8, -0.2]])
    widths = np.array([0.25, 1.0])
    depths = np.array([1.0, 1.0])
    c = 0.04

    def __init__(self):
        self.bounds = ((-2.5, 3.0), (-2.0, 2.0))
        self.start = np.array([-1.6, 1.2])
        # 30 steps of walks.newton from each centre (a test checks that they still land here)
        self.minima = np.array([[-0.9769554370038979, 0.4904882769069145],
                                [0.7406379401276703, -0.1851594850293371]])
        self.f_min = float(min(self.f(m) for m in self.minima))

    def _wells(self, x, y):
        """For each well k: its Gaussian bump A_k exp(...) and the offsets dx, dy from its centre."""
        for (mx, my), s, a in zip(self.centers, self.widths, self.depths):
            dx, dy = x - mx, y - my
            yield a * np.exp(-(dx**2 + dy**2) / (2 * s**2)), dx, dy, s

    def _f(self, x, y):
        return self.c * (x**2 + y**2) - sum(g for g, _, _, _ in self._wells(x, y))

    def _grad(self, x, y):
        gx, gy = 2 * self.c * x, 2 * self.c * y
        for g, dx, dy, s in self._wells(x, y):
            gx, gy = gx + g * dx / s**2, gy + g * dy / s**2
        return gx, gy

    def _hess(self, x, y):
        hxx = hyy = 2 * self.c
        hxy = 0.0
        for g, dx, dy, s in self._wells(x, y):
            hxx = hxx + g * (1 - dx**2 / s**2) / s**2
            hyy = hyy + g * (1 - dy**2 / s**2) / s**2
            hxy = hxy - g * dx * dy / s**4
        return hxx, hxy, hyy


SURFACES = {cls.name: cls for cls in (Quadratic, Rosenbrock, Beale, Himmelblau, Saddle)}


def get_surface(name, **kw):
    """Build a surface by name, e.g. ``get_surface("quadratic", condition=50.0)``.

    Valid names are the keys of ``SURFACES``; keyword arguments go to the class.
    """
    return SURFACES[check_choice(name, "surface name", SURFACES)](**kw)
