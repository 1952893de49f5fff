"""Sliders on graphs: the running example of notebooks 01 and 03, the output loss of notebook 03,
a ReLU kink in notebook 04.

Each builder draws a figure once and returns a ``LiveFigure`` (``nbtools.live``) whose
``update(**values)`` sets the graph up for the slider values, recomputes it, rewrites the
figure's labels, curves and markers in place, and returns those artists (tests look at them).
The sliders call ``update`` when released rather than at every pixel of a drag
(``continuous_update=False``): one update recomputes the network for a whole curve.

- ``running_example_explorer`` shows the forward pass (notebook 01): every neuron's output on the
  diagram, beside the graph of the function f the network computes.
- ``backprop_explorer`` shows the backward pass (notebook 03): every delta and every weight
  gradient on the diagram, beside the loss as a function of one weight with its tangent, whose
  slope is that weight's gradient.
- ``output_loss_explorer`` (notebook 03) compares squared loss and cross-entropy for one sigmoid
  output: both losses and their slopes dC/dz as functions of the output's pre-activation z.
- ``kink_explorer`` (notebook 04) draws the Value graph of L = (relu(w x + b) - t)^2 with every
  data and grad, beside L(x) and its tangent; ``relu_loss`` builds that graph and
  ``copy_numbers`` moves a new graph's numbers into the drawn one.

In a notebook, the builder is the cell's last expression::

    explore_graphs.running_example_explorer(x=1.0, w46=-2.0)
"""
import ipywidgets
import matplotlib.pyplot as plt
import numpy as np

from . import graphdraw, graphnet, losses
from ._checks import check_number
from .autograd import Value, topological_order
from .live import LiveFigure

HIGHLIGHT = "#e6550d"  # the edge a slider moves, and the point where the network is evaluated


def _check_range(x_range, name):
    if not isinstance(x_range, (tuple, list)) or len(x_range) != 2:
        raise TypeError(f"{name} must be a pair (low, high) such as (-4, 4), got {x_range!r}.")
    low = check_number(x_range[0], f"{name}[0]")
    high = check_number(x_range[1], f"{name}[1]")
    if not low < high:
        raise ValueError(f"{name} must be (low, high) with low < high, got {x_range!r}.")
    return low, high


def _hide_frame(ax):
    """No box around the diagram, also when only the artists are redrawn (blitting draws
    every spine, even of an axes turned off with ``ax.axis("off")``)."""
    for spine in ax.spines.values():
        spine.set_visible(False)


def _highlight_edge(artists, edge):
    arrow = artists["edges"][edge]
    arrow.set_color(HIGHLIGHT)
    arrow.set_linewidth(2.2)
    artists["edge_labels"][edge].set_color(HIGHLIGHT)


