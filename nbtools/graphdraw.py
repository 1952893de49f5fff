"""Draw graphs with matplotlib (no graphviz needed): a ``Value``'s computation graph, and a
``GraphNetwork`` of neurons and edges.

**The computation graph behind a Value** (``draw_graph`` / ``update_graph``).

Each Value is a box with its label (if it has one), its data and its gradient; the operation that
made it is a small circle just left of the box, with arrows from the operation's inputs. Columns
run left to right: the final result on the right, every other Value one column left of the
leftmost Value that uses it. An edge that has to skip columns bends around the boxes in between.
An operation that uses one Value twice (``a + a``, ``a * a``) gets two arrows from it, bowed apart.
(Python numbers in an expression, like the 2 in ``2 * x``, are constants and get no box.)

``draw_graph`` returns the artists it made; after another ``backward()``, call
``update_graph(artists)`` to refresh the numbers without redoing the layout.

Example
-------
>>> from nbtools.autograd import Value
>>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
>>> c = a * b + a
>>> c.backward()
>>> artists = draw_graph(c)          # doctest: +SKIP

**A network of neurons** (``draw_network`` / ``update_network``): layers left to right, edges as
arrows with their weights or gradients, neurons coloured by kind, with their outputs or deltas.
"""
import math

import matplotlib.pyplot as plt
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch

from ._checks import check_choice
from .autograd import Value, trace
from .graphnet import GraphNetwork

COLUMN = 2.1    # inches between columns of boxes
OP_GAP = 0.9    # inches from an operation circle to its result's box
ROW = 0.75      # inches per row
REUSE_RAD = 0.35  # how far the two arrows of a value used twice (a + a) bow apart
OP_SYMBOLS = {"*": "×", "-": "−", "sigmoid": "σ", "relu": "ReLU"}


class _Bend:
    """A point that an edge skipping columns passes through, one per skipped column."""

    def __init__(self, column):
        self.column = column


def _layout(nodes, edges, sweeps=4):
    """Place every Value (and every bend of a long edge) in a column and a row.

    Returns ``(column, row, routes)``: ``column`` and ``row`` map each Value and bend to its
    position; ``routes[(child, parent)]`` lists the bends of that edge from left to right.
    """
    # Columns counted from the right: the root in 0, every input one left of its leftmost user.
    from_right = {nodes[-1]: 0}
    for v in reversed(nodes):  # every Value comes after all the Values that use it
        for child in v._prev:
            from_right[child] = max(from_right.get(child, 0), from_right[v] + 1)
    last = max(from_right.values())
    column = {v: last - k for v, k in from_right.items()}

    # An edge that skips columns gets a bend in each skipped column.
    left, right = {v: [] for v in nodes}, {v: [] for v in nodes}  # neighbours on each side
    routes = {}
    for child, parent in edges:
        route = [_Bend(c) for c in range(column[child] + 1, column[parent])]
        for bend in route:
            column[bend], left[bend], right[bend] = bend.column, [], []
        points = [child] + route + [parent]
        for a, b in zip(points, points[1:]):
            right[a].append(b)
            left[b].append(a)
        routes[(child, parent)] = route

    # Rows: start evenly spaced, then sweep right and left a few times, moving each point
    # towards the average row of its neighbours on the side just swept (the barycenter
    # heuristic), keeping points apart: a box needs a whole row, a bend a third of one.
    columns = {}
    for p in column:
        columns.setdefault(column[p], []).append(p)
    size = {p: 0.35 if isinstance(p, _Bend) else 1.0 for p in column}
    row = {}
    for col in columns.values():
        for i, p in enumerate(col):
            row[p] = -float(i)
    for _ in range(sweeps):
        for side, order in ((left, sorted(columns)), (right, sorted(columns, reverse=True))):
            for k in order:
                col = columns[k]
                want = {p: sum(row[q] for q in side[p]) / len(side[p]) if side[p] else row[p]
                        for p in col}
                col.sort(key=lambda p: -want[p])
                ys = [want[p] for p in col]
                for i in range(1, len(col)):  # top to bottom, never closer than allowed
                    gap = (size[col[i - 1]] + size[col[i]]) / 2
                    ys[i] = min(ys[i], ys[i - 1] - gap)
                shift = (sum(want.values()) - sum(ys)) / len(ys)  # re-centre the column
                for p, y in zip(col, ys):
                    row[p] = y + shift
    return column, row, routes


