"""Tests of nbtools.trajectories: comparing optimizers, the race's sliders, SGD on an empirical
risk and the sharp/flat surface. (Slices of a network's loss: test_netslice.py.)

Expected values are computed here independently: hand-written loops, closed forms, finite
differences, or nbtools.landscapes.run called directly.
"""
import inspect

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nbtools import landscapes, optim
from nbtools import trajectories as T
from nbtools.widgets import live_figure


def hand_gd(grad, p, lrs):
    """Gradient descent written out: p <- p - lr_t * grad(p) for each lr_t; all points."""
    points = [np.array(p, dtype=float)]
    for lr in lrs:
        points.append(points[-1] - lr * grad(points[-1]))
    return np.array(points)


def finite_difference_grad(f, p, h=1e-6):
    p = np.asarray(p, dtype=float)
    return np.array([(f(p + h * e) - f(p - h * e)) / (2 * h) for e in np.eye(2)])


# ---------------------------------------------------------------- run_all and Scheduled

def test_run_all_gives_each_optimizer_the_same_start_and_noise():
    surface = landscapes.Rosenbrock()
    paths = T.run_all({"a": optim.SGD(lr=1e-3), "b": optim.Adam(lr=0.05)}, surface,
                      start=(-1.0, 1.5), steps=30, noise=0.5, seed=3)
    assert list(paths) == ["a", "b"]
    alone = landscapes.run(optim.Adam(lr=0.05), surface, start=(-1.0, 1.5), steps=30, noise=0.5, seed=3)
    np.testing.assert_array_equal(paths["b"].points, alone.points)
    assert np.array_equal(paths["a"].points[0], [-1.0, 1.5])


@pytest.mark.parametrize("bad", [[optim.SGD(lr=0.1)], {}, None])
def test_run_all_wants_a_dict(bad):
    with pytest.raises(TypeError, match="optimizers must be a non-empty dict"):
        T.run_all(bad, landscapes.Quadratic())


def test_scheduled_sets_the_rate_before_each_step():
    # f = |p|^2 / 2 on the isotropic bowl: grad = p, so p_{t+1} = (1 - lr_t) p_t
    bowl = landscapes.Quadratic(condition=1.0)
    rates = [0.1, 0.1, 0.05, 0.05, 0.025]
    opt = T.Scheduled(optim.SGD(lr=0.1), lambda t: optim.step_decay(0.1, t, step_size=2, gamma=0.5))
    path = landscapes.run(opt, bowl, start=(1.0, -2.0), steps=5)
    np.testing.assert_allclose(path.points[-1], np.prod([1 - r for r in rates]) * np.array([1.0, -2.0]))
    again = landscapes.run(opt, bowl, start=(1.0, -2.0), steps=5)   # run() resets: t starts at 0
    np.testing.assert_array_equal(again.points, path.points)


def test_scheduled_rejects_bad_arguments():
    with pytest.raises(TypeError, match="optimizer must be an nbtools optimizer"):
        T.Scheduled("sgd", lambda t: 0.1)
    with pytest.raises(TypeError, match="lr_at must be a function"):
        T.Scheduled(optim.SGD(lr=0.1), 0.1)


# ---------------------------------------------------------------- drawing

def test_shown_values_uses_log_for_deep_valleys_and_linear_for_bowls():
    _, _, Z = landscapes.Rosenbrock().grid(51)
    V, name = T.shown_values(Z)
    assert name.startswith("log10")
    np.testing.assert_allclose(V, np.log10(Z - Z.min() + 1e-3 * np.median(Z - Z.min()) + 1e-12))
    _, _, Zs = landscapes.Saddle().grid(51)
    V, name = T.shown_values(Zs)
    assert name == "loss" and V is not None and np.array_equal(V, Zs)
    assert T.shown_values(Zs, "log")[1].startswith("log10")
    with pytest.raises(ValueError, match="scale"):
        T.shown_values(Zs, "cubic")


def test_contour_map_draws_once_and_switches_surface():
    fig, ax = plt.subplots()
    art = T.contour_map(landscapes.Himmelblau(), ax)
    assert ax.get_xlim() == (-5.0, 5.0) and ax.get_ylim() == (-5.0, 5.0)
    assert len(art["minima"].get_xdata()) == 4
    n_collections = len(ax.collections)
    T.update_contour_map(art, landscapes.Rosenbrock())
    assert len(ax.collections) == n_collections          # the old contours were removed
    assert ax.get_xlim() == (-2.0, 2.0) and ax.get_ylim() == (-1.0, 3.0)
    np.testing.assert_array_equal(art["minima"].get_xydata(), [[1.0, 1.0]])
    assert "rosenbrock" in ax.get_title()
    with pytest.raises(TypeError, match="surface must be"):
        T.update_contour_map(art, "rosenbrock")


