"""Tests of nbtools.landscapes: exact derivatives, known minima, and the three ways of walking."""
import math

import numpy as np
import pytest

from nbtools import landscapes as L

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


class GD:
    """Plain gradient descent, p <- p - lr * g: a stand-in for nbtools.optim.SGD."""

    def __init__(self, lr):
        self.lr = lr

    def step(self, params, grads):
        for p, g in zip(params, grads):
            p -= self.lr * g


class HeavyBall(GD):
    """Momentum with state, to check that run() resets an optimizer before reusing it."""

    def __init__(self, lr, mu=0.9):
        super().__init__(lr)
        self.mu, self.v, self.resets = mu, None, 0

    def reset(self):
        self.v, self.resets = None, self.resets + 1

    def step(self, params, grads):
        (p,), (g,) = params, grads
        self.v = self.mu * (0.0 if self.v is None else self.v) - self.lr * g
        p += self.v


def quadratic_matrix(condition, angle):
    """A = R diag(1, condition) R^T written out from scratch, independently of the module."""
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, -s], [s, c]]) @ np.diag([1.0, condition]) @ np.array([[c, s], [-s, c]])


def rel_err(a, b):
    return np.max(np.abs(a - b)) / max(np.max(np.abs(a)), np.max(np.abs(b)))


# ---------------------------------------------------------------- derivatives and minima
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


# ---------------------------------------------------------------- run()
@pytest.mark.parametrize("condition, angle", [(10.0, 0.0), (5.0, 0.9)])
def test_gradient_descent_matches_closed_form(condition, angle):
    lr, p0, steps = 0.15, np.array([-2.0, 1.5]), 30
    traj = L.run(GD(lr), L.Quadratic(condition, angle), start=p0, steps=steps)
    M = np.eye(2) - lr * quadratic_matrix(condition, angle)
    expected = np.array([np.linalg.matrix_power(M, t) @ p0 for t in range(steps + 1)])
    assert traj.points.shape == (steps + 1, 2) and traj.losses.shape == (steps + 1,)
    assert np.allclose(traj.points, expected, rtol=1e-12, atol=1e-14)
    assert not traj.diverged and traj.diverged_at is None and traj.reason == ""


def test_losses_are_the_exact_loss_at_each_point():
    s = L.Rosenbrock()
    traj = L.run(GD(1e-3), s, steps=20, noise=1.0, seed=3)
    assert np.allclose(traj.losses, [s.f(p) for p in traj.points], rtol=1e-15)


def test_run_does_not_modify_start_and_accepts_names():
    start = np.array([1.0, 1.0])
    traj = L.run(GD(0.1), "quadratic", start=start, steps=5)
    assert start.tolist() == [1.0, 1.0] and traj.points[0].tolist() == [1.0, 1.0]
    assert np.array_equal(L.run(GD(0.1), "beale", steps=3).points[0], L.Beale().start)


def test_noise_is_seeded():
    s = L.Himmelblau()
    a = L.run(GD(0.01), s, steps=40, noise=2.0, seed=7)
    b = L.run(GD(0.01), s, steps=40, noise=2.0, seed=7)
    c = L.run(GD(0.01), s, steps=40, noise=2.0, seed=8)
    clean = L.run(GD(0.01), s, steps=40)
    assert np.array_equal(a.points, b.points)
    assert not np.allclose(a.points, c.points) and not np.allclose(a.points, clean.points)
    gen = L.run(GD(0.01), s, steps=40, noise=2.0, seed=np.random.default_rng(7))
    assert np.array_equal(gen.points, a.points)


def test_noise_is_gaussian_with_the_given_std():
    # GD with lr=1 on Quadratic(condition=1) (gradient p) from the origin gives
    # p_{t+1} = p_t - (p_t + noise * xi) = -noise * xi, so points[1:] are the noise itself
    traj = L.run(GD(1.0), L.Quadratic(condition=1.0), start=(0.0, 0.0), steps=4000,
                 noise=0.5, seed=0)
    xi = -traj.points[1:]
    assert abs(xi.mean()) < 0.02 and abs(xi.std() - 0.5) < 0.02


def test_optimizer_is_reset_so_reuse_is_safe():
    opt, s = HeavyBall(0.01), L.Rosenbrock()
    first = L.run(opt, s, steps=50)
    second = L.run(opt, s, steps=50)
    assert opt.resets == 2
    assert np.array_equal(first.points, second.points)


