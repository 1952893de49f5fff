"""The figure with controls: the one interactive type of nbtools.

Every experiment with sliders in the series has the same shape::

    fig, ax = plt.subplots()
    artists = plots.decision_boundary(net, X, y, ax=ax)      # draw once

    def update(hidden):                                       # a plain function: tests call it
        ...                                                   # change the artists in place

    live_figure(fig, update, hidden=IntSlider(1, 1, 16))      # slider -> update -> new picture

``live_figure`` returns a ``LiveFigure``, and so does every builder of the ``explore_*`` modules
(``explore_graphs``, ``explore_networks``, ``explore_gradients``, ``explore_optimizers``, and those
of notebooks 09-12). As a
cell's last expression it shows its controls above the figure. Moving a control calls
``update(**values)`` with the values of *all* controls, then renders the figure again. The same
can be done without a browser: ``live.set(x=0.5)`` moves controls by name and redraws once (what
tests and a saved state do); ``live.update(...)`` only runs the update function;
``live.values()`` reads every control. ``snapshot_slider`` makes the slider-and-play-button pair
of the scrubbers that step through a training run.

The figure is shown as a PNG in an ``ipywidgets.Image``. Rendering is kept fast by *blitting*, the
trick animations use: the parts of the figure that stay put (axes, ticks, tick labels) are drawn
once and kept as a picture; each refresh pastes that picture back and draws only the artists
inside the axes. Only when an axis limit or label changes is the whole figure drawn again.
"""
import contextlib
import io
import threading

import ipywidgets
import matplotlib.pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from ._checks import check_choice, check_number


def _check_figure(fig):
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, such as the fig of fig, ax = plt.subplots(); "
                        f"got {type(fig).__name__}.")
    return fig


def figure_png(fig, dpi=None):
    """The figure rendered to PNG bytes, drawing everything (what ``savefig`` gives)."""
    buf = io.BytesIO()
    _check_figure(fig).savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def _moving_artists(fig):
    """Everything drawn inside the axes (images, lines, points, texts, legends, titles, frame)."""
    moving = []
    for ax in fig.axes:
        fixed = {ax.patch, ax.xaxis, ax.yaxis}
        if not ax.axison:  # ax.axis("off"): Axes.draw skips the frame, and so must we
            fixed |= set(ax.spines.values())
        children = [a for a in ax.get_children() if a not in fixed]
        moving += sorted(children, key=lambda a: a.get_zorder())   # the order Axes.draw uses
    return moving + list(fig.texts)


def _static_key(fig):
    """What the fixed part of the picture depends on: when it changes, draw everything again.

    An axis without ticks looks the same whatever its limits, so only the limits of axes with
    ticks count.
    """
    key = [tuple(fig.get_size_inches()), fig.dpi]
    for ax in fig.axes:
        key += [ax.get_position().bounds, ax.get_xscale(), ax.get_yscale(), ax.get_xlabel(),
                ax.get_ylabel(), ax.get_visible(),
                ax.get_xlim() if len(ax.get_xticks()) else None,
                ax.get_ylim() if len(ax.get_yticks()) else None]
    return tuple(key)


