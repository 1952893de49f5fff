"""Tests of nbtools.walks: gradient descent with any optimizer, Newton, gradient flow, several
optimizers at once, schedules, SGD on an empirical risk, and gradient descent on least squares.

Expected values are computed here independently: hand-written loops, closed forms, or walks.run
called directly.
"""
import math

import numpy as np
import pytest

from nbtools import landscapes as L
from nbtools import optim, schedules
from nbtools import walks as W
from nbtools.least_squares import EmpiricalRisk


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


def hand_gd(grad, p, lrs):
    """Gradient descent written out: p <- p - lr_t * grad(p) for each lr_t; all points."""
    points = [np.array(p, dtype=float)]
    for lr in lrs:
        points.append(points[-1] - lr * grad(points[-1]))
    return np.array(points)


# ---- run() ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("condition, angle", [(10.0, 0.0), (5.0, 0.9)])
def test_gradient_descent_matches_closed_form(condition, angle):
    lr, p0, steps = 0.15, np.array([-2.0, 1.5]), 30
    traj = W.run(GD(lr), L.Quadratic(condition, angle), start=p0, steps=steps)
    M = np.eye(2) - lr * quadratic_matrix(condition, angle)
    expected = np.array([np.linalg.matrix_power(M, t) @ p0 for t in range(steps + 1)])
    assert traj.points.shape == (steps + 1, 2) and traj.losses.shape == (steps + 1,)
    assert np.allclose(traj.points, expected, rtol=1e-12, atol=1e-14)
    assert not traj.diverged and traj.diverged_at is None and traj.reason == ""


def test_losses_are_the_exact_loss_at_each_point():
    s = L.Rosenbrock()
    traj = W.run(GD(1e-3), s, steps=20, noise=1.0, seed=3)
    assert np.allclose(traj.losses, [s.f(p) for p in traj.points], rtol=1e-15)


def test_run_does_not_modify_start_and_accepts_names():
    start = np.array([1.0, 1.0])
    traj = W.run(GD(0.1), "quadratic", start=start, steps=5)
    assert start.tolist() == [1.0, 1.0] and traj.points[0].tolist() == [1.0, 1.0]
    assert np.array_equal(W.run(GD(0.1), "beale", steps=3).points[0], L.Beale().start)


def test_noise_is_seeded():
    s = L.Himmelblau()
    a = W.run(GD(0.01), s, steps=40, noise=2.0, seed=7)
    b = W.run(GD(0.01), s, steps=40, noise=2.0, seed=7)
    c = W.run(GD(0.01), s, steps=40, noise=2.0, seed=8)
    clean = W.run(GD(0.01), s, steps=40)
    assert np.array_equal(a.points, b.points)
    assert not np.allclose(a.points, c.points) and not np.allclose(a.points, clean.points)
    gen = W.run(GD(0.01), s, steps=40, noise=2.0, seed=np.random.default_rng(7))
    assert np.array_equal(gen.points, a.points)


def test_noise_is_gaussian_with_the_given_std():
    # GD with lr=1 on Quadratic(condition=1) (gradient p) from the origin gives
    # p_{t+1} = p_t - (p_t + noise * xi) = -noise * xi, so points[1:] are the noise itself
    traj = W.run(GD(1.0), L.Quadratic(condition=1.0), start=(0.0, 0.0), steps=4000,
                 noise=0.5, seed=0)
    xi = -traj.points[1:]
    assert abs(xi.mean()) < 0.02 and abs(xi.std() - 0.5) < 0.02


def test_optimizer_is_reset_so_reuse_is_safe():
    opt, s = HeavyBall(0.01), L.Rosenbrock()
    first = W.run(opt, s, steps=50)
    second = W.run(opt, s, steps=50)
    assert opt.resets == 2
    assert np.array_equal(first.points, second.points)


def test_divergence_is_detected_and_trajectory_truncated():
    condition, lr, p0 = 10.0, 0.25, np.array([1.0, 1.0])   # lr > 2 / lambda_max = 0.2
    A = quadratic_matrix(condition, 0.0)
    # first t whose closed-form iterate has a loss above the threshold
    p, t = p0.copy(), 0
    while 0.5 * p @ A @ p <= 1e10:
        p, t = p - lr * A @ p, t + 1
    traj = W.run(GD(lr), L.Quadratic(condition), start=p0, steps=500)
    assert traj.diverged and traj.diverged_at == t and "loss" in traj.reason
    assert traj.points.shape == (t, 2) and traj.losses.shape == (t,)
    assert np.all(np.isfinite(traj.points)) and np.all(np.abs(traj.losses) <= 1e10)
    assert "diverged at step" in repr(traj)
    stable = W.run(GD(0.19), L.Quadratic(condition), start=p0, steps=500)
    assert not stable.diverged and stable.losses[-1] < 1e-10