def test_divergence_is_detected_and_trajectory_truncated():
    condition, lr, p0 = 10.0, 0.25, np.array([1.0, 1.0])   # lr > 2 / lambda_max = 0.2
    A = quadratic_matrix(condition, 0.0)
    # first t whose closed-form iterate has a loss above the threshold
    p, t = p0.copy(), 0
    while 0.5 * p @ A @ p <= 1e10:
        p, t = p - lr * A @ p, t + 1
    traj = L.run(GD(lr), L.Quadratic(condition), start=p0, steps=500)
    assert traj.diverged and traj.diverged_at == t and "loss" in traj.reason
    assert traj.points.shape == (t, 2) and traj.losses.shape == (t,)
    assert np.all(np.isfinite(traj.points)) and np.all(np.abs(traj.losses) <= 1e10)
    assert "diverged at step" in repr(traj)
    stable = L.run(GD(0.19), L.Quadratic(condition), start=p0, steps=500)
    assert not stable.diverged and stable.losses[-1] < 1e-10


def test_non_finite_point_counts_as_divergence():
    class Breaks:
        def step(self, params, grads):
            params[0][:] = np.nan

    traj = L.run(Breaks(), "himmelblau", steps=10)
    assert traj.diverged and traj.diverged_at == 1 and "NaN" in traj.reason
    assert traj.points.shape == (1, 2)


def test_escaping_the_plain_saddle_diverges_but_bounded_saddle_settles():
    plain = L.run(GD(0.1), L.Saddle(), steps=500)
    assert plain.diverged and np.all(np.isfinite(plain.points))
    bounded = L.run(GD(0.1), L.Saddle(bounded=True), steps=500)
    assert not bounded.diverged
    assert np.allclose(bounded.points[-1], [0.0, 2**0.5], atol=1e-6)   # start has y > 0


# ---------------------------------------------------------------- newton() and gradient_flow()
def test_newton_solves_a_quadratic_in_one_step():
    traj = L.newton(L.Quadratic(condition=1000.0, angle=0.3), start=(2.0, -1.0), steps=1)
    assert traj.points.shape == (2, 2) and np.allclose(traj.points[1], 0.0, atol=1e-12)


def test_damped_newton_on_a_quadratic():
    # p1 = p0 - (A + d I)^-1 A p0; along eigenvector with eigenvalue lam: factor d / (lam + d)
    d, p0 = 1.0, np.array([2.0, -1.0])
    traj = L.newton(L.Quadratic(condition=9.0), start=p0, steps=1, damping=d)
    assert np.allclose(traj.points[1], [2.0 * d / (1 + d), -1.0 * d / (9 + d)], rtol=1e-12)


def test_newton_converges_on_rosenbrock_and_finds_saddles():
    traj = L.newton(L.Rosenbrock(), start=(-1.2, 1.0), steps=20)
    assert np.allclose(traj.points[-1], [1.0, 1.0], atol=1e-10) and not traj.diverged
    saddle = L.newton(L.Saddle(), start=(1.5, 0.3), steps=1)
    assert np.allclose(saddle.points[1], 0.0)   # Newton is drawn to saddle points


def test_newton_flags_a_singular_hessian():
    # bounded saddle: f_yy = -2 + 3 y^2 vanishes at y = sqrt(2/3), f_xy = 0
    traj = L.newton(L.Saddle(bounded=True), start=(1.0, math.sqrt(2 / 3)), steps=5)
    assert traj.diverged and traj.diverged_at == 1 and "singular" in traj.reason
    assert traj.points.shape == (1, 2)
    damped = L.newton(L.Saddle(bounded=True), start=(1.0, math.sqrt(2 / 3)), steps=5, damping=1.0)
    assert not damped.diverged


@pytest.mark.parametrize("condition, angle", [(1.0, 0.0), (8.0, 0.5)])
def test_gradient_flow_matches_the_exponential_solution(condition, angle):
    # p(t) = R diag(exp(-t), exp(-condition t)) R^T p0
    p0, t_max = np.array([1.5, -2.0]), 2.0
    traj = L.gradient_flow(L.Quadratic(condition, angle), start=p0, t_max=t_max, dt=1e-3)
    c, s = math.cos(angle), math.sin(angle)
    R = np.array([[c, -s], [s, c]])
    exact = [R @ np.diag(np.exp([-t, -condition * t])) @ R.T @ p0 for t in traj.times]
    assert traj.times[0] == 0.0 and np.isclose(traj.times[-1], t_max)
    assert traj.points.shape == (2001, 2)
    assert np.allclose(traj.points, exact, rtol=0, atol=1e-10)


def test_gradient_descent_approaches_gradient_flow_as_lr_shrinks():
    s, T = L.Rosenbrock(), 0.5
    flow = L.gradient_flow(s, start=(-1.2, 1.0), t_max=T, dt=1e-4)
    errors = []
    for lr in (1e-3, 1e-4):
        gd = L.run(GD(lr), s, start=(-1.2, 1.0), steps=round(T / lr))
        errors.append(np.linalg.norm(gd.points[-1] - flow.points[-1]))
    assert errors[1] < errors[0] / 5   # Euler's error is first order in lr