def _box_text(v, show_grad):
    lines = [v.label] if v.label else []
    lines.append(f"data {v.data:.4f}")
    if show_grad:
        lines.append(f"grad {v.grad:.4f}")
    return "\n".join(lines)


def draw_graph(root, ax=None, show_grad=True, fontsize=8):
    """Draw the graph that computes ``root``; return the artists.

    Parameters
    ----------
    root : Value
        The result, usually after ``root.backward()`` so the gradients are filled in.
    ax : matplotlib Axes, optional
        Where to draw. With ``None`` a new figure is made, sized to the graph (about
        2.1 inches per column and 0.75 per row); a given Axes should be about that big too.
    show_grad : bool
        Print each Value's ``grad`` under its ``data``.
    fontsize : float

    Returns
    -------
    dict with ``"boxes"`` ({Value: Text}, the value boxes), ``"ops"`` ({Value: Text}, the
    operation circle of each non-leaf Value), ``"edges"`` (list of FancyArrowPatch, the arrows
    and the segments of bent edges, one per distinct input of an operation), ``"repeats"``
    (the second arrow of each input an operation uses twice, as in ``a + a`` or ``a * a``: the
    two arrows bow apart, so the reuse shows) and ``"show_grad"``; ``update_graph`` takes it.

    Example
    -------
    >>> from nbtools.autograd import Value
    >>> x = Value(0.5, label="x"); y = (x * x).tanh(); y.backward()
    >>> artists = draw_graph(y)           # doctest: +SKIP
    >>> len(artists["boxes"]), len(artists["ops"])  # doctest: +SKIP
    (3, 2)
    """
    if not isinstance(root, Value):
        raise TypeError(f"root must be a Value (the result of a computation), got "
                        f"{type(root).__name__}.")
    nodes, edges = trace(root)
    column, row, routes = _layout(nodes, edges)
    top, bottom = max(row.values()) + 0.7, min(row.values()) - 0.7
    width = COLUMN * max(column.values()) + 1.6
    if ax is None:
        _, ax = plt.subplots(figsize=(width, ROW * (top - bottom)))
    ax.set_xlim(-0.8, width - 0.8)
    ax.set_ylim(ROW * bottom, ROW * top)
    ax.set_axis_off()

    def xy(p):
        return COLUMN * column[p], ROW * row[p]

    boxes, ops, arrows = {}, {}, []
    for v in nodes:
        x, y = xy(v)
        leaf = not v._prev
        boxes[v] = ax.text(x, y, _box_text(v, show_grad), ha="center", va="center",
                           fontsize=fontsize, family="monospace", zorder=2,
                           bbox=dict(boxstyle="round,pad=0.3", fc="#fdf5e6" if leaf else "#eef3fb",
                                     ec="#b58a3c" if leaf else "#4a6fa5"))
        if not leaf:
            wide = len(OP_SYMBOLS.get(v._op, v._op)) > 1   # "ReLU", "**2": smaller, with room
            ops[v] = ax.text(x - OP_GAP - 0.1 * wide, y, OP_SYMBOLS.get(v._op, v._op), ha="center",
                             va="center", zorder=2, fontsize=fontsize * (0.85 if wide else 1),
                             bbox=dict(boxstyle=f"circle,pad={.6 if wide else .25}", fc="white", ec="0.3"))
            arrows.append(_segment(ax, ops[v], boxes[v]))  # operation -> its result
    repeats = []
    for (child, parent), bends in routes.items():     # each input -> the operation using it
        points = [boxes[child]] + [xy(b) for b in bends] + [ops[parent]]
        uses = parent._prev.count(child)              # 2 for a + a or a * a
        for start, end in zip(points, points[1:]):
            last = end is ops[parent]
            if last and uses > 1:  # one arrow per use, bowed apart, so the reuse is visible
                arrows.append(_segment(ax, start, end, rad=REUSE_RAD))
                repeats.append(_segment(ax, start, end, rad=-REUSE_RAD))
            else:
                arrows.append(_segment(ax, start, end, head=last))
    return {"boxes": boxes, "ops": ops, "edges": arrows, "repeats": repeats,
            "show_grad": show_grad}