def test_lines_show_the_points_and_flag_divergence():
    bowl = landscapes.Quadratic(condition=10.0)
    paths = T.run_all({"ok": optim.SGD(lr=0.1), "too large": optim.SGD(lr=0.3)}, bowl, steps=40)
    assert paths["too large"].diverged
    art = T.plot(bowl, paths, mark_every=5)
    line_ok, line_bad = art["lines"]["lines"]
    np.testing.assert_array_equal(line_ok.get_xydata(), paths["ok"].points)
    np.testing.assert_array_equal(art["lines"]["heads"][0].get_xydata(), paths["ok"].points[-1:])
    assert len(art["lines"]["crosses"][0].get_xdata()) == 0
    np.testing.assert_array_equal(art["lines"]["crosses"][1].get_xydata(), paths["too large"].points[-1:])
    texts = [t.get_text() for t in art["losses"]["legend"].get_texts()]
    assert texts == ["ok", f"too large (diverged at step {paths['too large'].diverged_at})"]
    np.testing.assert_array_equal(art["lines"]["start"].get_xydata(), [bowl.start])


def test_loss_curves_plot_height_above_the_minimum_on_a_log_scale():
    saddle = landscapes.Saddle(bounded=True)
    paths = T.run_all({"gd": optim.SGD(lr=0.05)}, saddle, start=(1.5, 0.01), steps=50)
    art = T.plot(saddle, paths)
    ax = art["losses"]["ax"]
    assert ax.get_yscale() == "log"
    np.testing.assert_allclose(art["losses"]["lines"][0].get_ydata(), paths["gd"].losses + 1.0)
    np.testing.assert_array_equal(art["losses"]["lines"][0].get_xdata(), np.arange(51))


def test_loss_curves_linear_without_f_min_and_accept_arrays():
    art = T.loss_curves({"a": [3.0, 2.0, -1.0], "b": np.array([1.0, 0.5, 0.2])}, step_every=10,
                        xlabel="epoch")
    assert art["ax"].get_yscale() == "linear" and art["ax"].get_xlabel() == "epoch"
    np.testing.assert_array_equal(art["lines"][0].get_xdata(), [0, 10, 20])
    T.update_loss_curves(art, {"a": [1.0, 0.1], "b": [2.0, 0.2]}, f_min=0.0)
    assert art["ax"].get_yscale() == "log"
    np.testing.assert_array_equal(art["lines"][1].get_ydata(), [2.0, 0.2])
    with pytest.raises(ValueError, match="labels"):
        T.update_loss_curves(art, {"c": [1.0], "b": [1.0]})


def test_update_moves_lines_in_place_and_upto_truncates():
    bowl = landscapes.Quadratic()
    art = T.plot(bowl, T.run_all({"SGD": optim.SGD(lr=0.05)}, bowl, steps=20))
    line = art["lines"]["lines"][0]
    new = T.run_all({"SGD": optim.SGD(lr=0.15)}, bowl, steps=20)
    T.update(art, new)
    assert art["lines"]["lines"][0] is line
    np.testing.assert_array_equal(line.get_xydata(), new["SGD"].points)
    T.update(art, new, upto=4)
    np.testing.assert_array_equal(line.get_xydata(), new["SGD"].points[:5])
    np.testing.assert_array_equal(art["losses"]["lines"][0].get_ydata(), new["SGD"].losses[:5])
    with pytest.raises(ValueError, match="labels"):
        T.update(art, {"Adam": new["SGD"]})
    with pytest.raises(TypeError, match="Trajectory"):
        T.update(art, {"SGD": np.zeros((3, 2))})


def test_map_only_plot_and_gradient_flow_style():
    surface = landscapes.Quadratic(condition=2.0)
    paths = {"gd": landscapes.run(optim.SGD(lr=0.1), surface, steps=10),
             "flow": landscapes.gradient_flow(surface, t_max=1.0, dt=0.01)}
    art = T.plot(surface, paths, losses=False)
    assert art["losses"] is None and len(art["fig"].axes) == 1
    flow_line = art["lines"]["lines"][1]
    assert flow_line.get_color() == "k" and flow_line.get_linestyle() == "--"


