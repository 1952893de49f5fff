"""Notebook 13's playground: TensorFlow Playground's controls and pictures, and more.

``playground(state=None)`` returns a ``Playground``; as a cell's last expression it shows the
dashboard. Its parts are the series' usual ones:

- the controls are built from ``playground_state.CONTROLS`` and wired to one ``LiveFigure``
  (``nbtools.live``): moving a control calls ``update`` with every value, as in every other
  notebook, and ``pg.live.set(noise=20)`` does the same from code;
- the engine is a ``playground.Session`` and the pictures are ``playgroundplots``;
- **play** trains ``epf`` epochs per frame in a loop on the kernel's event loop
  (``asyncio``), yielding between frames, so controls keep working while it runs and pause stops
  it after the frame being drawn;
- a click on the output picture adds a point of the class chosen under "click adds"
  (``ipyevents`` reports the click in the picture's own pixels);
- the **state** box holds ``playground_state.encode`` of the current settings: copy it to share
  the playground, paste one and press "apply" to restore it. In the Voilà app the same text after
  the address's ``?`` opens the playground with those settings (``from_url``).

Longer than 400 lines: the dashboard has some forty widgets, laid out as TensorFlow Playground
lays out its own, and the state box, the play loop and the clicks that tie them together; each
part is a short method.
"""
import asyncio
import contextlib
import os
import time
from types import SimpleNamespace
from urllib.parse import urlsplit

import ipywidgets as W

from . import playground_state as ps
from .live import LiveFigure, on_main_thread
from .playground import FEATURES, LIMIT, Session
from .playgroundplots import draw, update

FRAME_TIME = 1 / 15        # seconds per animation frame at most (15 frames per second)
PLAY_LIMIT = 30 * 60       # seconds of play before it pauses by itself
FEATURE_NAMES = ps.CONTROLS["features"].choices
_WIDE = {"description_width": "initial"}
CLASS_COLOUR_NAMES = ("blue", "red", "green", "purple", "orange")   # plots.POINT_COLORS