def running_example_explorer(x=1.0, w46=-2.0, x_range=(-4.0, 4.0)):
    """The running example's forward pass: sliders for the input x and the weight w46.

    Left: the network with its weights on the edges and every neuron's output ``a`` under it
    (the edge 4 -> 6, moved by the ``w46`` slider, in orange). Right: the function f(x) = a_9 the
    network computes, over ``x_range``, with a dot at the current x. Moving x moves the dot along
    the curve; moving w46 changes the network, so the whole curve changes.

    Returns a ``LiveFigure``; its ``update(x, w46)`` returns a dict with the network
    (``net``), the diagram's artists (``graph``, see ``graphdraw.draw_network``), and the Line2D
    ``curve`` and ``marker``.
    """
    low, high = _check_range(x_range, "x_range")
    x = check_number(x, "x", low, high)
    w46 = check_number(w46, "w46", -4.0, 4.0)   # the range of its slider, which would clamp it
    net = graphnet.running_example()
    fig, (ax_net, ax_f) = plt.subplots(1, 2, figsize=(12.5, 4.4),
                                       gridspec_kw={"width_ratios": [2.1, 1.0]})
    net.forward(x)
    graph = graphdraw.draw_network(net, ax=ax_net, labels="weights", node_labels="values")
    _hide_frame(ax_net)
    _highlight_edge(graph, (4, 6))
    xs = np.linspace(low, high, 161)
    curve, = ax_f.plot(xs, np.zeros_like(xs), color="C0", lw=2)
    marker, = ax_f.plot([x], [0.0], "o", color=HIGHLIGHT, ms=9, zorder=3)
    ax_f.set_xlim(low, high)
    ax_f.set_ylim(0.0, 1.0)
    ax_f.set_xlabel("input x")
    ax_f.set_ylabel("output f(x) = $a_9$")
    ax_f.grid(alpha=0.3)
    art = {"net": net, "graph": graph, "curve": curve, "marker": marker}

    def update(x, w46):
        net.set_weight(4, 6, w46)
        curve.set_ydata(graphnet.outputs_at(net, xs))   # f for this w46, at every x of the plot
        fx = net.forward(x)[0]              # last, so net.a holds the values at this x
        graphdraw.update_network(graph, net)
        marker.set_data([x], [fx])
        ax_net.set_title(f"x = {x:.2f},  w46 = {w46:.2f}   →   f(x) = $a_9$ = {fx:.4f}",
                         fontsize=11)
        ax_f.set_title(f"f(x) for w46 = {w46:.2f}", fontsize=11)
        return art

    update(x, w46)
    fig.tight_layout()  # after update, so that the titles it writes have room
    controls = {
        "x": ipywidgets.FloatSlider(value=x, min=low, max=high, step=0.25, description="x",
                                    continuous_update=False),
        "w46": ipywidgets.FloatSlider(value=w46, min=-4.0, max=4.0, step=0.5, description="w46",
                                      continuous_update=False),
    }
    # the neurons and edges never move: drawn once, with the axes
    still = [*graph["neurons"].values(), *graph["edges"].values()]
    return LiveFigure(fig, update, controls, still=still)


def backprop_explorer(x=1.0, y=0.0, weight=(6, 9), x_range=(-4.0, 4.0), w_span=4.0):
    """The running example's backward pass: sliders for the input x and the target y.

    Left: the network with dC/dw on every edge and delta = dC/dz under every neuron, for the
    squared loss C = 1/2 (a_9 - y)^2. Right: C as a function of the one weight ``weight``
    (the edge drawn in orange), from its value - ``w_span`` to + ``w_span``, all other weights
    fixed, with the tangent at the current value: its slope is the number on that edge.

    Returns a ``LiveFigure``; its ``update(x, y)`` returns a dict with the network
    (``net``), the diagram's artists (``graph``) and the Line2D ``curve``, ``marker`` and
    ``tangent``.
    """
    low, high = _check_range(x_range, "x_range")
    x, y = check_number(x, "x", low, high), check_number(y, "y", 0.0, 1.0)
    w_span = check_number(w_span, "w_span", low=0.0, low_open=True)
    net = graphnet.running_example()
    if not isinstance(weight, tuple) or len(weight) != 2:
        raise TypeError(f"weight must be an edge (src, dst) such as (6, 9), got {weight!r}.")
    w0 = net.weight(*weight)  # raises a ValueError that names the edges if there is no such edge
    name = f"w{weight[0]}{weight[1]}"
    fig, (ax_net, ax_c) = plt.subplots(1, 2, figsize=(12.5, 4.4),
                                       gridspec_kw={"width_ratios": [2.1, 1.0]})
    net.forward(x)
    net.backward(target=y)
    graph = graphdraw.draw_network(net, ax=ax_net, labels="grads", node_labels="deltas")
    _hide_frame(ax_net)
    _highlight_edge(graph, weight)
    ws = w0 + np.linspace(-w_span, w_span, 121)
    curve, = ax_c.plot(ws, np.zeros_like(ws), color="C0", lw=2, label=f"C as a function of {name}")
    tangent, = ax_c.plot([], [], "--", color=HIGHLIGHT, lw=1.5, label="tangent, slope dC/d" + name)
    marker, = ax_c.plot([w0], [0.0], "o", color=HIGHLIGHT, ms=8, zorder=3)
    ax_c.set_xlim(ws[0], ws[-1])
    ax_c.set_ylim(-0.02, 0.52)
    ax_c.set_xlabel(f"weight {name} (all other weights fixed)")
    ax_c.set_ylabel("loss C = ½($a_9$ − y)²")
    ax_c.legend(loc="upper left", fontsize=8)
    ax_c.grid(alpha=0.3)
    art = {"net": net, "graph": graph, "curve": curve, "marker": marker, "tangent": tangent}

    def update(x, y):
        losses = []
        for w in ws:                      # C(w) with every other weight fixed
            net.set_weight(*weight, w)
            net.forward(x)
            losses.append(net.loss(y))
        curve.set_ydata(losses)
        net.set_weight(*weight, w0)
        out = net.forward(x)[0]
        grads = net.backward(target=y)    # fills net.delta and net.edge_grad
        c, slope = net.loss(y), grads[weight]
        graphdraw.update_network(graph, net)
        marker.set_data([w0], [c])
        dw = np.array([-0.4, 0.4]) * w_span
        tangent.set_data(w0 + dw, c + slope * dw)
        ax_net.set_title(f"x = {x:.2f},  y = {y:.2f}:   $a_9$ = {out:.4f},   "
                         f"C = {c:.4f}", fontsize=11)
        ax_c.set_title(f"dC/d{name} = {slope:.4f}", fontsize=11)
        return art

    update(x, y)
    fig.tight_layout()  # after update, so that the titles it writes have room
    controls = {
        "x": ipywidgets.FloatSlider(value=x, min=low, max=high, step=0.25, description="x",
                                    continuous_update=False),
        "y": ipywidgets.FloatSlider(value=y, min=0.0, max=1.0, step=0.05, description="y",
                                    continuous_update=False),
    }
    # the neurons and edges never move: drawn once, with the axes
    still = [*graph["neurons"].values(), *graph["edges"].values()]
    return LiveFigure(fig, update, controls, still=still)


