"""Tests of nbtools.landscapes: exact derivatives and known minima of the surfaces. (The walks on
them: test_walks.py.)"""
import math

import numpy as np
import pytest

from nbtools import landscapes as L
from nbtools import optim
from nbtools.walks import newton, run

ALL_SURFACES = [
    L.Quadratic(),
    L.Quadratic(condition=25.0, angle=0.7),
    L.Rosenbrock(),
    L.Rosenbrock(a=-0.5, b=3.0),
    L.Beale(),
    L.Himmelblau(),
    L.Saddle(),
    L.Saddle(bounded=True),
]
POINTS = [(0.3, -0.7), (-1.2, 1.1), (1.7, 0.4), (-0.6, -1.9)]


def quadratic_matrix(condition, angle):
    """A = R diag(1, condition) R^T written out from scratch, independently of the module."""
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, -s], [s, c]]) @ np.diag([1.0, condition]) @ np.array([[c, s], [-s, c]])


def rel_err(a, b):
    return np.max(np.abs(a - b)) / max(np.max(np.abs(a)), np.max(np.abs(b)))


def finite_difference_grad(f, p, h=1e-6):
    p = np.asarray(p, dtype=float)
    return np.array([(f(p + h * e) - f(p - h * e)) / (2 * h) for e in np.eye(2)])


# ---- derivatives and minima -----------------------------------------------------------------------

@pytest.mark.parametrize("surface", ALL_SURFACES, ids=repr)
@pytest.mark.parametrize("p", POINTS)
def test_gradient_matches_central_differences(surface, p):
    p, h = np.array(p), 1e-5
    fd = [(surface.f(p + h * e) - surface.f(p - h * e)) / (2 * h) for e in np.eye(2)]
    assert rel_err(surface.grad(p), np.array(fd)) < 1e-7


@pytest.mark.parametrize("surface", ALL_SURFACES, ids=repr)
@pytest.mark.parametrize("p", POINTS)
def test_hessian_matches_central_differences_of_gradient(surface, p):
    p, h = np.array(p), 1e-5
    cols = [(surface.grad(p + h * e) - surface.grad(p - h * e)) / (2 * h) for e in np.eye(2)]
    H = surface.hessian(p)
    assert H.shape == (2, 2) and np.array_equal(H, H.T)
    assert rel_err(H, np.column_stack(cols)) < 1e-7


@pytest.mark.parametrize("surface", ALL_SURFACES, ids=repr)
def test_f_grid_agrees_with_f(surface):
    X, Y = np.meshgrid(np.linspace(-2, 2, 4), np.linspace(-1, 3, 3))
    Z = surface.f_grid(X, Y)
    assert Z.shape == (3, 4) and Z.dtype == np.float64
    expected = [[surface.f((x, y)) for x, y in zip(xr, yr)] for xr, yr in zip(X, Y)]
    assert np.allclose(Z, expected, rtol=1e-14, atol=0)


def test_textbook_values():
    # hand-computed values at points where the formulas are easy to evaluate
    assert L.Rosenbrock().f((0.0, 0.0)) == 1.0                     # (1 - 0)^2
    assert L.Rosenbrock().f((-1.0, 2.0)) == 4.0 + 100.0             # (1+1)^2 + 100 (2-1)^2
    assert L.Beale().f((0.0, 0.0)) == 1.5**2 + 2.25**2 + 2.625**2
    assert L.Himmelblau().f((0.0, 0.0)) == 121.0 + 49.0
    assert L.Saddle().f((1.0, 2.0)) == 1.0 - 4.0
    assert L.Saddle(bounded=True).f((1.0, 2.0)) == 1.0 - 4.0 + 4.0
    A = quadratic_matrix(7.0, 0.4)
    p = np.array([0.8, -1.3])
    assert np.isclose(L.Quadratic(7.0, 0.4).f(p), 0.5 * p @ A @ p, rtol=1e-14)
    assert np.allclose(L.Quadratic(7.0, 0.4).hessian(p), A, rtol=1e-14)
    assert np.allclose(np.linalg.eigvalsh(L.Quadratic(7.0, 0.4).A), [1.0, 7.0])


@pytest.mark.parametrize("surface", ALL_SURFACES, ids=repr)
def test_known_minima_are_minima(surface):
    for m in surface.minima:
        assert np.isclose(surface.f(m), surface.f_min, atol=1e-12)
        assert np.linalg.norm(surface.grad(m)) < 1e-9
        assert np.all(np.linalg.eigvalsh(surface.hessian(m)) > 0)
        lo, hi = np.array(surface.bounds).T
        assert np.all((lo <= m) & (m <= hi))


def test_number_of_minima_and_where_they_are():
    assert len(L.Himmelblau().minima) == 4
    assert np.allclose(L.Rosenbrock(a=2.0).minima, [[2.0, 4.0]])
    assert np.allclose(L.Saddle(bounded=True).minima, [[0, 2**0.5], [0, -(2**0.5)]])
    assert L.Saddle().minima.shape == (0, 2) and L.Saddle().f_min is None
    H = L.Saddle().hessian(L.Saddle().saddle_point)
    assert np.linalg.eigvalsh(H).tolist() == [-2.0, 2.0]