def _choice_label(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


def _make_control(spec):
    """The ipywidgets control for one entry of ``CONTROLS`` (not features or layers)."""
    common = dict(description=spec.label, style=_WIDE, tooltip=spec.help)
    if spec.kind == "choice":
        control = W.Dropdown(options=[(_choice_label(c), c) for c in spec.choices],
                             value=spec.default, layout=W.Layout(width="auto"), **common)
    elif spec.kind == "int":
        control = W.IntSlider(value=spec.default, min=spec.low, max=spec.high, step=spec.step,
                              continuous_update=False, layout=W.Layout(width="250px"), **common)
    else:
        common.pop("tooltip")
        control = W.Checkbox(value=spec.default, indent=False, layout=W.Layout(width="auto"),
                             **common)
    control.add_class(f"pg-{spec.name}")
    return control


def _controls():
    """Every control by name: one per entry of CONTROLS, with the features and the hidden layers
    spread over check boxes ``feature_<name>`` and sliders ``layers``, ``neurons_1``..``neurons_6``."""
    controls = {}
    for name, spec in ps.CONTROLS.items():
        if name == "features":
            for f in FEATURE_NAMES:
                box = W.Checkbox(value=f in spec.default, description=FEATURES[f][0],
                                 indent=False, layout=W.Layout(width="62px"))
                box.add_class(f"pg-feature-{f}")
                controls[f"feature_{f}"] = box
        elif name == "layers":
            layers = W.IntSlider(value=len(spec.default), min=0, max=spec.high,
                                 description="hidden layers", style=_WIDE,
                                 continuous_update=False, layout=W.Layout(width="220px"))
            layers.add_class("pg-layers")
            controls["layers"] = layers
            for i in range(1, spec.high + 1):
                default = spec.default[i - 1] if i <= len(spec.default) else 4
                neurons = W.IntSlider(value=default, min=1, max=8, description=f"layer {i}",
                                      style=_WIDE, continuous_update=False,
                                      layout=W.Layout(width="190px"))
                neurons.add_class(f"pg-neurons-{i}")
                controls[f"neurons_{i}"] = neurons
        elif name == "click":       # a class, named by its colour on the pictures
            click = W.Dropdown(options=[(f"class {k} ({colour})", k) for k, colour in
                                        enumerate(CLASS_COLOUR_NAMES[:spec.high + 1])],
                               value=spec.default, description=spec.label, style=_WIDE,
                               tooltip=spec.help, layout=W.Layout(width="auto"))
            click.add_class("pg-click")
            controls["click"] = click
        else:
            controls[name] = _make_control(spec)
    return controls


def _button(description, css, tooltip, **kw):
    button = W.Button(description=description, tooltip=tooltip, layout=W.Layout(width="auto"), **kw)
    button.add_class(css)
    return button


class Playground:
    """The dashboard: controls, the pictures, play/step/reset, the state box.

    Attributes: ``session`` (the ``playground.Session`` being trained), ``live`` (the
    ``LiveFigure`` of the controls and the pictures), ``widget`` (the whole dashboard),
    ``points`` (the added points), ``hide`` (the hidden controls), ``message`` (an HTML widget).
    Methods a test or a cell can call: ``state()``, ``apply(text_or_state)``, ``frame()``,
    ``step()``, ``reset()``, ``add_point(x1, x2)``, ``click(x_px, y_px)``.
    """

    def __init__(self, state=None):
        state = ps.State() if state is None else state
        if not isinstance(state, ps.State):
            raise TypeError(f"state must be a playground_state.State or None, got "
                            f"{type(state).__name__}; decode a text with playground_state.decode.")
        self.points, self.hide = list(state.points), tuple(state.hide)
        self.session = Session(state)
        self.art = draw(self.session)
        self.playing, self._task, self._restoring = False, None, False
        self.controls = controls = _controls()
        self._extras()
        self._set_widgets(state)
        controls["problem"].observe(self._problem_changed, names="value")
        controls["layers"].observe(self._show_layer_sliders, names="value")
        self._still = self.art["still"]
        self.live = LiveFigure(self.art["fig"], self._update, controls, still=self._still,
                               image_format="jpeg")
        self.live.image.add_class("pg-image")
        self.live.image.layout = W.Layout(width="100%", max_width=f"{self.art['fig'].bbox.width:.0f}px")
        self._listen_for_clicks()
        self.widget = self._dashboard()
        self._apply_hiding()
        self.hide_select.observe(lambda change: on_main_thread(self._hide_changed),
                                 names="value")

    # ---- the widgets around the controls ----------------------------------------------------
    def _extras(self):
        self.play = W.ToggleButton(value=False, description="play", icon="play",
                                   tooltip="train continuously; press again to pause",
                                   layout=W.Layout(width="90px"))
        self.play.add_class("pg-play")
        self.play.observe(self._play_toggled, names="value")
        self.step_button = _button("step", "pg-step", "train one epoch")
        self.reset_button = _button("reset", "pg-reset", "back to epoch 0, the same starting weights")
        self.regenerate = _button("regenerate", "pg-regenerate", "new data and new starting weights")
        self.clear_points = _button("clear points", "pg-clear-points", "remove the points you added")
        self.epoch = W.HTML("epoch 0")
        self.epoch.add_class("pg-epoch")
        self.readout = W.HTML()
        self.readout.add_class("pg-readout")
        self.points_label = W.HTML()
        self.points_label.add_class("pg-points")
        self.plane_box_html = W.HTML(layout=W.Layout(display="none"))
        self.plane_box_html.add_class("pg-plane-box")
        self.state_text = W.Text(description="state", style=_WIDE, layout=W.Layout(width="70%"))
        self.state_text.add_class("pg-state")
        self.apply_button = _button("apply", "pg-apply", "restore the playground this text describes")
        self.message = W.HTML()
        self.message.add_class("pg-message")
        self.hide_select = W.SelectMultiple(options=[(c.label, n) for n, c in ps.CONTROLS.items()],
                                            description="hide", rows=8, style=_WIDE)
        self.step_button.on_click(lambda _: on_main_thread(self.step))
        self.reset_button.on_click(lambda _: on_main_thread(self.reset))
        self.regenerate.on_click(lambda _: on_main_thread(self._regenerate))
        self.clear_points.on_click(lambda _: on_main_thread(self._clear_points))
        self.apply_button.on_click(lambda _: on_main_thread(
            lambda: self.apply(self.state_text.value)))

    def _dashboard(self):
        c = self.live.controls
        def row(*widgets, align="center"):
            return W.HBox(list(widgets), layout=W.Layout(flex_flow="row wrap", align_items=align))
        run_bar = row(self.play, self.step_button, self.reset_button, self.epoch, c["epf"],
                      c["lr"], c["activation"], c["optimizer"], c["loss"])
        run_bar2 = row(c["problem"], c["regularization"], c["rate"], c["dropout"])
        features_box = row(W.HTML("<b>features</b>&nbsp;"),
                           *[c[f"feature_{f}"] for f in FEATURE_NAMES])
        features_box.add_class("pg-features")
        layers_box = row(c["layers"], *[c[f"neurons_{i}"] for i in range(1, 7)])
        data_box = W.VBox([W.HTML("<b>data</b>"), c["dataset"], c["classes"], c["ratio"], c["noise"],
                           c["batch"], row(self.regenerate, c["seed"]), c["show_test"],
                           c["discretize"], c["click"], row(self.clear_points, self.points_label)],
                          layout=W.Layout(width="300px"))
        teacher = W.Accordion([W.VBox([W.HTML("Controls chosen here are hidden, and the state "
                                             "text remembers it: share it with a class."),
                                      self.hide_select])])
        teacher.set_title(0, "for teachers: hide controls")
        self._groups = {"features": features_box, "layers": layers_box}
        box = W.VBox([run_bar, run_bar2, features_box, layers_box,
                      row(data_box, self.live.image, align="flex-start"),
                      self.readout, self.plane_box_html,
                      row(self.state_text, self.apply_button), self.message, teacher])
        box.add_class("pg-root")
        return box

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    # ---- state <-> controls -------------------------------------------------------------------
    def state(self):
        """The ``playground_state.State`` of the controls, added points and hidden controls."""
        return self._state_from(self.live.values())

    def _state_from(self, v):
        values = {name: v[name] for name in ps.CONTROLS if name in v}
        values["features"] = tuple(f for f in FEATURE_NAMES if v[f"feature_{f}"])
        values["layers"] = tuple(v[f"neurons_{i}"] for i in range(1, v["layers"] + 1))
        return ps.State(**values, points=tuple(self.points), hide=self.hide)

    def _widget_values(self, state):
        values = {name: getattr(state, name) for name in ps.CONTROLS
                  if name not in ("features", "layers")}
        values.update({f"feature_{f}": f in state.features for f in FEATURE_NAMES})
        values["layers"] = len(state.layers)
        values.update({f"neurons_{i}": n for i, n in enumerate(state.layers, 1)})
        return values

    def _set_widgets(self, state):
        self._set_dataset_options(state.problem)
        self._set_click_options(state)
        for name, value in self._widget_values(state).items():
            self.controls[name].value = value
        self.hide_select.value = tuple(state.hide)
        self.points, self.hide = list(state.points), tuple(state.hide)

    def _apply_values(self, state):
        self._restoring = True
        try:
            with self.live.holding():
                self._set_widgets(state)
        finally:
            self._restoring = False
        self._apply_hiding()
        self.live.refresh()

    def apply(self, state):
        """Restore the playground ``state`` describes (a State or its text). A text that cannot
        be decoded is reported in ``message`` and changes nothing; returns True if applied."""
        try:
            if isinstance(state, str) and "?" in state:      # a whole address was pasted
                state = ps.from_query(urlsplit(state.strip()).query) or ps.State()
            elif isinstance(state, str):
                state = ps.decode(state)
            elif not isinstance(state, ps.State):
                raise TypeError(f"apply needs a state text or a State, got {type(state).__name__}.")
        except (ValueError, TypeError) as error:
            self.message.value = f"<span style='color:darkred'>cannot use this state: {error}</span>"
            return False
        self.message.value = ""
        self._apply_values(state)
        return True

    # ---- what moving a control does ---------------------------------------------------------
    def _update(self, **values):
        """LiveFigure's update: new settings -> the session -> the pictures and the read-outs."""
        values = {**values, "click": self._set_click_options(values)}
        try:
            state = self._state_from(values)
        except ValueError as error:                  # e.g. no feature ticked
            self.message.value = f"<span style='color:darkred'>{error}</span>"
            return self.art
        self.message.value = ""
        self.session.configure(state)
        n = len(self.points)
        self.points_label.value = f"{n} added point{'' if n == 1 else 's'}"
        self.controls["classes"].disabled = state.dataset != "gaussians"
        self._redraw_readouts()
        update(self.art, self.session)
        if self.art["still"] is not self._still:      # a new network: new labels to keep still
            self._still = self.art["still"]
            if hasattr(self, "live"):
                self.live.set_still(self._still)
        self.plane_box_html.value = " ".join(f"{v:.4f}" for v in self.plane_box())
        return self.art

    def _redraw_readouts(self):
        s = self.session
        self.epoch.value = f"<b>epoch {s.epoch}</b>"
        parts = [f"{k} {v:.3f}" if "loss" in k or "RMSE" in k else f"{k} {v:.1%}"
                 for k, v in s.scores().items()]
        self.readout.value = " · ".join(parts)
        self.state_text.value = ps.encode(s.state)

    def _problem_changed(self, change):
        with self.live.holding():
            self._set_dataset_options(change["new"])

    def _set_click_options(self, values):
        """Offer the classes of the data set (values: the controls' values, or a State) under
        "click adds", keeping the choice when it is still one of them."""
        get = values.get if isinstance(values, dict) else lambda name: getattr(values, name)
        regression = get("problem") == "regression"
        n = ps.n_labels(SimpleNamespace(problem=get("problem"), dataset=get("dataset"),
                                        classes=get("classes")))
        names = ("value -1", "value +1") if regression else CLASS_COLOUR_NAMES[:n]
        options = [(f"class {k} ({name})", k) for k, name in enumerate(names)]
        click = self.controls["click"]
        if list(click.options) != options:
            keep = click.value if click.value is not None and click.value < n else min(1, n - 1)
            with self.live.holding() if hasattr(self, "live") else contextlib.nullcontext():
                click.options = options
                click.value = keep
        return click.value

    def _set_dataset_options(self, problem):
        names = ps.REGRESSION_DATASETS if problem == "regression" else ps.CLASSIFICATION_DATASETS
        dataset = self.controls["dataset"]
        if tuple(o[1] for o in dataset.options) == tuple(names):
            return
        dataset.options = [(n, n) for n in names]
        dataset.value = names[0]

    def _show_layer_sliders(self, change=None):
        n = self.controls["layers"].value
        for i in range(1, 7):
            self.controls[f"neurons_{i}"].layout.display = "" if i <= n else "none"

    def _hide_changed(self):
        if self._restoring:
            return
        self.hide = tuple(n for n in ps.CONTROLS if n in self.hide_select.value)
        self._apply_hiding()
        self.session.configure(self.state())
        self.state_text.value = ps.encode(self.session.state)

    def _apply_hiding(self):
        c = self.controls
        for name in ps.CONTROLS:
            shown = "none" if name in self.hide else ""
            if name in self._groups:
                self._groups[name].layout.display = shown
            else:
                c[name].layout.display = shown
        self._show_layer_sliders()

    # ---- training -----------------------------------------------------------------------------
    def frame(self):
        """Train ``epf`` epochs and redraw: one frame of the animation. False once diverged."""
        trained = self.session.train(self.controls["epf"].value)
        self.live.refresh()
        return trained

    def step(self):
        """Train one epoch and redraw (the step button)."""
        self.session.train(1)
        self.live.refresh()

    def reset(self):
        """Back to epoch 0 with the same starting weights (the reset button)."""
        self.session.reset()
        self.live.refresh()

    def _regenerate(self):
        seed = self.live.controls["seed"]
        seed.value = (seed.value + 1) % (seed.max + 1)

    def _play_toggled(self, change):
        self.play.description, self.play.icon = ("pause", "pause") if change["new"] else ("play", "play")
        self.playing = change["new"]
        if change["new"]:
            on_main_thread(self._start)

    def _start(self):
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._animate())

    async def _animate(self):
        """Frames until paused (or diverged), at most one per ``FRAME_TIME`` seconds, giving the
        event loop the rest of the time: control moves and the pause button are handled between
        frames. After ``PLAY_LIMIT`` seconds of play it pauses by itself: a page closed while
        playing leaves its kernel behind in Voilà (see the README), and so would a loop that
        never ends."""
        began = time.perf_counter()
        while self.playing:
            started = time.perf_counter()
            if not self.frame():
                self.play.value = False
                break
            if started - began > PLAY_LIMIT:
                self.play.value = False
                self.message.value = (f"paused after {PLAY_LIMIT / 60:g} minutes of play; press "
                                      f"play to go on")
                break
            await asyncio.sleep(max(0.01, FRAME_TIME - (time.perf_counter() - started)))

    # ---- added points -------------------------------------------------------------------------
    def add_point(self, x1, x2, label=None):
        """Add a training point at (x1, x2), rounded to 0.1, of class ``label`` (default: the
        "click adds" control); returns False (and says why) when it cannot be added."""
        label = self.controls["click"].value if label is None else label
        try:
            point = (round(float(x1), 1), round(float(x2), 1), label)
            self.state().replace(points=tuple(self.points) + (point,))
        except (ValueError, TypeError) as error:
            self.message.value = f"<span style='color:darkred'>cannot add this point: {error}</span>"
            return False
        self.points.append(point)
        self.live.refresh()
        return True

    def _clear_points(self):
        self.points = []
        self.live.refresh()

    def click(self, x_px, y_px):
        """A click at pixel (x_px, y_px) of the picture (from its top left corner): adds a point
        when it falls on the output plane. Returns the point's coordinates, or None."""
        height = self.art["fig"].bbox.height
        x1, x2 = self.art["out_ax"].transData.inverted().transform((x_px, height - y_px))
        if not (-LIMIT <= x1 <= LIMIT and -LIMIT <= x2 <= LIMIT):
            return None
        return (x1, x2) if self.add_point(x1, x2) else None

    def _listen_for_clicks(self):
        try:
            from ipyevents import Event
        except ImportError:       # the dashboard works without it, only clicks do nothing
            return
        self._events = Event(source=self.live.image, watched_events=["click"])
        self._events.on_dom_event(lambda event: on_main_thread(
            lambda: self.click(event["dataX"], event["dataY"])))

    def plane_box(self):
        """Where the output plane lies in the picture: (left, top, right, bottom) as fractions of
        its width and height (browser tests click inside it)."""
        x0, y0, x1, y1 = self.art["out_ax"].get_position().extents
        return x0, 1 - y1, x1, 1 - y0


def playground(state=None):
    """The playground, set to ``state`` (a ``playground_state.State``, its text, or None for
    the defaults)."""
    if isinstance(state, str):
        state = ps.decode(state)
    return Playground(state)


def from_url():
    """The playground for the app: the state in the page's address (Voilà gives the kernel the
    part after ``?`` as the environment variable QUERY_STRING), or the defaults with a message
    when there is none or it cannot be used."""
    query = os.environ.get("QUERY_STRING", "")
    try:
        state = ps.from_query(query)
    except ValueError as error:
        pg = Playground()
        pg.message.value = (f"<span style='color:darkred'>the address holds a state that cannot "
                            f"be used, so this is the default playground: {error}</span>")
        return pg
    return Playground(state)