def test_scrubber_walks_along_the_paths():
    bowl = landscapes.Quadratic()
    paths = T.run_all({"SGD": optim.SGD(lr=0.05)}, bowl, steps=50)
    art = T.plot(bowl, paths, step_every=10)
    walk = T.scrubber(art, paths, every=10)
    walk(step=120)
    np.testing.assert_array_equal(art["lines"]["lines"][0].get_xydata(), paths["SGD"].points[:13])
    np.testing.assert_array_equal(art["lines"]["heads"][0].get_xydata(), paths["SGD"].points[12:13])
    with pytest.raises(ValueError, match="step"):
        walk(step=-1)


# ---------------------------------------------------------------- the race

def race_values(race, **changes):
    return dict(race.values, **changes)


def test_race_update_recomputes_each_path_from_its_sliders():
    race = T.OptimizerRace("quadratic", steps=40)
    values = race_values(race, lr_sgd=0.03, lr_adam=0.2, beta1=0.5, steps=40)
    race.update(**values)
    surface = T.RACE_SURFACES["quadratic"][0]
    start = (values["x0"], values["y0"])
    expected = {"SGD": landscapes.run(optim.SGD(lr=0.03), surface, start, 40),
                "Adam": landscapes.run(optim.Adam(lr=0.2, betas=(0.5, 0.999)), surface, start, 40),
                "Nesterov": landscapes.run(optim.SGD(lr=values["lr_nesterov"], momentum=0.9, nesterov=True),
                                           surface, start, 40)}
    lines = dict(zip(T.RACE_NAMES, race.art["lines"]["lines"]))
    for name, path in expected.items():
        np.testing.assert_array_equal(lines[name].get_xydata(), path.points)
    assert race.values["lr_sgd"] == 0.03


def test_race_noise_is_shared_and_seeded():
    race = T.OptimizerRace("saddle", steps=30, seed=5)
    race.update(**race_values(race, noise=0.3, steps=30))
    surface = T.RACE_SURFACES["saddle"][0]
    expected = landscapes.run(optim.SGD(lr=race.values["lr_sgd"]), surface,
                              (race.values["x0"], race.values["y0"]), 30, noise=0.3, seed=5)
    np.testing.assert_array_equal(race.art["lines"]["lines"][0].get_xydata(), expected.points)


def test_race_loss_axes_are_whole_decades_around_the_curves():
    race = T.OptimizerRace("rosenbrock")
    ax = race.art["losses"]["ax"]
    low, high = ax.get_ylim()
    assert np.log10(low) == round(np.log10(low)) and np.log10(high) == round(np.log10(high))
    ys = np.concatenate([line.get_ydata() for line in race.art["losses"]["lines"]])
    start_height = race.surface.f((race.values["x0"], race.values["y0"]))
    assert low <= ys.min() and high >= min(ys.max(), start_height * 1e3)
    assert ax.get_xlim() == (0.0, 200.0)


def test_race_surface_switch_redraws_background():
    race = T.OptimizerRace("rosenbrock", steps=20)
    race.update(**race_values(race, surface="himmelblau", **T.OptimizerRace.defaults("himmelblau")))
    ax = race.art["map"]["ax"]
    assert ax.get_xlim() == (-5.0, 5.0) and "himmelblau" in ax.get_title()
    assert race.surface is T.RACE_SURFACES["himmelblau"][0]


def test_race_controls_match_update_and_start_at_the_values():
    race = T.OptimizerRace("rosenbrock")
    controls = race.controls()
    parameters = inspect.signature(race.update).parameters
    hyper = inspect.signature(race.optimizers).parameters
    assert set(controls) == (set(parameters) - {"hyper"}) | set(hyper)
    assert {name: c.value for name, c in controls.items()} == pytest.approx(race.values)
    race.update(**{name: c.value for name, c in controls.items()})   # a slider move's call works