def test_non_finite_point_counts_as_divergence():
    class Breaks:
        def step(self, params, grads):
            params[0][:] = np.nan

    traj = W.run(Breaks(), "himmelblau", steps=10)
    assert traj.diverged and traj.diverged_at == 1 and "NaN" in traj.reason
    assert traj.points.shape == (1, 2)


def test_escaping_the_plain_saddle_diverges_but_bounded_saddle_settles():
    plain = W.run(GD(0.1), L.Saddle(), steps=500)
    assert plain.diverged and np.all(np.isfinite(plain.points))
    bounded = W.run(GD(0.1), L.Saddle(bounded=True), steps=500)
    assert not bounded.diverged
    assert np.allclose(bounded.points[-1], [0.0, 2**0.5], atol=1e-6)   # start has y > 0


# ---- newton() and gradient_flow() -----------------------------------------------------------------

def test_newton_solves_a_quadratic_in_one_step():
    traj = W.newton(L.Quadratic(condition=1000.0, angle=0.3), start=(2.0, -1.0), steps=1)
    assert traj.points.shape == (2, 2) and np.allclose(traj.points[1], 0.0, atol=1e-12)


def test_damped_newton_on_a_quadratic():
    # p1 = p0 - (A + d I)^-1 A p0; along eigenvector with eigenvalue lam: factor d / (lam + d)
    d, p0 = 1.0, np.array([2.0, -1.0])
    traj = W.newton(L.Quadratic(condition=9.0), start=p0, steps=1, damping=d)
    assert np.allclose(traj.points[1], [2.0 * d / (1 + d), -1.0 * d / (9 + d)], rtol=1e-12)


def test_newton_converges_on_rosenbrock_and_finds_saddles():
    traj = W.newton(L.Rosenbrock(), start=(-1.2, 1.0), steps=20)
    assert np.allclose(traj.points[-1], [1.0, 1.0], atol=1e-10) and not traj.diverged
    saddle = W.newton(L.Saddle(), start=(1.5, 0.3), steps=1)
    assert np.allclose(saddle.points[1], 0.0)   # Newton is drawn to saddle points


def test_newton_flags_a_singular_hessian():
    # bounded saddle: f_yy = -2 + 3 y^2 vanishes at y = sqrt(2/3), f_xy = 0
    traj = W.newton(L.Saddle(bounded=True), start=(1.0, math.sqrt(2 / 3)), steps=5)
    assert traj.diverged and traj.diverged_at == 1 and "singular" in traj.reason
    assert traj.points.shape == (1, 2)
    damped = W.newton(L.Saddle(bounded=True), start=(1.0, math.sqrt(2 / 3)), steps=5, damping=1.0)
    assert not damped.diverged


@pytest.mark.parametrize("condition, angle", [(1.0, 0.0), (8.0, 0.5)])
def test_gradient_flow_matches_the_exponential_solution(condition, angle):
    # p(t) = R diag(exp(-t), exp(-condition t)) R^T p0
    p0, t_max = np.array([1.5, -2.0]), 2.0
    traj = W.gradient_flow(L.Quadratic(condition, angle), start=p0, t_max=t_max, dt=1e-3)
    c, s = math.cos(angle), math.sin(angle)
    R = np.array([[c, -s], [s, c]])
    exact = [R @ np.diag(np.exp([-t, -condition * t])) @ R.T @ p0 for t in traj.times]
    assert traj.times[0] == 0.0 and np.isclose(traj.times[-1], t_max)
    assert traj.points.shape == (2001, 2)
    assert np.allclose(traj.points, exact, rtol=0, atol=1e-10)


def test_gradient_descent_approaches_gradient_flow_as_lr_shrinks():
    s, T = L.Rosenbrock(), 0.5
    flow = W.gradient_flow(s, start=(-1.2, 1.0), t_max=T, dt=1e-4)
    errors = []
    for lr in (1e-3, 1e-4):
        gd = W.run(GD(lr), s, start=(-1.2, 1.0), steps=round(T / lr))
        errors.append(np.linalg.norm(gd.points[-1] - flow.points[-1]))
    assert errors[1] < errors[0] / 5   # Euler's error is first order in lr


