"""Tests of nbtools.explore_playground, notebook 13's dashboard, without a browser.

Independent expectations: the states come from the strategy of tests/test_playground_state.py
(drawn from the notebook's specification, not from the code); where a click lands is worked out
here from the picture's size and the output axes' place in the figure; the animation is run on a
real asyncio event loop, as in the kernel.
"""
import asyncio
import threading
import io

import matplotlib
import numpy as np
import pytest
from hypothesis import given, settings
from PIL import Image
from test_playground_state import states

from nbtools.explore_playground import Playground, from_url, playground
from nbtools.playground import Session
from nbtools.playground_state import CONTROLS, State, StateError, encode

matplotlib.use("Agg")

FEATURE_NAMES = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")
DIVERGING = State(dataset="plane", problem="regression", activation="linear", lr=10.0)


def walk(widget):
    """The widget and every widget inside it."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def parent(pg, widget):
    return next(box for box in walk(pg.widget) if widget in getattr(box, "children", ()))


def same_weights(a, b):
    return all(np.array_equal(p, q) for p, q in zip(a.net.parameters(), b.net.parameters()))


@pytest.fixture(scope="module")
def shared():
    return Playground()


# ---- the state and the controls ------------------------------------------------------------------

def n_classes(state):
    return state.classes if state.dataset == "gaussians" else 2


def trainable(state):
    """The state with its added points' labels brought into the data set's classes (a point of
    class 3 on two-class data is the bug of ``test_a_point_of_a_class_the_data_has_not_...``)."""
    return state.replace(points=tuple((x, y, label % n_classes(state))
                                      for x, y, label in state.points))


@settings(max_examples=25, deadline=None, derandomize=True)
@given(state=states(max_points=3).map(trainable))
def test_any_state_applied_is_the_state_the_controls_show(shared, state):
    pg = shared
    assert pg.apply(state) is True
    assert pg.message.value == ""
    assert pg.state() == state
    assert pg.session.state == state
    assert pg.state_text.value == encode(state)
    c = pg.controls
    for name in CONTROLS:
        if name not in ("features", "layers"):
            assert c[name].value == getattr(state, name), name
    assert tuple(f for f in FEATURE_NAMES if c[f"feature_{f}"].value) == state.features
    assert c["layers"].value == len(state.layers)
    for i in range(1, 7):
        slider = c[f"neurons_{i}"]
        if i <= len(state.layers):
            assert slider.value == state.layers[i - 1] and slider.layout.display != "none"
        else:
            assert slider.layout.display == "none"
    for name in CONTROLS:
        widget = {"features": parent(pg, c["feature_x1"]),
                  "layers": parent(pg, c["layers"])}.get(name, c.get(name))
        assert (widget.layout.display == "none") == (name in state.hide), name
    sizes = [len(state.features), *state.layers]
    assert pg.session.net.sizes[:-1] == sizes
    assert f"epoch {pg.session.epoch}" in pg.epoch.value


def test_a_damaged_text_changes_nothing_and_says_so():
    pg = Playground(State(dataset="xor", layers=(3,)))
    pg.step()
    before, epoch, weights = pg.state(), pg.session.epoch, pg.session.net.get_weights()
    text = encode(State(dataset="spiral", noise=20))
    for damaged in (text[:-1] + ("0" if text[-1] != "0" else "1"), text[:25],
                    text.replace("spiral", "spiraI"), "", "hello"):
        assert pg.apply(damaged) is False
        assert "cannot use this state" in pg.message.value
        assert pg.state() == before and pg.session.epoch == epoch == 1
        assert all(np.array_equal(p, q) for p, q in zip(pg.session.net.get_weights(), weights))
    pg.state_text.value = text[:-2]
    pg.apply_button.click()                              # the same through the button
    assert "cannot use this state" in pg.message.value and pg.state() == before
    pg.state_text.value = text
    pg.apply_button.click()
    assert pg.state() == State(dataset="spiral", noise=20) and pg.message.value == ""


@pytest.mark.parametrize("address", [
    "http://localhost:8866/?{}", "  https://example.org/voila/render/13_playground.ipynb?{}\n",
    "http://localhost:8866/?voila-theme=dark&{}"])
def test_a_whole_pasted_address_is_applied(address):
    pg = Playground()
    state = State(dataset="moons", noise=20, layers=(5,), hide=("noise",))
    assert pg.apply(address.format(encode(state))) is True
    assert pg.state() == state and pg.message.value == ""


def test_regression_switches_the_data_sets_and_the_click_classes():
    pg = Playground()
    def options(name):
        return [value for _, value in pg.controls[name].options]
    assert options("dataset") == ["circle", "xor", "gaussians", "spiral", "moons", "v"]
    assert options("click") == [0, 1]                           # the circle has two classes
    pg.live.set(problem="regression")
    assert options("dataset") == ["plane", "bumps"] and options("click") == [0, 1]
    assert pg.controls["dataset"].value == "plane"
    assert pg.session.state.problem == "regression" and pg.session.net.output == "identity"
    assert "RMSE" in pg.readout.value and pg.message.value == ""
    pg.live.set(dataset="bumps")
    assert pg.session.state.dataset == "bumps"
    pg.live.set(problem="classification")
    assert options("dataset")[0] == "circle" and len(options("click")) == 2
    pg.live.set(dataset="gaussians", classes=5)
    assert len(options("click")) == 5
    pg.live.set(dataset="circle", classes=2)
    assert pg.session.state == State(click=pg.controls["click"].value)
    assert "accuracy" in pg.readout.value


def test_regression_after_a_click_class_it_does_not_have():
    pg = Playground(State(dataset="gaussians", classes=4))
    pg.live.set(click=3)
    pg.live.set(problem="regression")
    assert pg.message.value == ""
    assert pg.session.state.problem == "regression" and pg.controls["click"].value in (0, 1)


def test_moving_a_control_updates_the_session():
    pg = Playground()
    pg.step()
    net = pg.session.net
    pg.live.set(lr=0.1)
    assert pg.session.optimizer.lr == 0.1 and pg.session.net is net and pg.session.epoch == 1
    pg.live.set(layers=3)
    assert pg.session.net.sizes == [2, 4, 2, 4, 1] and pg.session.epoch == 0
    pg.live.set(neurons_1=8, neurons_3=1)
    assert pg.session.net.sizes == [2, 8, 2, 1, 1]
    pg.live.set(layers=0)
    assert pg.session.net.sizes == [2, 1]
    pg.live.set(feature_x1sq=True, feature_x1=False)
    assert pg.session.state.features == ("x2", "x1sq") and pg.session.net.sizes == [2, 1]
    assert pg.state_text.value == encode(pg.state())


def test_no_feature_ticked_says_so_and_keeps_the_session():
    pg = Playground()
    session_state = pg.session.state
    pg.live.set(feature_x1=False, feature_x2=False)
    assert "features" in pg.message.value
    assert pg.session.state == session_state
    pg.live.set(feature_x2=True)
    assert pg.message.value == "" and pg.session.state.features == ("x2",)


def test_step_frame_reset_and_regenerate():
    pg = Playground(State(epf=3))
    fresh = Session(State(epf=3))
    pg.step_button.click()
    assert pg.session.epoch == 1 and "epoch 1" in pg.epoch.value
    pg.frame()
    assert pg.session.epoch == 4 and "epoch 4" in pg.epoch.value
    scores = pg.session.scores()
    assert f"{scores['test accuracy']:.1%}" in pg.readout.value
    assert f"{scores['train loss']:.3f}" in pg.readout.value
    pg.reset_button.click()
    assert pg.session.epoch == 0 and "epoch 0" in pg.epoch.value and same_weights(pg.session, fresh)
    X = pg.session.X_train
    pg.regenerate.click()
    assert pg.controls["seed"].value == 1 and pg.session.state.seed == 1
    assert not np.array_equal(pg.session.X_train, X)
    assert same_weights(pg.session, Session(State(epf=3, seed=1)))
    pg.live.set(seed=9999)
    pg.regenerate.click()
    assert pg.controls["seed"].value == 0 and pg.session.state.seed == 0


def test_teachers_hide_controls_and_the_state_remembers():
    pg = Playground()
    pg.hide_select.value = ("noise", "features", "lr")
    assert pg.state().hide == ("noise", "features", "lr")
    assert "hide=noise,features,lr" in pg.state_text.value
    assert pg.controls["noise"].layout.display == "none"
    assert pg.controls["lr"].layout.display == "none"
    assert parent(pg, pg.controls["feature_x1"]).layout.display == "none"
    assert pg.controls["ratio"].layout.display != "none"
    pg.hide_select.value = ()
    assert pg.controls["noise"].layout.display != "none" and pg.state().hide == ()


# ---- added points and clicks ---------------------------------------------------------------------

def picture_pixel(pg, x1, x2):
    """Where the plane point (x1, x2) is in the dashboard's picture, in pixels from its top left:
    from the picture's size and the output axes' box in figure fractions (limits -6..6)."""
    width, height = Image.open(io.BytesIO(pg.live.image.value)).size
    box = pg.art["out_ax"].get_position()
    fx = box.x0 + (x1 + 6) / 12 * box.width
    fy = box.y0 + (x2 + 6) / 12 * box.height
    return fx * width, (1 - fy) * height


def test_a_click_on_the_plane_adds_a_point_of_the_chosen_class():
    pg = Playground()
    pg.art["fig"].canvas.draw()
    pg.live.set(click=0)
    assert pg.click(*picture_pixel(pg, 2.0, -3.0)) is not None
    assert pg.points == [(2.0, -3.0, 0)]
    pg.live.set(click=1)
    pg.click(*picture_pixel(pg, -4.33, 5.08))                   # rounded to the 0.1 grid
    assert pg.points == [(2.0, -3.0, 0), (-4.3, 5.1, 1)]
    assert pg.state().points == ((2.0, -3.0, 0), (-4.3, 5.1, 1))
    np.testing.assert_array_equal(pg.session.X_train[-2:], [[2.0, -3.0], [-4.3, 5.1]])
    assert list(pg.session.y_train[-2:]) == [0, 1]
    assert "2 added points" in pg.points_label.value
    assert "points=2:-3:0,-4.3:5.1:1" in pg.state_text.value


def test_a_click_off_the_plane_adds_nothing():
    pg = Playground()
    pg.art["fig"].canvas.draw()
    width, height = Image.open(io.BytesIO(pg.live.image.value)).size
    for x_px, y_px in [(5, 5), (width / 4, height / 2), picture_pixel(pg, 6.5, 0.0),
                       picture_pixel(pg, 0.0, -6.4), (width - 3, height - 3)]:
        assert pg.click(x_px, y_px) is None
    assert pg.points == [] and pg.state().points == ()


def test_the_plane_box_is_where_the_plane_is_drawn():
    pg = Playground()
    left, top, right, bottom = pg.plane_box()
    width, height = Image.open(io.BytesIO(pg.live.image.value)).size
    assert picture_pixel(pg, -6, 6) == pytest.approx((left * width, top * height))
    assert picture_pixel(pg, 6, -6) == pytest.approx((right * width, bottom * height))
    assert [float(v) for v in pg.plane_box_html.value.split()] == pytest.approx(
        [left, top, right, bottom], abs=1e-4)


def test_regression_clicks_add_values_minus_1_and_plus_1():
    pg = Playground(State(dataset="plane", problem="regression"))
    assert pg.add_point(1.0, 1.0, 0) and pg.add_point(-1.0, 2.04, 1)
    assert list(pg.session.y_train[-2:]) == [-1.0, 1.0]
    assert pg.state().points == ((1.0, 1.0, 0), (-1.0, 2.0, 1))


def test_at_most_200_points_and_clear_points():
    points = tuple(((k % 121 - 60) / 10, (60 - k % 97) / 10, k % 2) for k in range(200))
    pg = Playground(State(points=points))
    assert len(pg.session.X_train) == 250 + 200
    assert pg.add_point(0.0, 0.0) is False
    assert "200" in pg.message.value and len(pg.points) == 200
    assert pg.state().points == points
    pg.art["fig"].canvas.draw()
    assert pg.click(*picture_pixel(pg, 1.0, 1.0)) is None and len(pg.points) == 200
    pg.clear_points.click()
    assert pg.points == [] and pg.state().points == () and len(pg.session.X_train) == 250
    assert "0 added points" in pg.points_label.value


def test_a_point_of_a_class_the_data_has_not_is_refused():
    pg = Playground()
    assert pg.add_point(1.0, 1.0, 3) is False
    assert "class" in pg.message.value and pg.points == []
    assert [value for _, value in pg.controls["click"].options] == [0, 1]
    pg = Playground(State(dataset="gaussians", classes=3))
    assert pg.add_point(1.0, 1.0, 3) is False and pg.points == []


def test_a_point_off_the_plane_or_of_a_class_that_does_not_exist_is_refused():
    pg = Playground()
    assert pg.add_point(7.0, 0.0) is False and "cannot add this point" in pg.message.value
    pg = Playground(State(dataset="plane", problem="regression"))
    assert pg.add_point(0.0, 0.0, 2) is False and pg.points == []


# ---- the animation -------------------------------------------------------------------------------

def run_in_own_thread(coroutine_function):
    """``asyncio.run(coroutine_function())`` on a thread of its own, and its result. (On the main
    thread an event loop may already run: the browser tests' playwright keeps one there for the
    whole session.) The Playground, outside a kernel, starts its play loop on the loop of the
    thread that presses play, as it does on the kernel's loop in a notebook."""
    result = {}

    def target():
        try:
            result["value"] = asyncio.run(coroutine_function())
        except BaseException as error:      # handed to the test's thread
            result["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


def test_play_trains_frame_after_frame_without_blocking_and_pause_stops_it():
    pg = Playground(State(epf=2))
    ticks = []

    async def other_work():              # what else the kernel does meanwhile: control moves
        while True:
            ticks.append(1)
            await asyncio.sleep(0.01)

    async def run():
        ticker = asyncio.ensure_future(other_work())
        pg.play.value = True
        assert pg.play.description == "pause"
        await asyncio.sleep(0.8)
        pg.live.set(lr=0.1)                                    # a control moved while playing
        await asyncio.sleep(0.2)
        pg.play.value = False
        paused_at, ticks_while_playing = pg.session.epoch, len(ticks)
        await asyncio.sleep(0.4)
        ticker.cancel()
        return paused_at, ticks_while_playing

    paused_at, ticks_while_playing = run_in_own_thread(run)
    assert paused_at >= 2 * 3                                  # at least three frames of 2 epochs
    assert paused_at % 2 == 0
    assert pg.session.epoch - paused_at <= 2                   # stopped within one frame
    assert pg._task.done() and pg.play.description == "play"
    assert pg.session.optimizer.lr == 0.1
    assert ticks_while_playing >= paused_at // 2                # the loop was free between frames
    assert f"epoch {pg.session.epoch}" in pg.epoch.value


def test_play_pauses_by_itself_after_the_play_limit(monkeypatch):
    import nbtools.explore_playground as module
    monkeypatch.setattr(module, "PLAY_LIMIT", 0.3)         # seconds, instead of 30 minutes
    pg = Playground()

    async def run():
        pg.play.value = True
        for _ in range(100):                               # up to 5 s
            await asyncio.sleep(0.05)
            if not pg.play.value:
                break

    run_in_own_thread(run)
    assert pg.play.value is False and pg.play.description == "play"
    assert "paused after" in pg.message.value and pg.session.epoch >= 2


def test_play_stops_by_itself_when_training_diverges():
    pg = Playground(DIVERGING)

    async def run():
        pg.play.value = True
        for _ in range(50):
            await asyncio.sleep(0.02)
            if not pg.play.value:
                break

    run_in_own_thread(run)
    assert pg.play.value is False and pg.play.description == "play"
    assert "learning rate" in pg.session.message
    assert pg.art["message"].get_visible() and "diverged" in pg.art["message"].get_text()
    epoch = pg.session.epoch
    assert pg.frame() is False and pg.session.epoch == epoch
    pg.reset()
    assert not pg.art["message"].get_visible()


# ---- the app's address -----------------------------------------------------------------------------

def test_from_url_reads_the_state_in_the_address(monkeypatch):
    monkeypatch.delenv("QUERY_STRING", raising=False)
    assert from_url().state() == State()
    monkeypatch.setenv("QUERY_STRING", "")
    pg = from_url()
    assert pg.state() == State() and pg.message.value == ""
    state = State(dataset="xor", layers=(3,), points=((1.0, -1.0, 1),), hide=("features",))
    monkeypatch.setenv("QUERY_STRING", encode(state))
    pg = from_url()
    assert pg.state() == state and pg.session.state == state and pg.message.value == ""
    monkeypatch.setenv("QUERY_STRING", "voila-theme=dark&" + encode(state).replace("&", "%26"))
    assert from_url().state() == state


def test_from_url_with_a_damaged_state_gives_the_defaults_and_a_message(monkeypatch):
    monkeypatch.setenv("QUERY_STRING", encode(State(dataset="xor"))[:-1] + "z")
    pg = from_url()
    assert pg.state() == State()
    assert "cannot be used" in pg.message.value and "default" in pg.message.value


def test_playground_takes_a_state_its_text_or_nothing():
    assert playground().state() == State()
    assert playground(encode(State(dataset="v"))).state() == State(dataset="v")
    assert playground(State(noise=5)).state() == State(noise=5)
    with pytest.raises(StateError):
        playground("v=1&dataset=v")
    for bad in (5, {"dataset": "xor"}):
        with pytest.raises(TypeError, match="State"):
            playground(bad)
    with pytest.raises(TypeError, match="State"):
        Playground("v=1&check=1")


def test_same_text_same_training():
    a = Playground(State(dataset="moons", optimizer="adam", batch=5))
    for _ in range(3):
        a.frame()
    b = playground(a.state_text.value)
    for _ in range(3):
        b.frame()
    assert same_weights(a.session, b.session) and a.session.train_loss == b.session.train_loss


# ---- what the browser tests find -------------------------------------------------------------------

def test_the_dashboard_has_every_hook_the_browser_tests_use():
    pg = Playground()
    classes = {c for w in walk(pg.widget) for c in getattr(w, "_dom_classes", ())}
    wanted = {"pg-play", "pg-step", "pg-reset", "pg-epoch", "pg-image", "pg-points", "pg-readout",
              "pg-state", "pg-apply", "pg-message", "pg-plane-box", "pg-layers",
              "pg-regenerate", "pg-clear-points", "pg-root"}
    wanted |= {f"pg-{name}" for name in CONTROLS if name not in ("features", "layers")}
    wanted |= {f"pg-feature-{f}" for f in FEATURE_NAMES}
    wanted |= {f"pg-neurons-{i}" for i in range(1, 7)}
    assert wanted <= classes, sorted(wanted - classes)
    hooked = [w for w in walk(pg.widget) if any(c.startswith("pg-") for c in w._dom_classes)]
    assert len(hooked) == len({id(w) for w in hooked})
    assert pg.live.image in list(walk(pg.widget))


def test_every_control_has_a_hook_the_browser_can_find_when_hidden():
    pg = Playground(State(hide=("features", "layers")))
    hooked = {c: w for w in walk(pg.widget) for c in w._dom_classes}
    for name in CONTROLS:
        assert f"pg-{name}" in hooked, name
    assert hooked["pg-features"].layout.display == "none"