def _segment(ax, start, end, head=True, rad=0.0):
    """An arrow (or line) between two points, straight or bowed by ``rad`` (matplotlib's arc3);
    a Text end is clipped to its box."""
    ends = []
    for p in (start, end):
        ends.append((p.get_position(), p.get_bbox_patch()) if hasattr(p, "get_bbox_patch")
                    else (p, None))
    (posA, patchA), (posB, patchB) = ends
    arrow = FancyArrowPatch(posA, posB, arrowstyle="-|>" if head else "-", mutation_scale=10,
                            color="0.35", lw=0.9, zorder=3, patchA=patchA, patchB=patchB,
                            shrinkA=1 if patchA else 0, shrinkB=1 if patchB else 0,
                            connectionstyle=f"arc3,rad={rad}")
    ax.add_patch(arrow)
    return arrow


def update_graph(artists):
    """Refresh the data and grad printed in each box (after new values or another backward)."""
    for v, text in artists["boxes"].items():
        text.set_text(_box_text(v, artists["show_grad"]))
    return artists


# ---- a network of neurons (graphnet.GraphNetwork) -------------------------------------------

NEURON_COLORS = {"input": "#7fc97f", "bias": "#80b1d3", "hidden": "#e6e6e6", "output": "#fb8072"}
RADIUS, DX, DY = 0.32, 3.2, 1.5   # neuron size and spacing, in data units


def _network_layout(net):
    """Position of each neuron: layers left to right, each layer centred, ids top to bottom."""
    pos = {}
    for k, layer in enumerate(net.layers()):
        for r, j in enumerate(layer):
            pos[j] = (k * DX, ((len(layer) - 1) / 2 - r) * DY)
    return pos


def _edge_geometry(p0, p2, rad):
    """Where an edge from the neuron at p0 to the one at p2 starts and ends, and its curve.

    The edge is matplotlib's ``arc3`` curve: a quadratic Bezier through the control point c at
    ``rad`` times the edge length sideways from the midpoint (rad = 0: a straight line). It
    starts and ends on the two circles. Returns ``(start, end, point)`` with ``point(t)`` the
    curve's point at t in [0, 1].
    """
    (x0, y0), (x2, y2) = p0, p2
    c = ((x0 + x2) / 2 + rad * (y2 - y0), (y0 + y2) / 2 - rad * (x2 - x0))

    def towards(p, q):  # the point RADIUS away from p in the direction of q
        d = math.hypot(q[0] - p[0], q[1] - p[1])
        return (p[0] + RADIUS * (q[0] - p[0]) / d, p[1] + RADIUS * (q[1] - p[1]) / d)

    def point(t):
        return tuple((1 - t) ** 2 * p0[k] + 2 * t * (1 - t) * c[k] + t ** 2 * p2[k] for k in (0, 1))

    return towards(p0, c), towards(p2, c), point


LABEL_W, LABEL_H = 0.4, 0.2   # half the size of an edge label, in data units
LABEL_TS = [0.3 + 0.025 * k for k in range(23)]   # where along an edge a label may go