# ---- a small graph with a ReLU kink (notebook 04) -------------------------------------------

def relu_loss(x, w=2.0, b=-1.0, t=1.0):
    """The graph L = (relu(w x + b) - t)^2, after ``backward()``; returns the Value L.

    Every Value has a label (x, w, b, t, wx, z, a, a - t, L), so the drawing names them. The
    kink of the ReLU is at w x + b = 0, that is x = -b / w (x = 0.5 for the defaults).
    """
    x, w, b, t = (Value(check_number(v, name), label=name)
                  for v, name in ((x, "x"), (w, "w"), (b, "b"), (t, "t")))
    wx = w * x
    z = wx + b
    a = z.relu()
    d = a - t
    L = d ** 2
    for v, name in ((wx, "wx"), (z, "z"), (a, "a"), (d, "a - t"), (L, "L")):
        v.label = name
    L.backward()
    return L


def copy_numbers(old, new):
    """Copy data, grad and local derivatives from the graph of ``new`` into that of ``old``.

    The two graphs must have the same shape (the same operations in the same order), as when the
    same expression is built again from new input numbers. Then a drawing of ``old`` can show the
    new numbers after ``graphdraw.update_graph``. Returns ``old``.
    """
    old_nodes, new_nodes = topological_order(old), topological_order(new)
    if [v._op for v in old_nodes] != [v._op for v in new_nodes]:
        raise ValueError(f"The two graphs differ: {len(old_nodes)} and {len(new_nodes)} nodes with "
                         f"different operations. Build both with the same expression.")
    for o, n in zip(old_nodes, new_nodes):
        o.data, o.grad, o._da, o._db = n.data, n.grad, n._da, n._db
    return old