def test_menu_change_moves_start_sliders_and_loads_learning_rates():
    race = T.OptimizerRace("rosenbrock", steps=20)
    controls = race.controls()
    live = live_figure(race.fig, race.update, **controls)
    calls = []
    original = race.run
    race.run = lambda *a, **k: calls.append(1) or original(*a, **k)
    controls["surface"].value = "beale"
    assert len(calls) == 1       # the slider changes made while switching did not recompute
    defaults = T.OptimizerRace.defaults("beale")
    for name, value in defaults.items():
        assert controls[name].value == pytest.approx(value)
    assert (controls["x0"].min, controls["x0"].max) == (-4.5, 4.5)
    assert race.art["map"]["ax"].get_xlim() == (-4.5, 4.5)
    expected = landscapes.run(optim.SGD(lr=defaults["lr_sgd"]), landscapes.Beale(),
                              (defaults["x0"], defaults["y0"]), 20)
    np.testing.assert_allclose(race.art["lines"]["lines"][0].get_xydata(), expected.points)
    controls["surface"].value = "rosenbrock"   # narrower window on the way back: still valid
    assert (controls["y0"].min, controls["y0"].max) == (-1.0, 3.0)
    assert live.image.value[:4] == b"\x89PNG"


def test_arrange_shows_every_control_once():
    race = T.OptimizerRace("quadratic", steps=20)
    controls = race.controls()
    live = race.arrange(live_figure(race.fig, race.update, **controls))
    shown = [w for column in live.widget.children[0].children for w in column.children]
    assert sorted(map(id, shown)) == sorted(map(id, controls.values()))
    assert live.widget.children[1] is live.image


def test_race_rejects_unknown_surface():
    with pytest.raises(ValueError, match="surface"):
        T.OptimizerRace("everest")


# ---------------------------------------------------------------- empirical risk and sgd

@pytest.fixture
def line_data():
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 2, size=12)
    return x, 0.7 * x + 0.4 + 0.2 * rng.standard_normal(12)


