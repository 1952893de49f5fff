"""Draw the computation graph behind a ``Value`` with matplotlib (no graphviz needed).

Each Value is a box with its label (if it has one), its data and its gradient; the operation that
made it is a small circle just left of the box, with arrows from the operation's inputs. Columns
run left to right: the final result on the right, every other Value one column left of the
leftmost Value that uses it. An edge that has to skip columns bends around the boxes in between.
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
"""
import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch

from .autograd import Value, trace

COLUMN = 2.1    # inches between columns of boxes
OP_GAP = 0.9    # inches from an operation circle to its result's box
ROW = 0.75      # inches per row
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
    and the segments of bent edges) and ``"show_grad"``. ``update_graph`` takes this dict.

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
            ops[v] = ax.text(x - OP_GAP, y, OP_SYMBOLS.get(v._op, v._op), ha="center",
                             va="center", fontsize=fontsize, zorder=2,
                             bbox=dict(boxstyle="circle,pad=0.25", fc="white", ec="0.3"))
            arrows.append(_segment(ax, ops[v], boxes[v]))  # operation -> its result
    for (child, parent), bends in routes.items():     # each input -> the operation using it
        points = [boxes[child]] + [xy(b) for b in bends] + [ops[parent]]
        for start, end in zip(points, points[1:]):
            arrows.append(_segment(ax, start, end, head=end is ops[parent]))
    return {"boxes": boxes, "ops": ops, "edges": arrows, "show_grad": show_grad}


def _segment(ax, start, end, head=True):
    """A straight arrow (or line) between two points; a Text end is clipped to its box."""
    ends = []
    for p in (start, end):
        ends.append((p.get_position(), p.get_bbox_patch()) if hasattr(p, "get_bbox_patch")
                    else (p, None))
    (posA, patchA), (posB, patchB) = ends
    arrow = FancyArrowPatch(posA, posB, arrowstyle="-|>" if head else "-", mutation_scale=10,
                            color="0.35", lw=0.9, zorder=3, patchA=patchA, patchB=patchB,
                            shrinkA=1 if patchA else 0, shrinkB=1 if patchB else 0)
    ax.add_patch(arrow)
    return arrow


def update_graph(artists):
    """Refresh the data and grad printed in each box (after new values or another backward)."""
    for v, text in artists["boxes"].items():
        text.set_text(_box_text(v, artists["show_grad"]))
    return artists