class LiveFigure:
    """A figure, an update function and the controls that drive it.

    Parameters
    ----------
    fig : matplotlib Figure, drawn once by the builder.
    update : function called as ``update(**values)`` with one keyword per control; it changes the
        figure's artists in place and may return them (kept as ``artists``).
    controls : dict of name -> ipywidgets control (sliders, drop-downs, check boxes, ...).
    dpi : optional resolution of the picture.
    extras : more widgets shown before the controls (a play button, say) that do not call
        ``update`` themselves.
    rows, columns : optional list of lists of control names, one row (or column) of widgets
        each; by default all controls share one row that wraps.
    image_format : "png" (default: exact colours) or "jpeg" (about 5 times faster to make and half
        the bytes, for animations that send many frames a second; quality 90).
    still : optional artists inside the axes that ``update`` never changes (the arrows of a
        diagram, say): drawn once with the fixed part of the picture instead of at every move.

    Attributes: ``fig``, ``update``, ``controls``, ``artists`` (what ``update`` returned last, or
    what the builder put there), ``image`` (the ipywidgets Image) and ``widget`` (the box shown).
    """

    def __init__(self, fig, update, controls, dpi=None, extras=(), rows=None, columns=None,
                 still=(), image_format="png"):
        if not callable(update):
            raise TypeError(f"update must be a function of the control values, got {update!r}.")
        _check_figure(fig)
        for name, control in controls.items():
            if not hasattr(control, "observe") or not hasattr(control, "value"):
                raise TypeError(f"control {name!r} must be an ipywidgets control with a value, "
                                f"got {control!r}.")
        self.fig, self.update, self.controls = fig, update, dict(controls)
        plt.close(fig)  # shown through the Image widget only, never twice
        if dpi is not None:
            fig.set_dpi(check_number(dpi, "dpi", low=10, high=600))
        self.dpi = fig.dpi
        if not isinstance(fig.canvas, FigureCanvasAgg):
            FigureCanvasAgg(fig)  # blitting needs the Agg canvas, which keeps its pixels
        self.artists = None
        self._still = set(still)  # the artists themselves: an id could be reused by a new one
        self._key, self._background = None, None
        self._queued = False   # a refresh handed to the main thread and not yet run
        self._holding = False  # set() is moving several controls: redraw once, at the end
        self.image_format = check_choice(image_format, "image_format", ("png", "jpeg"))
        self.image = ipywidgets.Image(format=self.image_format)
        for control in self.controls.values():
            control.observe(self._control_moved, names="value")
        self.widget = ipywidgets.VBox([*self._boxes(extras, rows, columns), self.image])
        self.refresh()

    def _boxes(self, extras, rows, columns):
        """The widgets above the picture: extras, then the controls in rows or columns."""
        wrap = ipywidgets.Layout(flex_flow="row wrap")
        if rows is not None and columns is not None:
            raise ValueError("give rows or columns, not both.")
        groups = rows if rows is not None else columns
        if groups is None:
            return [ipywidgets.HBox([*extras, *self.controls.values()], layout=wrap)]
        listed = [name for group in groups for name in group]
        missing = [name for name in self.controls if name not in listed]
        unknown = [name for name in listed if name not in self.controls]
        if missing or unknown:
            raise ValueError(f"rows or columns must list every control once; missing {missing}, "
                             f"unknown {unknown}.")
        boxes = [[self.controls[name] for name in group] for group in groups]
        if rows is not None:
            boxes = [ipywidgets.HBox(box, layout=wrap) for box in boxes]
        else:
            boxes = [ipywidgets.HBox([ipywidgets.VBox(box) for box in boxes], layout=wrap)]
        return ([ipywidgets.HBox(list(extras), layout=wrap)] if extras else []) + boxes

    def set_still(self, artists):
        """Replace the ``still`` artists (a builder remade them: a new network's labels, say); the
        next render draws the whole figure again."""
        self._still, self._key = set(artists), None

    def values(self):
        """The value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self, **changes):
        """Call ``update`` with the controls' values (``changes`` override them) and redraw.

        The controls themselves keep their values; ``set`` moves them.
        """
        result = self.update(**{**self.values(), **changes})
        if result is not None:
            self.artists = result
        self.image.value = self.render()

    def set(self, **values):
        """Move controls by name, as a student would, then redraw once. Returns ``self``.

        Raises ValueError for an unknown name, or a value the control cannot show (a slider would
        silently clamp it; a drop-down would refuse it).
        """
        for name, value in values.items():
            if name not in self.controls:
                raise ValueError(f"no control named {name!r}; this figure has {list(self.controls)}.")
            _check_control_value(name, self.controls[name], value)
        with self.holding():
            for name, value in values.items():
                self.controls[name].value = value
        self.refresh()
        return self

    @contextlib.contextmanager
    def holding(self):
        """Inside ``with live.holding():`` moving controls does not redraw (``set`` uses it).

        For a control that moves others (a menu that loads new slider values, say): its own
        observer moves them while holding, and the figure's observer then redraws once.
        """
        self._holding, before = True, self._holding
        try:
            yield self
        finally:
            self._holding = before

    def _control_moved(self, change):
        """A control moved: refresh, always on the kernel's main thread.

        JupyterLab 4.4 and later, with ipykernel 7, deliver widget messages on a thread of their
        own (a kernel "subshell") while cells run on the main thread. Matplotlib is not
        thread-safe: a redraw on that thread can collide with a cell drawing another figure. So
        the redraw is handed to the main thread's event loop, which runs it as soon as no cell is
        running.
        Moves that come while one is waiting need no redraw of their own: it reads the values
        when it runs.
        """
        if self._holding:
            return
        loop = _main_loop()
        if loop is None or threading.current_thread() is threading.main_thread():
            self.refresh()
        elif not self._queued:
            self._queued = True
            loop.add_callback(self._run_queued)

    def _run_queued(self):
        self._queued = False
        self.refresh()

    def render(self):
        """The figure as PNG (or JPEG) bytes. Redraws only the moving artists when the rest is unchanged."""
        canvas, key = self.fig.canvas, _static_key(self.fig)
        moving = [a for a in _moving_artists(self.fig) if a not in self._still]
        if key != self._key:   # draw the fixed part alone and keep it
            for artist in moving:
                artist.set_animated(True)
            canvas.draw()
            for artist in moving:
                artist.set_animated(False)
            self._background, self._key = canvas.copy_from_bbox(self.fig.bbox), key
        else:
            canvas.restore_region(self._background)
        for artist in moving:
            self.fig.draw_artist(artist)
        width, height = canvas.get_width_height(physical=True)
        picture = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buf = io.BytesIO()
        if self.image_format == "jpeg":
            picture.convert("RGB").save(buf, format="jpeg", quality=90)
        else:
            picture.save(buf, format="png", compress_level=1)   # light compression: fast to make
        return buf.getvalue()

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def on_main_thread(action):
    """Call ``action()`` on the kernel's main thread: now, when already there (or outside a
    kernel), else as soon as the main thread's event loop is free (see ``_control_moved``)."""
    loop = _main_loop()
    if loop is None or threading.current_thread() is threading.main_thread():
        action()
    else:
        loop.add_callback(action)