def _label_places(curves, pos, fixed=()):
    """Where each edge's label goes: on its edge (``curves``: edge -> ``point(t)``), clear of the
    other edges, the labels placed so far (``fixed`` first) and the neurons (``pos``).

    Clearance from a point: how many label half-widths (or half-heights) away it is, whichever
    is more (>= 1: outside the label). Each label takes the t in ``LABEL_TS`` with the clearest
    nearest point, preferring t near 2/3 (near the neuron the weight belongs to).
    """
    samples = {e: [point(k / 60) for k in range(61)] for e, point in curves.items()}
    placed = dict(fixed)

    def clearance(xy, edge):
        def c(x, y, r=0.0):
            return max((abs(x - xy[0]) - r) / LABEL_W, (abs(y - xy[1]) - r) / LABEL_H)
        near = [c(x, y) for e, pts in samples.items() if e != edge for x, y in pts]
        near += [c(x, y) / 2 for x, y in placed.values()]      # labels: twice the size apart
        near += [c(x, y, RADIUS) for x, y in pos.values()]     # nor on a neuron
        return min(near, default=float("inf"))

    for edge, point in curves.items():
        if edge not in placed:
            best = max(LABEL_TS, key=lambda t: min(clearance(point(t), edge), 1.5) - abs(t - 0.66))
            placed[edge] = point(best)
    return placed


def _edge_text(net, i, j, labels):
    if labels == "grads":
        return f"{net.edge_grad[(i, j)]:.3g}"
    return "" if labels is None else f"{net.w[j][i]:.3g}"


def _node_text(net, j, node_labels):
    if node_labels == "values":
        return f"a={net.a[j]:.3g}"
    if node_labels == "deltas" and j in net.delta:  # input and bias neurons have no delta
        return f"δ={net.delta[j]:.3g}"
    return ""


def _check_modes(net, labels, node_labels):
    """Check the label choices, and that ``net`` already has the numbers they show."""
    if labels is not None:
        labels = check_choice(labels, "labels", {"weights", "grads"})
    if node_labels is not None:
        node_labels = check_choice(node_labels, "node_labels", {"values", "deltas", "ids"})
    needs = {"values": (net.a, "net.forward(x)"), "grads": (net.edge_grad, "net.backward(target)"),
             "deltas": (net.delta, "net.backward(target)")}
    for name, mode in (("labels", labels), ("node_labels", node_labels)):
        if mode in needs and not needs[mode][0]:
            raise ValueError(
                f'{name}="{mode}" shows numbers the network does not have yet; '
                f"call {needs[mode][1]} first."
            )
    return labels, node_labels


