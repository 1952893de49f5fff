"""Tests of nbtools.explore_optimizers: the optimizer race's sliders, and the slider that walks
along computed paths. Expected paths come from walks.run called directly."""
import numpy as np
import pytest

from nbtools import explore_optimizers as E
from nbtools import landscapes, optim, walks


def test_path_scrubber_walks_along_the_paths():
    bowl = landscapes.Quadratic()
    paths = walks.run_all({"SGD": optim.SGD(lr=0.05)}, bowl, steps=50)
    live = E.path_scrubber(bowl, paths, every=10)
    step = live.controls["step"]
    assert (step.min, step.max, step.step, step.value) == (0, 500, 10, 500)   # starts at the end
    art = live.set(step=120).artists
    np.testing.assert_array_equal(art["lines"]["lines"][0].get_xydata(), paths["SGD"].points[:13])
    np.testing.assert_array_equal(art["lines"]["heads"][0].get_xydata(), paths["SGD"].points[12:13])
    with pytest.raises(ValueError, match="step"):
        live.update(step=-1)
    with pytest.raises(ValueError, match="step"):
        live.set(step=510)                       # the slider would clamp it to 500 silently


def test_race_update_recomputes_each_path_from_its_sliders():
    live = E.optimizer_race("quadratic", steps=40)
    art = live.set(lr_sgd=0.03, lr_adam=0.2, beta1=0.5).artists
    values = live.values()
    surface = E.RACE_SURFACES["quadratic"][0]
    start = (values["x0"], values["y0"])
    expected = {"SGD": walks.run(optim.SGD(lr=0.03), surface, start, 40),
                "Adam": walks.run(optim.Adam(lr=0.2, betas=(0.5, 0.999)), surface, start, 40),
                "Nesterov": walks.run(optim.SGD(lr=values["lr_nesterov"], momentum=0.9, nesterov=True),
                                      surface, start, 40)}
    lines = dict(zip(E.RACE_NAMES, art["lines"]["lines"]))
    for name, path in expected.items():
        np.testing.assert_allclose(lines[name].get_xydata(), path.points, rtol=1e-12)


def test_race_noise_is_shared_and_seeded():
    live = E.optimizer_race("saddle", steps=30, seed=5)
    art = live.set(noise=0.3).artists
    values = live.values()
    expected = walks.run(optim.SGD(lr=values["lr_sgd"]), E.RACE_SURFACES["saddle"][0],
                         (values["x0"], values["y0"]), 30, noise=0.3, seed=5)
    np.testing.assert_array_equal(art["lines"]["lines"][0].get_xydata(), expected.points)


def test_race_loss_axes_are_whole_decades_around_the_curves():
    live = E.optimizer_race("rosenbrock")
    ax = live.artists["losses"]["ax"]
    low, high = ax.get_ylim()
    assert np.log10(low) == round(np.log10(low)) and np.log10(high) == round(np.log10(high))
    ys = np.concatenate([line.get_ydata() for line in live.artists["losses"]["lines"]])
    values = live.values()
    start_height = live.artists["surface"].f((values["x0"], values["y0"]))
    assert low <= ys.min() and high >= min(ys.max(), start_height * 1e3)
    assert ax.get_xlim() == (0.0, 200.0)


def test_race_controls_are_the_arguments_of_update():
    live = E.optimizer_race("rosenbrock")
    assert set(live.controls) == {"surface", "x0", "y0", "steps", "noise", "lr_sgd", "lr_momentum",
                                  "lr_nesterov", "lr_rmsprop", "lr_adam", "momentum", "alpha",
                                  "beta1", "beta2"}
    values = live.values()
    assert values["surface"] == "rosenbrock" and values["steps"] == 200
    assert {k: values[k] for k in E.race_defaults("rosenbrock")} == \
        pytest.approx(E.race_defaults("rosenbrock"))
    live.update(**values)                         # a slider move's call works


def test_menu_change_moves_start_sliders_and_loads_learning_rates(monkeypatch):
    live = E.optimizer_race("rosenbrock", steps=20)
    calls = []
    original = E.run_all
    monkeypatch.setattr(E, "run_all", lambda *a, **k: calls.append(1) or original(*a, **k))
    live.controls["surface"].value = "beale"
    assert len(calls) == 1       # the slider changes made while switching did not recompute
    defaults = E.race_defaults("beale")
    for name, value in defaults.items():
        assert live.controls[name].value == pytest.approx(value)
    assert (live.controls["x0"].min, live.controls["x0"].max) == (-4.5, 4.5)
    art = live.artists
    assert art["map"]["ax"].get_xlim() == (-4.5, 4.5) and "beale" in art["map"]["ax"].get_title()
    assert art["surface"] is E.RACE_SURFACES["beale"][0]
    expected = walks.run(optim.SGD(lr=defaults["lr_sgd"]), landscapes.Beale(),
                         (defaults["x0"], defaults["y0"]), 20)
    np.testing.assert_allclose(art["lines"]["lines"][0].get_xydata(), expected.points)
    live.controls["surface"].value = "rosenbrock"   # narrower window on the way back: still valid
    assert (live.controls["y0"].min, live.controls["y0"].max) == (-1.0, 3.0)
    assert live.image.value[:4] == b"\x89PNG"


def test_the_controls_stand_in_three_columns_above_the_picture():
    live = E.optimizer_race("quadratic", steps=20)
    columns = live.widget.children[0].children
    shown = [w for column in columns for w in column.children]
    assert len(columns) == 3
    assert sorted(map(id, shown)) == sorted(map(id, live.controls.values()))
    assert live.widget.children[1] is live.image


def test_race_rejects_bad_arguments():
    with pytest.raises(ValueError, match="surface"):
        E.optimizer_race("everest")
    with pytest.raises(ValueError, match="steps"):
        E.optimizer_race(steps=1000)             # beyond the slider's 500


@pytest.mark.parametrize("surface", list(E.RACE_SURFACES))
def test_every_slider_starts_on_one_of_its_notches(surface):
    """The browser puts a slider on min + k * step (log sliders: 10 ** (min + k * step)); a value
    between notches would be moved there, and the figure would no longer match the defaults."""
    controls = E.optimizer_race(surface, steps=10).controls
    for name, control in controls.items():
        if hasattr(control, "options"):
            assert control.value in control.options
            continue
        value = np.log10(control.value) if hasattr(control, "base") else control.value
        k = (value - control.min) / control.step
        assert abs(k - round(k)) < 1e-9, (name, control.value)
        assert control.min <= value <= control.max


def _pixels(png):
    import io

    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


def test_race_picture_after_moves_and_switches_is_the_fully_drawn_figure():
    """Contours drawn once and kept: the picture a move shows must still be the whole figure,
    also after the surface menu brought new contours."""
    from nbtools.live import figure_png
    live = E.optimizer_race("rosenbrock", steps=30)
    for change in ({"lr_sgd": live.controls["lr_sgd"].value * 1.26}, {"surface": "saddle"},
                   {"surface": "quadratic"}, {"lr_adam": 0.01}):
        live.set(**change)
        shown, full = _pixels(live.image.value), _pixels(figure_png(live.fig))
        assert shown.shape == full.shape
        assert np.mean(np.abs(shown - full).max(axis=2) > 40) < 1e-5, change   # the same picture


def test_race_figure_is_readable():
    live = E.optimizer_race("rosenbrock", steps=20)
    width, height = live.fig.get_size_inches() * live.fig.dpi
    assert width >= 880 and height >= 370     # it was 640 x 272 px, with tiny text