def test_gradient_flow_rounds_dt_to_hit_t_max_and_detects_blow_up():
    traj = W.gradient_flow("quadratic", t_max=1.0, dt=0.3)
    assert len(traj.times) == 5 and np.allclose(np.diff(traj.times), 0.25)
    out = W.gradient_flow(L.Saddle(), start=(1.0, 1.0), t_max=20.0, dt=1e-2)
    # y(t) = exp(2 t), so -y^2 passes -1e10 near t = ln(1e10) / 4
    assert out.diverged and abs(out.times[-1] - math.log(1e10) / 4) < 0.05


# ---- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize("start", [(1.0, 2.0, 3.0), [[1.0, 2.0]], 1.0])
def test_start_of_wrong_shape(start):
    with pytest.raises(ValueError, match=r"start.*shape \(2,\)"):
        W.run(GD(0.1), "quadratic", start=start)


def test_bad_start_values():
    with pytest.raises(ValueError, match="NaN"):
        W.run(GD(0.1), "quadratic", start=(np.nan, 1.0))
    with pytest.raises(ValueError, match="start.*threshold"):
        W.run(GD(0.1), "rosenbrock", start=(1e4, 0.0))
    with pytest.raises(TypeError, match="start"):
        W.newton("quadratic", start="origin")


@pytest.mark.parametrize("steps", [0, -3])
def test_steps_must_be_positive(steps):
    with pytest.raises(ValueError, match="steps"):
        W.run(GD(0.1), "quadratic", steps=steps)
    with pytest.raises(ValueError, match="steps"):
        W.newton("quadratic", steps=steps)


def test_other_bad_arguments_of_the_walks():
    with pytest.raises(TypeError, match="steps"):
        W.run(GD(0.1), "quadratic", steps=2.5)
    with pytest.raises(ValueError, match="noise"):
        W.run(GD(0.1), "quadratic", noise=-1.0)
    with pytest.raises(TypeError, match="seed"):
        W.run(GD(0.1), "quadratic", noise=1.0, seed=None)
    with pytest.raises(TypeError, match="step"):
        W.run(object(), "quadratic")
    with pytest.raises(TypeError, match="surface"):
        W.run(GD(0.1), 42)
    with pytest.raises(ValueError, match="damping"):
        W.newton("quadratic", damping=-1.0)
    with pytest.raises(ValueError, match="dt"):
        W.gradient_flow("quadratic", t_max=1.0, dt=2.0)
    with pytest.raises(ValueError, match="t_max"):
        W.gradient_flow("quadratic", t_max=0.0)


# ---- with nbtools.optim ---------------------------------------------------------------------------

def test_run_with_optim_sgd_matches_closed_form():
    optim = pytest.importorskip("nbtools.optim")
    lr, p0, steps = 0.1, np.array([-2.0, 1.5]), 25
    traj = W.run(optim.SGD(lr), L.Quadratic(8.0, 0.3), start=p0, steps=steps)
    M = np.eye(2) - lr * quadratic_matrix(8.0, 0.3)
    assert np.allclose(traj.points[-1], np.linalg.matrix_power(M, steps) @ p0, rtol=1e-12)


def test_run_with_optim_adam_is_reusable_and_descends():
    optim = pytest.importorskip("nbtools.optim")
    opt, s = optim.Adam(lr=0.05), L.Rosenbrock()
    first = W.run(opt, s, steps=300)
    second = W.run(opt, s, steps=300)
    assert np.array_equal(first.points, second.points)   # reset() cleared Adam's moments
    assert first.losses[-1] < 0.2 * first.losses[0] and not first.diverged
    # Adam's first bias-corrected step is m/sqrt(v) = g/|g|: a step of lr against sign(g)
    g0 = np.array([-2 * (1 + 1.5) - 400 * -1.5 * (2 - 1.5**2), 200 * (2 - 1.5**2)])
    assert np.allclose(first.points[1], s.start - 0.05 * np.sign(g0), rtol=1e-6)
    momentum = W.run(optim.SGD(1e-3, momentum=0.9), s, steps=300)
    assert momentum.losses[-1] < momentum.losses[0]


# ---- run_all and Scheduled ------------------------------------------------------------------------

def test_run_all_gives_each_optimizer_the_same_start_and_noise():
    surface = L.Rosenbrock()
    paths = W.run_all({"a": optim.SGD(lr=1e-3), "b": optim.Adam(lr=0.05)}, surface,
                      start=(-1.0, 1.5), steps=30, noise=0.5, seed=3)
    assert list(paths) == ["a", "b"]
    alone = W.run(optim.Adam(lr=0.05), surface, start=(-1.0, 1.5), steps=30, noise=0.5, seed=3)
    np.testing.assert_array_equal(paths["b"].points, alone.points)
    assert np.array_equal(paths["a"].points[0], [-1.0, 1.5])