def kink_explorer(x=0.0, w=2.0, b=-1.0, t=1.0, x_range=(-1.0, 2.0), step=0.25):
    """A slider for x that redraws the graph of ``relu_loss`` and the curve L(x).

    Top: the computation graph with every Value's data and grad (``graphdraw``). Bottom: L as a
    function of x (w, b, t fixed), a dot at the current x and the tangent whose slope is the
    grad of x that backward() computed. The ReLU's kink sits at x = -b / w.

    Returns a ``LiveFigure``; its ``update(x)`` returns a dict with the root ``L`` of the
    drawn graph, the graph's artists (``graph``) and the Line2D ``curve``, ``marker`` and
    ``tangent``.
    """
    if not isinstance(x_range, (tuple, list)) or len(x_range) != 2:
        raise TypeError(f"x_range must be a pair (low, high), got {x_range!r}.")
    low, high = check_number(x_range[0], "x_range[0]"), check_number(x_range[1], "x_range[1]")
    if not low < high:
        raise ValueError(f"x_range must be (low, high) with low < high, got {x_range!r}.")
    x = check_number(x, "x", low, high)
    step = check_number(step, "step", low=0.0, low_open=True)
    root = relu_loss(x, w, b, t)
    fig, (ax_graph, ax_curve) = plt.subplots(2, 1, figsize=(11.0, 6.6),
                                             gridspec_kw={"height_ratios": [1.25, 1.0]})
    graph = graphdraw.draw_graph(root, ax=ax_graph, fontsize=9)
    xs = np.linspace(low, high, 301)
    ax_curve.plot(xs, [relu_loss(x_, w, b, t).data for x_ in xs], color="C0", lw=2,
                  label="L(x) = (relu(w x + b) − t)²")
    curve = ax_curve.lines[0]
    kink = -b / w if w != 0 else None
    if kink is not None and low <= kink <= high:
        ax_curve.axvline(kink, color="0.6", ls=":", lw=1, label=f"kink: w x + b = 0 at x = {kink:g}")
    tangent, = ax_curve.plot([], [], "--", color=HIGHLIGHT, lw=1.5,
                             label="tangent, slope = grad of x")
    marker, = ax_curve.plot([x], [root.data], "o", color=HIGHLIGHT, ms=8, zorder=3)
    ax_curve.set_xlim(low, high)
    top = max(curve.get_ydata().max(), 1.0)
    ax_curve.set_ylim(-0.08 * top, 1.1 * top)
    ax_curve.set_xlabel("input x")
    ax_curve.set_ylabel("loss L")
    legend = ax_curve.legend(loc="upper left", fontsize=8)
    ax_curve.grid(alpha=0.3)
    art = {"L": root, "graph": graph, "curve": curve, "marker": marker, "tangent": tangent}

    def update(x):
        copy_numbers(root, relu_loss(x, w, b, t))
        graphdraw.update_graph(graph)
        x_node = next(v for v in topological_order(root) if v.label == "x")
        marker.set_data([x], [root.data])
        dx = 0.35 * (high - low) / 2
        tangent.set_data([x - dx, x + dx], [root.data - x_node.grad * dx,
                                            root.data + x_node.grad * dx])
        ax_graph.set_title(f"x = {x:.2f}:   L = {root.data:.4f},   dL/dx = {x_node.grad:.4f}",
                           fontsize=11)
        return art

    update(x)
    fig.tight_layout()
    controls = {"x": ipywidgets.FloatSlider(value=x, min=low, max=high, step=step,
                                            description="x", continuous_update=False)}
    # the arrows, operation symbols, curve, kink line and legend never move (the tangent stays
    # clear of the legend): drawn once, with the axes
    still = [*graph["edges"], *graph["repeats"], *graph["ops"].values(), curve, legend,
             *ax_curve.lines[1:-2]]
    return LiveFigure(fig, update, controls, still=still)



# ---- squared loss or cross-entropy for a sigmoid output (notebook 03) ---------------------