def test_surfaces_dict_and_defaults():
    assert set(L.SURFACES) == {"quadratic", "rosenbrock", "beale", "himmelblau", "saddle"}
    q = L.get_surface("Quadratic", condition=4.0)
    assert isinstance(q, L.Quadratic) and q.condition == 4.0
    for name in L.SURFACES:
        s = L.get_surface(name)
        (x0, x1), (y0, y1) = s.bounds
        assert x0 < s.start[0] < x1 and y0 < s.start[1] < y1
        X, Y, Z = s.grid(n=11)
        assert X.shape == Y.shape == Z.shape == (11, 11) and np.all(np.isfinite(Z))
        assert repr(s).startswith(type(s).__name__ + "(")


# ---- bad input ------------------------------------------------------------------------------------

def test_unknown_surface_lists_the_valid_names():
    with pytest.raises(ValueError, match="rosenbrock") as err:
        L.get_surface("rosenbrok")
    assert "himmelblau" in str(err.value) and "rosenbrok'" in str(err.value)
    with pytest.raises(TypeError):
        L.get_surface(3)


def test_bad_arguments_of_the_surfaces():
    with pytest.raises(ValueError, match="condition"):
        L.Quadratic(condition=0.5)
    with pytest.raises(TypeError, match="bounded"):
        L.Saddle(bounded="yes")
    with pytest.raises(ValueError, match=r"p.*shape \(2,\)"):
        L.Beale().grad([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="same shape"):
        L.Beale().f_grid(np.zeros((2, 3)), np.zeros((3, 2)))


# ---- a sharp and a flat minimum -------------------------------------------------------------------

@pytest.mark.parametrize("p", [(-1.2, 0.4), (0.3, -0.9), (1.5, 1.1), (-0.9, 0.6)])
def test_sharp_flat_derivatives_match_finite_differences(p):
    wells = L.SharpFlat()
    np.testing.assert_allclose(wells.grad(p), finite_difference_grad(wells.f, p), rtol=1e-6, atol=1e-9)
    columns = [(wells.grad(np.add(p, 1e-6 * e)) - wells.grad(np.subtract(p, 1e-6 * e))) / 2e-6
               for e in np.eye(2)]
    np.testing.assert_allclose(wells.hessian(p), np.column_stack(columns), rtol=1e-5, atol=1e-7)


def test_sharp_flat_minima_and_their_curvatures():
    wells = L.SharpFlat()
    sharp, flat = wells.minima
    for m in (sharp, flat):
        assert np.linalg.norm(wells.grad(m)) < 1e-10
        assert np.all(np.linalg.eigvalsh(wells.hessian(m)) > 0)
    ratio = np.linalg.eigvalsh(wells.hessian(sharp)).max() / np.linalg.eigvalsh(wells.hessian(flat)).max()
    assert 10 < ratio < 20                       # about (1 / 0.25)^2 = 16
    assert wells.f(sharp) < wells.f(flat) and wells.f_min == wells.f(sharp)


def test_sharp_flat_minima_are_where_newton_lands_from_the_centres():
    wells = L.SharpFlat()
    for centre, minimum in zip(wells.centers, wells.minima):
        np.testing.assert_allclose(newton(wells, start=centre, steps=30).points[-1], minimum,
                                   rtol=1e-12, atol=1e-15)


def test_large_learning_rate_leaves_the_sharp_minimum():
    """Notebook 08's experiment. It must not hang on the last bits of the arithmetic (numpy's exp
    rounds differently on different CPUs), so it is run from starting points moved by 1e-12 too:
    every run must end at the same minimum, converged."""
    wells = L.SharpFlat()
    for shift in ([0, 0], [1e-12, 0], [0, -1e-12], [3e-12, 2e-12]):
        start = wells.start + np.array(shift)
        small = run(optim.SGD(lr=0.05), wells, start=start, steps=150)
        large = run(optim.SGD(lr=0.4), wells, start=start, steps=150)
        assert np.linalg.norm(small.points[-1] - wells.minima[0]) < 1e-6
        assert np.linalg.norm(large.points[-1] - wells.minima[1]) < 1e-6
        # thrown out of the sharp well within seven steps, as the notebook says
        assert np.linalg.norm(large.points[7] - wells.centers[0]) > 1.0


def test_the_middle_learning_rate_settles_into_a_two_cycle_in_the_sharp_well():
    """lr 0.2 'rattles back and forth for ever' (notebook 08): a stable two-cycle, so the point the
    notebook prints after 150 steps is the same whatever the last bits of the start."""
    wells = L.SharpFlat()
    ends = []
    for shift in ([0, 0], [1e-12, 0], [0, -1e-12]):
        path = run(optim.SGD(lr=0.2), wells, start=wells.start + np.array(shift), steps=150)
        p = path.points
        assert np.linalg.norm(p[-1] - p[-3]) < 1e-6 < 0.1 < np.linalg.norm(p[-1] - p[-2])
        assert np.linalg.norm(p[-1] - wells.centers[0]) < 0.5
        ends.append(p[-1])
    assert np.ptp(ends, axis=0).max() < 1e-9