@pytest.mark.parametrize("bad", [[optim.SGD(lr=0.1)], {}, None])
def test_run_all_wants_a_dict(bad):
    with pytest.raises(TypeError, match="optimizers must be a non-empty dict"):
        W.run_all(bad, L.Quadratic())


def test_scheduled_sets_the_rate_before_each_step():
    # f = |p|^2 / 2 on the isotropic bowl: grad = p, so p_{t+1} = (1 - lr_t) p_t
    bowl = L.Quadratic(condition=1.0)
    rates = [0.1, 0.1, 0.05, 0.05, 0.025]
    opt = W.Scheduled(optim.SGD(lr=0.1), lambda t: schedules.step_decay(0.1, t, step_size=2, gamma=0.5))
    path = W.run(opt, bowl, start=(1.0, -2.0), steps=5)
    np.testing.assert_allclose(path.points[-1], np.prod([1 - r for r in rates]) * np.array([1.0, -2.0]))
    again = W.run(opt, bowl, start=(1.0, -2.0), steps=5)   # run() resets: t starts at 0
    np.testing.assert_array_equal(again.points, path.points)


def test_scheduled_rejects_bad_arguments():
    with pytest.raises(TypeError, match="optimizer must be an nbtools optimizer"):
        W.Scheduled("sgd", lambda t: 0.1)
    with pytest.raises(TypeError, match="lr_at must be a function"):
        W.Scheduled(optim.SGD(lr=0.1), 0.1)


# ---- sgd on an empirical risk ---------------------------------------------------------------------

def test_full_batch_sgd_is_gradient_descent(line_data):
    risk = EmpiricalRisk(*line_data)
    path = W.sgd(risk, lr=0.3, epochs=7, batch_size=12)
    np.testing.assert_allclose(path.points, hand_gd(risk.grad, (0.0, 0.0), [0.3] * 7))
    np.testing.assert_allclose(path.losses, [risk.f(p) for p in path.points])


def test_per_example_sgd_with_decay_by_hand(line_data):
    x, y = line_data
    risk = EmpiricalRisk(x, y)
    path = W.sgd(risk, lr=0.2, epochs=2, decay=0.5, seed=4)
    rng, p, t, points = np.random.default_rng(4), np.zeros(2), 0, [np.zeros(2)]
    for _ in range(2):
        for i in rng.permutation(12):
            r = p[0] * x[i] + p[1] - y[i]
            p = p - 0.2 / (1 + 0.5 * t) * np.array([r * x[i], r])
            points.append(p)
            t += 1
    np.testing.assert_allclose(path.points, points)


def test_sgd_detects_blow_up_and_checks_arguments(line_data):
    risk = EmpiricalRisk(*line_data)
    path = W.sgd(risk, lr=50.0, epochs=50, batch_size=12)
    assert path.diverged and len(path.points) == path.diverged_at and np.all(np.isfinite(path.points))
    with pytest.raises(ValueError, match="batch_size"):
        W.sgd(risk, lr=0.1, batch_size=13)
    with pytest.raises(ValueError, match="lr"):
        W.sgd(risk, lr=0.0)
    with pytest.raises(TypeError, match="EmpiricalRisk"):
        W.sgd(L.Quadratic(), lr=0.1)


# ---- gradient descent on least squares ------------------------------------------------------------

def test_gradient_descent_path_reaches_the_least_squares_solution():
    rng = np.random.default_rng(1)
    Xl = rng.normal(size=(200, 2)) * [1.0, 3.0]
    yl = Xl @ [1.0, -2.0] + 0.1 * rng.normal(size=200)
    path, w_star, reached, cond = W.gradient_descent_path(Xl, yl, steps=500)
    np.testing.assert_allclose(w_star, np.linalg.lstsq(Xl, yl, rcond=None)[0])
    eig = np.linalg.eigvalsh(Xl.T @ Xl / 200)
    assert cond == pytest.approx(eig[-1] / eig[0])
    assert reached is not None and np.linalg.norm(path[reached] - w_star) <= 1e-2 * np.linalg.norm(w_star)
    assert np.linalg.norm(path[reached - 1] - w_star) > 1e-2 * np.linalg.norm(w_star)
    with pytest.raises(ValueError, match="linearly dependent"):
        W.gradient_descent_path(np.c_[Xl[:, 0], 2 * Xl[:, 0]], yl)
