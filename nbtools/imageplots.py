"""Pictures of small images and of what a network does with them: digits, weights, saliency.

An 8 x 8 image is 64 numbers, one row of X; ``x.reshape(8, 8)`` puts them back in their rows.
Every picture here is drawn pixel for pixel (``interpolation="nearest"``): 8 x 8 blocks, no
smoothing that would invent detail the data does not have.

- ``image_grid``: images in a grid, each with a title (its label, a prediction, ...).
- ``weight_images``: the weights of first-layer units as images: unit i computes
  z_i = w_i . x + b_i, so w_i has one weight per pixel; red pixels raise z_i when inked, blue
  ones lower it.
- ``saliency_maps``: images above their saliency maps (``nbtools.saliency``), the digit's outline
  drawn over each map.

Each function takes ``axes=None`` (a new figure is made only then; otherwise a list of axes, one
per image), draws, and returns a dict of the artists it made. ``update_image_grid`` changes the
pictures and titles of a grid in place, for a slider.

Example
-------
>>> import numpy as np
>>> from nbtools import imageplots
>>> X = np.random.default_rng(0).random((4, 64))
>>> art = imageplots.image_grid(X, titles=["a", "b", "c", "d"], columns=4)
>>> art["images"][0].get_array().shape
(8, 8)
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from ._checks import as_float_array, check_number

IMAGE_CMAP = "gray_r"      # ink is dark, paper is white, as on the scanned forms
SIGNED_CMAP = "RdBu_r"     # weights and gradients: red > 0, white 0, blue < 0


def _images(X, name="X"):
    """X as float rows of a square number of pixels, and the side of the square."""
    X = as_float_array(X, name, ndim=(1, 2))
    X = X.reshape(1, -1) if X.ndim == 1 else X
    side = int(round(np.sqrt(X.shape[1])))
    if len(X) == 0 or side * side != X.shape[1]:
        raise ValueError(f"{name} must hold at least one image, one per row of side x side pixels "
                         f"(64 for 8 x 8); got shape {X.shape}.")
    return X, side


def _titles(titles, n):
    if titles is None:
        return [""] * n
    if isinstance(titles, str) or len(titles) != n:
        raise ValueError(f"titles must be a list of {n} strings, one per image; got {titles!r}.")
    return [str(t) for t in titles]


def _axes(axes, n, columns, size, title_lines=1):
    """``n`` axes: the given ones, or a new figure of ceil(n / columns) rows of ``columns``, with
    room above each image for titles of ``title_lines`` lines."""
    if axes is None:
        columns = check_number(columns, "columns", low=1, integer=True)
        columns = min(columns, n)
        rows = -(-n // columns)
        height = (size + 0.15 + 0.2 * title_lines) * rows
        fig, grid = plt.subplots(rows, columns, figsize=(size * columns, height), squeeze=False)
        for ax in grid.ravel()[n:]:
            ax.set_visible(False)
        return list(grid.ravel()[:n])
    axes = list(np.ravel(axes))
    if len(axes) < n or not all(isinstance(ax, Axes) for ax in axes):
        raise TypeError(f"axes must be a list of at least {n} matplotlib Axes (one per image) or "
                        f"None for a new figure; got {len(axes)} item(s).")
    return axes[:n]


def image_grid(X, titles=None, axes=None, columns=10, size=1.0, vmin=0.0, vmax=1.0, fontsize=9):
    """Draw each row of X as a side x side image (grey, ink dark), with ``titles`` above them.

    Returns {"axes", "images": AxesImage list, "titles": Text list, "side"}.
    """
    X, side = _images(X)
    titles = _titles(titles, len(X))
    axes = _axes(axes, len(X), columns, size, max(t.count("\n") + 1 for t in titles))
    art = {"axes": axes, "images": [], "titles": [], "side": side}
    for ax, x, title in zip(axes, X, titles):
        art["images"].append(ax.imshow(x.reshape(side, side), cmap=IMAGE_CMAP, vmin=vmin, vmax=vmax,
                                       interpolation="nearest"))
        art["titles"].append(ax.set_title(title, fontsize=fontsize))
        ax.set_xticks([])
        ax.set_yticks([])
    return art


def update_image_grid(art, X, titles=None):
    """Show new images (and titles) in the axes of ``image_grid``; returns ``art``."""
    X, side = _images(X)
    if len(X) != len(art["images"]) or side != art["side"]:
        raise ValueError(f"X must hold {len(art['images'])} images of {art['side']} x {art['side']} "
                         f"pixels, like the grid; got shape {X.shape}.")
    titles = None if titles is None else _titles(titles, len(X))
    for i, (image, x) in enumerate(zip(art["images"], X)):
        image.set_data(x.reshape(side, side))
        if titles is not None:
            art["titles"][i].set_text(titles[i])
    return art


def weight_images(W, axes=None, columns=8, size=1.0, titles=None):
    """First-layer weights as images: row i of W (shape (units, pixels)) is unit i's image.

    Each image has its own symmetric colour range [-m, m], m = the largest |w| of that unit,
    so white is exactly 0. Returns {"axes", "images", "titles", "side"}.
    """
    W, side = _images(W, "W")
    titles = _titles([f"unit {i}" for i in range(len(W))] if titles is None else titles, len(W))
    axes = _axes(axes, len(W), columns, size)
    art = {"axes": axes, "images": [], "titles": [], "side": side}
    for ax, w, title in zip(axes, W, titles):
        m = max(np.abs(w).max(), 1e-12)
        art["images"].append(ax.imshow(w.reshape(side, side), cmap=SIGNED_CMAP, vmin=-m, vmax=m,
                                       interpolation="nearest"))
        art["titles"].append(ax.set_title(title, fontsize=8))
        ax.set_xticks([])
        ax.set_yticks([])
    return art


def saliency_maps(X, S, titles=None, axes=None, size=1.3):
    """Images (top row) above their saliency maps S (bottom row), in a 2 x n grid.

    Each map has its own symmetric colour range (red: more ink here raises the output, blue:
    lowers it); the outline of the digit (ink at half of its maximum) is drawn over it in black.
    ``axes``: an array of shape (2, n), or None for a new figure.
    Returns {"axes", "images", "maps", "outlines"}.
    """
    X, side = _images(X)
    S, side_s = _images(S, "S")
    if S.shape != X.shape:
        raise ValueError(f"S must have the shape of X, one saliency map per image; got {S.shape} "
                         f"and {X.shape}.")
    titles = _titles(titles, len(X))
    n = len(X)
    if axes is None:
        _, axes = plt.subplots(2, n, figsize=(size * n, 2 * size + 0.5), squeeze=False)
    axes = np.asarray(axes, dtype=object).reshape(2, -1)
    if axes.shape[1] != n:
        raise ValueError(f"axes must have shape (2, {n}), one column per image; got {axes.shape}.")
    top = image_grid(X, titles, axes=axes[0], fontsize=8)
    art = {"axes": axes, "images": top["images"], "maps": [], "outlines": []}
    for ax, x, s in zip(axes[1], X, S):
        m = max(np.abs(s).max(), 1e-12)
        art["maps"].append(ax.imshow(s.reshape(side, side), cmap=SIGNED_CMAP, vmin=-m, vmax=m,
                                     interpolation="nearest"))
        art["outlines"].append(ax.contour(x.reshape(side, side), levels=[0.5 * max(x.max(), 1e-12)],
                                          colors="k", linewidths=1.2))
        ax.set_xticks([])
        ax.set_yticks([])
    return art