def test_empirical_risk_value_gradient_hessian_and_minimum(line_data):
    x, y = line_data
    risk = T.EmpiricalRisk(x, y)
    p = np.array([0.3, -0.2])
    assert risk.f(p) == pytest.approx(0.5 * np.mean((0.3 * x - 0.2 - y) ** 2))
    np.testing.assert_allclose(risk.grad(p), finite_difference_grad(risk.f, p), rtol=1e-6)
    np.testing.assert_allclose(risk.hessian(p), [[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    np.testing.assert_allclose(risk.minima[0], np.polyfit(x, y, 1))
    (x0, x1), (y0, y1) = risk.bounds
    assert x0 < 0 < x1 and y0 < 0 < y1


def test_empirical_risk_gradient_on_some_examples(line_data):
    x, y = line_data
    risk = T.EmpiricalRisk(x, y)
    idx = np.array([3, 7])
    w, b = 1.2, -0.5
    per_example = [((w * x[i] + b - y[i]) * x[i], w * x[i] + b - y[i]) for i in idx]
    np.testing.assert_allclose(risk.grad((w, b), idx), np.mean(per_example, axis=0))


def test_empirical_risk_rejects_bad_data():
    with pytest.raises(ValueError, match="same length"):
        T.EmpiricalRisk([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="1-D"):
        T.EmpiricalRisk(np.ones((3, 2)), np.ones(3))


def test_full_batch_sgd_is_gradient_descent(line_data):
    risk = T.EmpiricalRisk(*line_data)
    path = T.sgd(risk, lr=0.3, epochs=7, batch_size=12)
    np.testing.assert_allclose(path.points, hand_gd(risk.grad, (0.0, 0.0), [0.3] * 7))
    np.testing.assert_allclose(path.losses, [risk.f(p) for p in path.points])


def test_per_example_sgd_with_decay_by_hand(line_data):
    x, y = line_data
    risk = T.EmpiricalRisk(x, y)
    path = T.sgd(risk, lr=0.2, epochs=2, decay=0.5, seed=4)
    rng, p, t, points = np.random.default_rng(4), np.zeros(2), 0, [np.zeros(2)]
    for _ in range(2):
        for i in rng.permutation(12):
            r = p[0] * x[i] + p[1] - y[i]
            p = p - 0.2 / (1 + 0.5 * t) * np.array([r * x[i], r])
            points.append(p)
            t += 1
    np.testing.assert_allclose(path.points, points)


def test_sgd_detects_blow_up_and_checks_arguments(line_data):
    risk = T.EmpiricalRisk(*line_data)
    path = T.sgd(risk, lr=50.0, epochs=50, batch_size=12)
    assert path.diverged and len(path.points) == path.diverged_at and np.all(np.isfinite(path.points))
    with pytest.raises(ValueError, match="batch_size"):
        T.sgd(risk, lr=0.1, batch_size=13)
    with pytest.raises(ValueError, match="lr"):
        T.sgd(risk, lr=0.0)
    with pytest.raises(TypeError, match="EmpiricalRisk"):
        T.sgd(landscapes.Quadratic(), lr=0.1)


# ---------------------------------------------------------------- sharp and flat

@pytest.mark.parametrize("p", [(-1.2, 0.4), (0.3, -0.9), (1.5, 1.1), (-0.9, 0.6)])
def test_sharp_flat_derivatives_match_finite_differences(p):
    wells = T.SharpFlat()
    np.testing.assert_allclose(wells.grad(p), finite_difference_grad(wells.f, p), rtol=1e-6, atol=1e-9)
    columns = [(wells.grad(np.add(p, 1e-6 * e)) - wells.grad(np.subtract(p, 1e-6 * e))) / 2e-6
               for e in np.eye(2)]
    np.testing.assert_allclose(wells.hessian(p), np.column_stack(columns), rtol=1e-5, atol=1e-7)


def test_sharp_flat_minima_and_their_curvatures():
    wells = T.SharpFlat()
    sharp, flat = wells.minima
    for m in (sharp, flat):
        assert np.linalg.norm(wells.grad(m)) < 1e-10
        assert np.all(np.linalg.eigvalsh(wells.hessian(m)) > 0)
    ratio = np.linalg.eigvalsh(wells.hessian(sharp)).max() / np.linalg.eigvalsh(wells.hessian(flat)).max()
    assert 10 < ratio < 20                       # about (1 / 0.25)^2 = 16
    assert wells.f(sharp) < wells.f(flat) and wells.f_min == wells.f(sharp)


def test_large_learning_rate_leaves_the_sharp_minimum():
    """Notebook 08's experiment. It must not hang on the last bits of the arithmetic (numpy's exp
    rounds differently on different CPUs), so it is run from starting points moved by 1e-12 too:
    every run must end at the same minimum, converged."""
    wells = T.SharpFlat()
    for shift in ([0, 0], [1e-12, 0], [0, -1e-12], [3e-12, 2e-12]):
        start = wells.start + np.array(shift)
        small = landscapes.run(optim.SGD(lr=0.05), wells, start=start, steps=150)
        large = landscapes.run(optim.SGD(lr=0.4), wells, start=start, steps=150)
        assert np.linalg.norm(small.points[-1] - wells.minima[0]) < 1e-6
        assert np.linalg.norm(large.points[-1] - wells.minima[1]) < 1e-6
        # thrown out of the sharp well within seven steps, as the notebook says
        assert np.linalg.norm(large.points[7] - wells.centers[0]) > 1.0


def test_the_middle_learning_rate_settles_into_a_two_cycle_in_the_sharp_well():
    """lr 0.2 'rattles back and forth for ever' (notebook 08): a stable two-cycle, so the point the
    notebook prints after 150 steps is the same whatever the last bits of the start."""
    wells = T.SharpFlat()
    ends = []
    for shift in ([0, 0], [1e-12, 0], [0, -1e-12]):
        run = landscapes.run(optim.SGD(lr=0.2), wells, start=wells.start + np.array(shift), steps=150)
        p = run.points
        assert np.linalg.norm(p[-1] - p[-3]) < 1e-6 < 0.1 < np.linalg.norm(p[-1] - p[-2])
        assert np.linalg.norm(p[-1] - wells.centers[0]) < 0.5
        ends.append(p[-1])
    assert np.ptp(ends, axis=0).max() < 1e-9


@pytest.mark.parametrize("surface", list(T.RACE_SURFACES))
def test_every_slider_starts_on_one_of_its_notches(surface):
    """The browser puts a slider on min + k * step (log sliders: 10 ** (min + k * step)); a value
    between notches would be moved there, and the figure would no longer match the defaults."""
    controls = T.OptimizerRace(surface, steps=10).controls()
    for name, control in controls.items():
        if hasattr(control, "options"):
            assert control.value in control.options
            continue
        value = np.log10(control.value) if hasattr(control, "base") else control.value
        k = (value - control.min) / control.step
        assert abs(k - round(k)) < 1e-9, (name, control.value)
        assert control.min <= value <= control.max