def output_loss_curves(z, y):
    """Both losses of one sigmoid output a = sigmoid(z) with target y, and their slopes dC/dz.

    Returns a dict of arrays shaped like ``z``: ``a``, ``squared`` = 1/2 (a - y)^2 with
    ``squared_dz`` = (a - y) a (1 - a), and ``bce`` = -[y log a + (1 - y) log(1 - a)] with
    ``bce_dz`` = a - y, both computed by ``nbtools.losses`` from the logits z (so no log(0)).
    """
    z = np.asarray(z, dtype=float).ravel()
    y = check_number(y, "y", 0.0, 1.0)
    if y not in (0.0, 1.0):
        raise ValueError(f"y must be the label 0 or 1, got {y!r}.")
    labels = np.full(len(z), int(y))
    a = 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))
    n = len(z)
    mse, bce = losses.MeanSquaredError(), losses.BinaryCrossEntropy()
    out = {"a": a, "squared": 0.5 * (a - y) ** 2, "bce": np.empty(n), "bce_dz": np.empty(n)}
    mse(a, labels.astype(float))
    out["squared_dz"] = mse.backward().ravel() * n * a * (1 - a)   # dC/da times sigma'(z)
    for k in range(n):                                           # one example each
        out["bce"][k] = bce(z[k:k + 1], labels[k:k + 1], logits=True)
        out["bce_dz"][k] = bce.backward()[0, 0]
    return out


def output_loss_explorer(z=-4.0, y=1, z_range=(-8.0, 8.0)):
    """One sigmoid output a = sigmoid(z) with target y: squared loss against cross-entropy.

    Left: the two losses as functions of the output's pre-activation z. Right: their slopes
    dC/dz, the delta the output neuron sends backwards. A dot marks the current z; slide it to a
    confidently wrong prediction (z far below 0 for y = 1) and compare the two deltas.

    Returns a ``LiveFigure``; its ``update(z, y)`` returns a dict with the Line2D ``curves``
    ({"squared", "bce", "squared_dz", "bce_dz"}) and ``markers`` (the same keys).
    """
    low, high = _check_range(z_range, "z_range")
    z = check_number(z, "z", low, high)
    if y not in (0, 1):
        raise ValueError(f"y must be the label 0 or 1, got {y!r}.")
    zs = np.linspace(low, high, 321)
    fig, (ax_c, ax_d) = plt.subplots(1, 2, figsize=(11, 3.8))
    styles = {"squared": ("C0", "squared loss ½(a − y)²"), "bce": ("C3", "cross-entropy")}
    curves, markers = {}, {}
    for key, (color, name) in styles.items():
        curves[key], = ax_c.plot(zs, zs * 0, color=color, lw=2, label=name)
        curves[key + "_dz"], = ax_d.plot(zs, zs * 0, color=color, lw=2, label=name)
        markers[key], = ax_c.plot([z], [0.0], "o", color=color, ms=8, zorder=3)
        markers[key + "_dz"], = ax_d.plot([z], [0.0], "o", color=color, ms=8, zorder=3)
    ax_c.set(xlabel="pre-activation z of the output", ylabel="loss C", xlim=(low, high),
             ylim=(-0.2, 8.5))
    ax_d.set(xlabel="pre-activation z of the output", ylabel="dC/dz (the output's delta)",
             xlim=(low, high), ylim=(-1.1, 1.1))
    for ax in (ax_c, ax_d):
        ax.axhline(0, color="0.6", lw=0.8)
        ax.grid(alpha=0.3)
    ax_c.legend(loc="upper center", fontsize=9)
    art = {"curves": curves, "markers": markers}

    def update(z, y):
        whole, here = output_loss_curves(zs, y), output_loss_curves([z], y)
        for key, line in curves.items():
            line.set_ydata(whole[key])
            markers[key].set_data([z], here[key])
        a = here["a"][0]
        ax_c.set_title(f"y = {y},  a = σ({z:.2f}) = {a:.4f}", fontsize=11)
        ax_d.set_title(f"dC/dz:  squared {here['squared_dz'][0]:.4f},  "
                       f"cross-entropy {here['bce_dz'][0]:.4f}", fontsize=11)
        return art

    update(z, y)
    fig.tight_layout()
    controls = {
        "z": ipywidgets.FloatSlider(value=z, min=low, max=high, step=0.5, description="z",
                                    continuous_update=False),
        "y": ipywidgets.Dropdown(options=[0, 1], value=y, description="target y"),
    }
    return LiveFigure(fig, update, controls)