def draw_network(net, ax=None, labels="weights", node_labels="ids"):
    """Draw the network: layers left to right, edges as arrows, neurons coloured by kind.

    ``labels`` writes on each edge its weight (``"weights"``), its gradient dC/dw from the last
    ``backward`` (``"grads"``) or nothing (``None``), rounded to 3 significant digits.
    ``node_labels`` writes under each neuron its output a (``"values"``), its delta
    (``"deltas"``), or nothing (``"ids"``: the id inside the circle only; ``None``: not even
    that). An edge that skips layers is drawn as an arc over (or under) them. Returns a dict of
    the artists (``neurons``, ``ids``, ``node_labels``, ``edges``, ``edge_labels``, ``legend``);
    ``update_network(artists, net)`` rewrites the labels in place.

    >>> from nbtools.graphnet import running_example
    >>> artists = draw_network(running_example(), labels="weights")   # doctest: +SKIP
    """
    if not isinstance(net, GraphNetwork):
        raise TypeError(f"net must be a GraphNetwork, got {type(net).__name__}.")
    labels, node_labels = _check_modes(net, labels, node_labels)
    pos = _network_layout(net)
    skips = set(net.skip_edges())
    xs, ys = [p[0] for p in pos.values()] or [0], [p[1] for p in pos.values()] or [0]
    top, bottom = max(ys) + RADIUS + 0.45, min(ys) - RADIUS - 0.7   # room for arcs
    xlim = (min(xs) - 0.6, max(xs) + 0.6)
    ylim = (bottom - 0.2, top + 0.3) if skips else (min(ys) - 0.8, max(ys) + 0.6)
    if ax is None:
        _, ax = plt.subplots(figsize=(0.8 * (xlim[1] - xlim[0]), 0.8 * (ylim[1] - ylim[0]) + 0.5))
    artists = {"neurons": {}, "ids": {}, "node_labels": {}, "edges": {}, "edge_labels": {}}
    curves, arcs = {}, {}
    for (i, j) in net.weights:
        rad = 0.0
        if (i, j) in skips:  # an arc over (or under) the layers it skips, not through them
            (x0, y0), (x2, y2) = pos[i], pos[j]
            mid_y = (y0 + y2) / 2
            rad = -2 * (top - mid_y) / (x2 - x0) if mid_y >= 0 else 2 * (mid_y - bottom) / (x2 - x0)
        start, end, curves[(i, j)] = _edge_geometry(pos[i], pos[j], rad)
        if rad:
            arcs[(i, j)] = curves[(i, j)](0.5)   # an arc's label sits at its top
        arrow = FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12, lw=1.1,
                                color="0.35", shrinkA=0, shrinkB=0, zorder=1,
                                connectionstyle=f"arc3,rad={rad}")
        ax.add_patch(arrow)
        artists["edges"][(i, j)] = arrow
    places = _label_places(curves, pos, fixed=arcs)
    for edge in net.weights:
        artists["edge_labels"][edge] = ax.text(
            *places[edge], "", fontsize=8, ha="center", va="center", zorder=3,
            bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.9))
    for j, (x, y) in pos.items():
        circle = Circle((x, y), RADIUS, fc=NEURON_COLORS[net.kind(j)], ec="0.25", lw=1.2, zorder=2)
        ax.add_patch(circle)
        artists["neurons"][j] = circle
        artists["ids"][j] = ax.text(x, y, "", fontsize=11, ha="center", va="center", zorder=4)
        artists["node_labels"][j] = ax.text(
            x, y - RADIUS - 0.08, "", fontsize=8, ha="center", va="top", zorder=4,
            bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="none", alpha=0.8))
    kinds = [k for k in NEURON_COLORS if any(net.kind(j) == k for j in pos)]
    handles = [Line2D([], [], ls="", marker="o", ms=10, mfc=NEURON_COLORS[k], mec="0.25", label=k)
               for k in kinds]
    artists["legend"] = ax.legend(handles=handles, loc="upper center", ncol=len(handles),
                                  bbox_to_anchor=(0.5, 0.0), frameon=False, fontsize=9)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    artists["mode"] = {"labels": labels, "node_labels": node_labels}
    update_network(artists, net)
    return artists


def update_network(artists, net, labels="keep", node_labels="keep"):
    """Rewrite the labels of a drawing from ``draw_network`` in place (for sliders); returns ``artists``.

    ``labels`` and ``node_labels`` take the same values as in ``draw_network``; ``"keep"`` (the default)
    keeps what is shown now, with fresh numbers from ``net``.
    """
    if set(artists.get("edge_labels", {})) != set(net.weights):
        raise ValueError(
            "artists do not match net: the drawing has different edges than the network; "
            "draw the network again with draw_network(net)."
        )
    mode = artists["mode"]
    labels = mode["labels"] if labels == "keep" else labels
    node_labels = mode["node_labels"] if node_labels == "keep" else node_labels
    labels, node_labels = _check_modes(net, labels, node_labels)
    for (i, j), text in artists["edge_labels"].items():
        text.set_text(_edge_text(net, i, j, labels))
        text.set_visible(labels is not None)
    for j, text in artists["node_labels"].items():
        text.set_text(_node_text(net, j, node_labels))
        text.set_visible(text.get_text() != "")
        artists["ids"][j].set_text("" if node_labels is None else str(j))
    mode["labels"], mode["node_labels"] = labels, node_labels
    return artists
