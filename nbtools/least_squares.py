"""The least-squares loss of a linear model on data, as a surface over its two weights.

A linear model with two weights has a loss you can see whole: over the plane of its weights the
mean squared error is a quadratic bowl, round when the inputs are on similar scales and a long thin
valley when they are not. Both classes here are ``landscapes`` surfaces (exact ``f``, ``grad``,
``hessian``, ``f_grid``, ``bounds``, ``start``, ``minima``), so ``walks`` can walk them and
``pathplots`` can draw them:

- ``LeastSquares(X, y)``: L(w) = (1/2n) ||X w - y||^2 for inputs X (n, 2), with the Hessian
  H = X^T X / n, its eigenvalues and condition number (notebook 07: the scale of the inputs);
- ``EmpiricalRisk(x, y)``: the same loss for a line y_hat = w x + b through points (x_i, y_i),
  over p = (w, b), with the gradient on a few examples for stochastic gradient descent
  (notebook 08).

>>> import numpy as np
>>> X = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
>>> surface = LeastSquares(X, X @ [1.0, -1.0])
>>> surface.minima[0].round(6).tolist(), round(surface.f_min, 12)
([1.0, -1.0], 0.0)
"""
import numpy as np

from ._checks import as_float_array
from .landscapes import Surface


class LeastSquares(Surface):
    """The least-squares loss of a linear model y_hat = X w with two weights w = (w1, w2):

        L(w) = (1/2n) ||X w - y||^2,   grad L = H w - X^T y / n,   Hessian H = X^T X / n.

    ``X`` (n, 2) the inputs, ``y`` (n,) the targets. The minimum is w* = H^(-1) X^T y / n (the
    ``minima[0]``), the walk starts at w = 0, and the window is the square of half-width
    1.3 max |w*_k| around w*. ``eigenvalues`` are those of H, smallest first, and
    ``condition`` = lambda_max / lambda_min: gradient descent needs a step below 2 / lambda_max
    and then about ``condition`` steps to crawl along the flattest direction.
    """

    name = "least squares"
    axis_names = ("$w_1$", "$w_2$")

    def __init__(self, X, y):
        if np.ndim(X) == 2 and np.shape(X)[1] != 2:
            raise ValueError(f"X must have 2 columns, one per weight of the picture (w1, w2), got "
                             f"shape {np.shape(X)}.")
        self.X = as_float_array(X, "X", ndim=2)
        self.y = as_float_array(y, "y", ndim=1)
        if len(self.y) != len(self.X):
            raise ValueError(f"y has {len(self.y)} values but X has {len(self.X)} rows; give one "
                             f"target per row.")
        n = len(self.X)
        self.H = self.X.T @ self.X / n
        self.Xty = self.X.T @ self.y / n
        self.eigenvalues = np.linalg.eigvalsh(self.H)
        if self.eigenvalues[0] <= 0:
            raise ValueError("X's columns are linearly dependent (X^T X is singular); the minimum "
                             "is not unique.")
        self.condition = float(self.eigenvalues[-1] / self.eigenvalues[0])
        w_star = np.linalg.solve(self.H, self.Xty)
        self.minima = w_star.reshape(1, 2)
        self.f_min = float(self._f(*w_star))
        self.start = np.zeros(2)
        span = 1.3 * max(np.abs(w_star).max(), 1e-12)
        self.bounds = ((w_star[0] - span, w_star[0] + span), (w_star[1] - span, w_star[1] + span))

    def _f(self, w1, w2):
        w1 = np.asarray(w1, dtype=np.float64)
        W = np.vstack([w1.ravel(), np.ravel(w2)])           # one column per point
        return 0.5 * np.mean((self.X @ W - self.y[:, None]) ** 2, axis=0).reshape(w1.shape)

    def _grad(self, w1, w2):
        return self.H @ np.array([w1, w2]) - self.Xty

    def _hess(self, w1, w2):
        return self.H[0, 0], self.H[0, 1], self.H[1, 1]

    def __repr__(self):
        return f"LeastSquares({len(self.X)} points, condition number {self.condition:.3g})"


class EmpiricalRisk(Surface):
    """The empirical risk of a line y_hat = w x + b on data (x_i, y_i), as a surface over p = (w, b):

        f(w, b) = 1/N sum_i 1/2 (w x_i + b - y_i)^2

    It is a quadratic bowl with gradient (mean(r x), mean(r)), r_i = w x_i + b - y_i, and Hessian
    [[mean(x^2), mean(x)], [mean(x), 1]]. ``grad(p, idx)`` is the gradient on the examples ``idx``
    only: one example for per-example SGD, a few for a mini-batch. The window is centred on the
    best line, which is ``minima[0]``, and holds the default start w = b = 0.
    """

    name = "empirical risk"
    axis_names = ("w (slope)", "b (intercept)")

    def __init__(self, x, y):
        self.x = as_float_array(x, "x", ndim=1)
        self.y = as_float_array(y, "y", ndim=1)
        if len(self.x) != len(self.y) or len(self.x) < 2:
            raise ValueError(f"x and y must be 1-D with the same length (at least 2 points), got "
                             f"lengths {len(self.x)} and {len(self.y)}.")
        A = np.column_stack([self.x, np.ones_like(self.x)])
        best = np.linalg.lstsq(A, self.y, rcond=None)[0]
        self.minima = best.reshape(1, 2)
        self.f_min = float(self._f(*best))
        self.start = np.zeros(2)
        r = 1.25 * max(np.abs(best - self.start).max(), 0.5)  # the start and the best line in view
        self.bounds = ((best[0] - r, best[0] + r), (best[1] - r, best[1] + r))

    def _f(self, w, b):
        w, b = np.asarray(w), np.asarray(b)
        r = w[..., None] * self.x + b[..., None] - self.y
        return 0.5 * np.mean(r**2, axis=-1)

    def _grad(self, w, b):
        r = w * self.x + b - self.y
        return np.mean(r * self.x), np.mean(r)

    def _hess(self, w, b):
        return np.mean(self.x**2), np.mean(self.x), 1.0

    def grad(self, p, idx=None):
        """Gradient at p = (w, b) on all examples, or on the examples ``idx`` only."""
        if idx is None:
            return super().grad(p)
        p = as_float_array(p, "p")
        if p.shape != (2,):
            raise ValueError(f"p must be a point (w, b) of shape (2,), got shape {p.shape}.")
        w, b = p
        r = w * self.x[idx] + b - self.y[idx]
        return np.array([np.mean(r * self.x[idx]), np.mean(r)])