def test_gradient_flow_rounds_dt_to_hit_t_max_and_detects_blow_up():
    traj = L.gradient_flow("quadratic", t_max=1.0, dt=0.3)
    assert len(traj.times) == 5 and np.allclose(np.diff(traj.times), 0.25)
    out = L.gradient_flow(L.Saddle(), start=(1.0, 1.0), t_max=20.0, dt=1e-2)
    # y(t) = exp(2 t), so -y^2 passes -1e10 near t = ln(1e10) / 4
    assert out.diverged and abs(out.times[-1] - math.log(1e10) / 4) < 0.05


# ---------------------------------------------------------------- bad input
def test_unknown_surface_lists_the_valid_names():
    with pytest.raises(ValueError, match="rosenbrock") as err:
        L.get_surface("rosenbrok")
    assert "himmelblau" in str(err.value) and "rosenbrok'" in str(err.value)
    with pytest.raises(TypeError):
        L.get_surface(3)


@pytest.mark.parametrize("start", [(1.0, 2.0, 3.0), [[1.0, 2.0]], 1.0])
def test_start_of_wrong_shape(start):
    with pytest.raises(ValueError, match=r"start.*shape \(2,\)"):
        L.run(GD(0.1), "quadratic", start=start)


def test_bad_start_values():
    with pytest.raises(ValueError, match="NaN"):
        L.run(GD(0.1), "quadratic", start=(np.nan, 1.0))
    with pytest.raises(ValueError, match="start.*threshold"):
        L.run(GD(0.1), "rosenbrock", start=(1e4, 0.0))
    with pytest.raises(TypeError, match="start"):
        L.newton("quadratic", start="origin")


@pytest.mark.parametrize("steps", [0, -3])
def test_steps_must_be_positive(steps):
    with pytest.raises(ValueError, match="steps"):
        L.run(GD(0.1), "quadratic", steps=steps)
    with pytest.raises(ValueError, match="steps"):
        L.newton("quadratic", steps=steps)


def test_other_bad_arguments():
    with pytest.raises(TypeError, match="steps"):
        L.run(GD(0.1), "quadratic", steps=2.5)
    with pytest.raises(ValueError, match="noise"):
        L.run(GD(0.1), "quadratic", noise=-1.0)
    with pytest.raises(TypeError, match="seed"):
        L.run(GD(0.1), "quadratic", noise=1.0, seed=None)
    with pytest.raises(TypeError, match="step"):
        L.run(object(), "quadratic")
    with pytest.raises(TypeError, match="surface"):
        L.run(GD(0.1), 42)
    with pytest.raises(ValueError, match="damping"):
        L.newton("quadratic", damping=-1.0)
    with pytest.raises(ValueError, match="dt"):
        L.gradient_flow("quadratic", t_max=1.0, dt=2.0)
    with pytest.raises(ValueError, match="t_max"):
        L.gradient_flow("quadratic", t_max=0.0)
    with pytest.raises(ValueError, match="condition"):
        L.Quadratic(condition=0.5)
    with pytest.raises(TypeError, match="bounded"):
        L.Saddle(bounded="yes")
    with pytest.raises(ValueError, match=r"p.*shape \(2,\)"):
        L.Beale().grad([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="same shape"):
        L.Beale().f_grid(np.zeros((2, 3)), np.zeros((3, 2)))


# ---------------------------------------------------------------- with nbtools.optim
def test_run_with_optim_sgd_matches_closed_form():
    optim = pytest.importorskip("nbtools.optim")
    lr, p0, steps = 0.1, np.array([-2.0, 1.5]), 25
    traj = L.run(optim.SGD(lr), L.Quadratic(8.0, 0.3), start=p0, steps=steps)
    M = np.eye(2) - lr * quadratic_matrix(8.0, 0.3)
    assert np.allclose(traj.points[-1], np.linalg.matrix_power(M, steps) @ p0, rtol=1e-12)


def test_run_with_optim_adam_is_reusable_and_descends():
    optim = pytest.importorskip("nbtools.optim")
    opt, s = optim.Adam(lr=0.05), L.Rosenbrock()
    first = L.run(opt, s, steps=300)
    second = L.run(opt, s, steps=300)
    assert np.array_equal(first.points, second.points)   # reset() cleared Adam's moments
    assert first.losses[-1] < 0.2 * first.losses[0] and not first.diverged
    # Adam's first bias-corrected step is m/sqrt(v) = g/|g|: a step of lr against sign(g)
    g0 = np.array([-2 * (1 + 1.5) - 400 * -1.5 * (2 - 1.5**2), 200 * (2 - 1.5**2)])
    assert np.allclose(first.points[1], s.start - 0.05 * np.sign(g0), rtol=1e-6)
    momentum = L.run(optim.SGD(1e-3, momentum=0.9), s, steps=300)
    assert momentum.losses[-1] < momentum.losses[0]
