"""Tests of nbtools.least_squares: the loss of a linear model as a surface, against closed forms,
numpy's least squares and finite differences."""
import numpy as np
import pytest

from nbtools.least_squares import EmpiricalRisk, LeastSquares


def finite_difference_grad(f, p, h=1e-6):
    p = np.asarray(p, dtype=float)
    return np.array([(f(p + h * e) - f(p - h * e)) / (2 * h) for e in np.eye(2)])


def test_empirical_risk_value_gradient_hessian_and_minimum(line_data):
    x, y = line_data
    risk = EmpiricalRisk(x, y)
    p = np.array([0.3, -0.2])
    assert risk.f(p) == pytest.approx(0.5 * np.mean((0.3 * x - 0.2 - y) ** 2))
    np.testing.assert_allclose(risk.grad(p), finite_difference_grad(risk.f, p), rtol=1e-6)
    np.testing.assert_allclose(risk.hessian(p), [[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    np.testing.assert_allclose(risk.minima[0], np.polyfit(x, y, 1))
    (x0, x1), (y0, y1) = risk.bounds
    assert x0 < 0 < x1 and y0 < 0 < y1


def test_empirical_risk_gradient_on_some_examples(line_data):
    x, y = line_data
    risk = EmpiricalRisk(x, y)
    idx = np.array([3, 7])
    w, b = 1.2, -0.5
    per_example = [((w * x[i] + b - y[i]) * x[i], w * x[i] + b - y[i]) for i in idx]
    np.testing.assert_allclose(risk.grad((w, b), idx), np.mean(per_example, axis=0))


def test_empirical_risk_rejects_bad_data():
    with pytest.raises(ValueError, match="same length"):
        EmpiricalRisk([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="1-D"):
        EmpiricalRisk(np.ones((3, 2)), np.ones(3))


def test_least_squares_value_gradient_hessian_and_minimum():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(50, 2)) * [1.0, 4.0]
    y = X @ [0.5, -1.5] + 0.3 * rng.normal(size=50)
    surface = LeastSquares(X, y)
    for p in [(0.3, -0.2), (-1.0, 2.0)]:
        assert surface.f(p) == pytest.approx(0.5 * np.mean((X @ p - y) ** 2), rel=1e-12)
        np.testing.assert_allclose(surface.grad(p), finite_difference_grad(surface.f, p), rtol=1e-6)
        np.testing.assert_allclose(surface.hessian(p), X.T @ X / 50, rtol=1e-12)
    np.testing.assert_allclose(surface.minima[0], np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-10)
    assert surface.f_min == pytest.approx(surface.f(surface.minima[0]), rel=1e-12)
    eig = np.linalg.eigvalsh(X.T @ X / 50)
    assert surface.condition == pytest.approx(eig[-1] / eig[0]) and surface.condition > 10
    W1, W2 = np.meshgrid([0.1, 0.2, 0.3], [-1.0, 1.0])
    Z = surface.f_grid(W1, W2)
    assert Z.shape == (2, 3) and Z[1, 2] == pytest.approx(surface.f((0.3, 1.0)), rel=1e-12)
    (x0, x1), (y0, y1) = surface.bounds
    assert x0 < surface.minima[0, 0] < x1 and y0 < surface.minima[0, 1] < y1
    assert surface.start.tolist() == [0.0, 0.0]


def test_least_squares_explains_bad_data():
    with pytest.raises(ValueError, match="X must have 2 columns"):
        LeastSquares(np.ones((5, 3)), np.ones(5))
    with pytest.raises(ValueError, match="one target per row"):
        LeastSquares(np.ones((5, 2)), np.ones(4))
    with pytest.raises(ValueError, match="linearly dependent"):
        LeastSquares(np.c_[np.arange(5.0), 2 * np.arange(5.0)], np.ones(5))