def _main_loop():
    """The event loop of the IPython kernel's main thread, or None outside a kernel."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return getattr(getattr(get_ipython(), "kernel", None), "io_loop", None)


def live_figure(fig, update, dpi=None, still=(), **controls):
    """Wire ipywidgets ``controls`` (keyword name -> widget) to ``update(**values)`` and ``fig``.

    Returns a ``LiveFigure``; as a cell's last expression it shows the controls and the figure.
    """
    return LiveFigure(fig, update, controls, dpi=dpi, still=still)


def snapshot_slider(last, interval=300):
    """A "snapshot" slider from 0 to ``last`` and a play button that moves it every ``interval`` ms
    (linked in the browser): (slider, play). Pass the slider as a control and the button in
    ``extras``, so that playing redraws as moving the slider does."""
    slider = ipywidgets.IntSlider(0, 0, last, description="snapshot")
    play = ipywidgets.Play(value=0, min=0, max=last, interval=interval, description="play")
    ipywidgets.jslink((play, "value"), (slider, "value"))
    return slider, play


def _check_control_value(name, control, value):
    """A value the control can show: within a slider's range, among a drop-down's options."""
    options = getattr(control, "options", None)
    if options is not None:
        labels = [o[1] if isinstance(o, tuple) else o for o in options]
        if value not in labels:
            raise ValueError(f"{name} must be one of {labels}, got {value!r}.")
        return
    low, high = getattr(control, "min", None), getattr(control, "max", None)
    if isinstance(control, ipywidgets.FloatLogSlider):
        low, high = control.base ** low, control.base ** high
    if low is not None and high is not None:
        check_number(value, name, low=low, high=high)
