"""Does any text of a figure sit on another axes' plotting area? The check behind
test_figure_layout.py, kept apart so that a notebook's kernel can import it.

A tick label, axis label or title of one panel drawn over the neighbouring panel is the most
common way a multi-panel figure hides its point (a long y-label, log tick labels, a legend pushed
out). matplotlib knows where every text lands once the figure is drawn, so this can be checked.
"""


def _area(ax):
    return ax.get_window_extent()


def _inside(inner, outer, slack=1.0):
    return (inner.x0 >= outer.x0 - slack and inner.x1 <= outer.x1 + slack
            and inner.y0 >= outer.y0 - slack and inner.y1 <= outer.y1 + slack)


def _overlap(a, b, margin=1.0):
    """True when the boxes share more than ``margin`` pixels in both directions."""
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > margin and min(a.y1, b.y1) - max(a.y0, b.y0) > margin)


def _texts(ax):
    """The visible, non-empty texts drawn for ``ax``: tick labels, axis labels, title, texts, legend."""
    texts = [*ax.get_xticklabels(), *ax.get_yticklabels(), ax.xaxis.label, ax.yaxis.label,
             ax.title, ax._left_title, ax._right_title, *ax.texts]
    legend = ax.get_legend()
    if legend is not None and legend.get_visible():
        texts.append(legend)
    return [t for t in texts if t.get_visible() and (not hasattr(t, "get_text") or t.get_text().strip())]


def overlaps(fig):
    """Descriptions of every text of one axes that lies on another axes' area, for a drawn ``fig``.

    Axes that share their area (twins) or sit inside one another (insets) are not compared, and
    neither are invisible axes. Texts are compared as drawn: call after ``fig.canvas.draw()``.
    """
    renderer = fig.canvas.get_renderer()
    axes = [ax for ax in fig.axes if ax.get_visible() and ax.axison]
    found = []

    def name(ax):
        title = f" ({ax.get_title()!r})" if ax.get_title() else ""
        return f"panel {fig.axes.index(ax) + 1} of {len(fig.axes)}{title}"

    for ax in axes:
        for other in axes:
            if other is ax:
                continue
            area, own = _area(other), _area(ax)
            if _inside(area, own) or _inside(own, area):
                continue  # a twin or an inset
            for text in _texts(ax):
                box = text.get_window_extent(renderer)
                if _overlap(box, area):
                    what = text.get_text() if hasattr(text, "get_text") else "the legend"
                    found.append(f"{what!r} of {name(ax)} lies on {name(other)}")
    for text in fig.texts:
        if not (text.get_visible() and text.get_text().strip()):
            continue
        box = text.get_window_extent(renderer)
        for other in axes:
            if _overlap(box, _area(other)):
                found.append(f"figure text {text.get_text()!r} lies on {name(other)}")
    return found
