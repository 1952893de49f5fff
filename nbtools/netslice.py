"""A slice through a network's loss: the loss of a real network on a plane through its weight space.

A network's loss depends on all of its parameters at once, far too many to draw. Notebook 08 looks
at it on a plane instead: pick a center theta_c (weights, e.g. where training ended) and two
directions d1, d2 in weight space, and draw L(theta_c + a d1 + b d2) over a grid of (a, b).

- ``flatten(weights)`` and ``unflatten(theta, like)`` turn a network's list of weight arrays
  [W1, b1, W2, ...] into one vector theta and back;
- ``pca_directions(path, center)`` gives the plane a training path moves in most (its top two
  principal directions); ``random_directions(weights)`` two random, filter-normalized ones
  (Li et al., 2018);
- ``NetworkSlice(net, X, y, center, d1, d2)`` is the loss on that plane as a surface over (a, b),
  with what ``pathplots.plot`` needs to draw it; ``trajectory(path)`` projects weight snapshots
  onto the plane;
- ``slice_through(net, X, y, paths)`` makes a ready-to-plot slice around training paths, and
  ``train_paths(net, X, y, optimizers)`` trains copies of one network with several optimizers, so
  that their paths can share one slice.

Example
-------
history = training.fit(net, X, y, optimizer=optim.Adam(lr=0.01), snapshot_every=10,
                       progress=False)
plane = slice_through(net, X, y, {"Adam": history.snapshots})
art = pathplots.plot(plane, {"Adam": plane.trajectory(history.snapshots)})
"""
import copy

import numpy as np

from ._checks import as_float_array, check_choice, make_rng
from .training import evaluate, fit
from .walks import Trajectory


def _weights(snapshot):
    """A list of weight arrays, from a ``fit`` snapshot (step, weights) or the list itself."""
    return snapshot[1] if isinstance(snapshot, tuple) else snapshot


def flatten(weights):
    """All weight arrays [W1, b1, W2, ...] as one vector theta."""
    weights = _weights(weights)
    if not isinstance(weights, (list, tuple)) or not weights:
        raise TypeError(f"weights must be a non-empty list of arrays [W1, b1, ...] (as from "
                        f"net.get_weights()) or a fit snapshot (step, weights), got {weights!r}.")
    return np.concatenate([as_float_array(w, f"weights[{i}]", allow_nonfinite=True).ravel()
                           for i, w in enumerate(weights)])


def unflatten(theta, like):
    """Cut the vector ``theta`` back into arrays shaped like the list ``like``."""
    theta = as_float_array(theta, "theta", ndim=1, allow_nonfinite=True)
    size = sum(np.size(w) for w in like)
    if theta.size != size:
        raise ValueError(f"theta has {theta.size} numbers but the arrays of like hold {size}; "
                         f"theta must come from flatten() of weights shaped like them.")
    out, i = [], 0
    for w in like:
        out.append(np.reshape(theta[i:i + w.size], w.shape))
        i += w.size
    return out


def pca_directions(path, center):
    """The two directions in weight space along which ``path`` moves most, seen from ``center``.

    path: weight snapshots (lists of arrays, or ``fit`` snapshots (step, weights)); center: one of
    them, e.g. the last. The directions are the top two right singular vectors of the matrix whose
    rows are theta_t - theta_center: unit length and orthogonal. Returns (d1, d2, captured), with
    ``captured`` the fraction of sum |theta_t - theta_center|^2 that lies in their plane.
    """
    c = flatten(center)
    D = np.array([flatten(s) - c for s in path])
    if len(D) < 2 or not np.any(D):
        raise ValueError(f"path must hold at least 2 distinct snapshots, got {len(D)}; train with "
                         f"fit(..., snapshot_every=k) for a k well below the number of steps.")
    _, s, Vt = np.linalg.svd(D, full_matrices=False)
    return Vt[0], Vt[1], float(np.sum(s[:2]**2) / np.sum(s**2))


def random_directions(weights, seed=0, filter_normalize=True):
    """Two random directions in weight space, scaled like the weights (Li et al., 2018).

    With ``filter_normalize`` each row of a random direction's W (one neuron's incoming weights,
    a "filter") is rescaled to the length of the same row of the network's W, and biases get
    direction 0. A step of 1 along it then changes every neuron by about its own size, so slices of
    different networks can be compared. Returns (d1, d2) as flat vectors.
    """
    rng = make_rng(seed)
    weights = _weights(weights)
    directions = []
    for _ in range(2):
        parts = []
        for w in weights:
            d = rng.standard_normal(w.shape)
            if filter_normalize:
                if w.ndim == 1:
                    d = np.zeros_like(w)
                else:
                    d *= np.linalg.norm(w, axis=-1, keepdims=True) / np.linalg.norm(d, axis=-1, keepdims=True)
            parts.append(d)
        directions.append(flatten(parts))
    return directions[0], directions[1]


class NetworkSlice:
    """A network's loss on the plane theta = center + a d1 + b d2, a surface over p = (a, b).

    net, X, y: the network and the data the loss is measured on (``training.evaluate``); the
    network's own weights are put back after every use. center: weights (list of arrays);
    d1, d2: flat directions, e.g. from ``pca_directions``. It has the ``grid``, ``bounds``,
    ``minima``, ``name`` and ``f_min`` that ``pathplots.plot`` needs; ``trajectory(path)``
    projects weight snapshots onto the plane. Each grid point is a forward pass, so grids are
    coarse (31 x 31).
    """

    name = "network loss slice"
    axis_names = ("a (along d1)", "b (along d2)")
    resolution = 31

    def __init__(self, net, X, y, center, d1, d2, bounds=((-1.0, 1.0), (-1.0, 1.0))):
        self.net, self.X, self.y = net, X, y
        self.like = [np.array(w, dtype=np.float64) for w in _weights(center)]
        self.center = flatten(self.like)
        if self.center.size != net.n_params():
            raise ValueError(f"center has {self.center.size} numbers but the network has "
                             f"{net.n_params()} parameters; pass net.get_weights() or a snapshot.")
        self.D = np.column_stack([as_float_array(d, name, ndim=1) for d, name in ((d1, "d1"), (d2, "d2"))])
        if self.D.shape[0] != self.center.size:
            raise ValueError(f"d1 and d2 must have {self.center.size} entries (one per parameter), "
                             f"got {self.D.shape[0]}.")
        self.bounds = bounds
        self.minima = np.zeros((0, 2))
        self.f_min = 0.0  # cross-entropy and squared error are never negative

    def weights_at(self, p):
        """The weights at the point p = (a, b) of the plane."""
        return unflatten(self.center + self.D @ np.asarray(p, dtype=np.float64), self.like)

    def loss(self, weights):
        """The loss of the network with ``weights`` (its own are restored afterwards)."""
        saved = self.net.get_weights()
        try:
            self.net.set_weights(_weights(weights))
            return evaluate(self.net, self.X, self.y)[0]
        finally:
            self.net.set_weights(saved)

    def f(self, p):
        return self.loss(self.weights_at(p))

    def grid(self, n=31):
        (a0, a1), (b0, b1) = self.bounds
        A, B = np.meshgrid(np.linspace(a0, a1, n), np.linspace(b0, b1, n))
        Z = np.array([self.f(p) for p in zip(A.ravel(), B.ravel())]).reshape(A.shape)
        return A, B, Z

    def project(self, path):
        """Coordinates (a, b) of each snapshot's closest point on the plane, shape (T, 2)."""
        diffs = np.array([flatten(s) - self.center for s in path]).T
        return np.linalg.lstsq(self.D, diffs, rcond=None)[0].T

    def captured(self, path):
        """The fraction of sum |theta_t - center|^2 that the projection onto the plane keeps."""
        diffs = np.array([flatten(s) - self.center for s in path])
        kept = self.project(path) @ self.D.T
        return float(np.sum(kept**2) / np.sum(diffs**2))

    def trajectory(self, path):
        """The projected path as a Trajectory; its losses are the true losses at the snapshots."""
        return Trajectory(self.project(path), np.array([self.loss(s) for s in path]))

    def fit_bounds(self, paths, margin=0.25):
        """Set the window to hold the projections of every path (a list of snapshot lists)."""
        P = np.vstack([self.project(path) for path in paths])
        lo, hi = P.min(axis=0), P.max(axis=0)
        pad = margin * max(hi - lo) + 1e-9
        self.bounds = ((lo[0] - pad, hi[0] + pad), (lo[1] - pad, hi[1] + pad))
        return self


def slice_through(net, X, y, paths, center="end", directions="pca", seed=0, margin=0.25):
    """The loss slice around one or several training paths: a ready-to-plot ``NetworkSlice``.

    paths: {label: snapshots} (e.g. ``history.snapshots`` of ``fit(..., snapshot_every=k)``).
    center: "end" (the last snapshot of the first path) or "start" (its first one, shared by
    paths that start from the same weights). directions: "pca" (the plane the paths move in
    most; the window fits the projected paths) or "random" (filter-normalized; window [-1, 1]^2).
    """
    center = check_choice(center, "center", ("end", "start"))
    directions = check_choice(directions, "directions", ("pca", "random"))
    if not isinstance(paths, dict) or not paths:
        raise TypeError(f"paths must be a non-empty dict {{label: snapshots}}, got {type(paths).__name__}.")
    for label, path in paths.items():
        if len(path) == 0:
            raise ValueError(f"paths[{label!r}] holds no snapshots; train with "
                             f"fit(..., snapshot_every=k) to record some.")
    first = next(iter(paths.values()))
    middle = first[-1] if center == "end" else first[0]
    if directions == "pca":
        d1, d2, _ = pca_directions([s for path in paths.values() for s in path], middle)
        return NetworkSlice(net, X, y, middle, d1, d2).fit_bounds(paths.values(), margin)
    d1, d2 = random_directions(middle, seed)
    return NetworkSlice(net, X, y, middle, d1, d2)


def train_paths(net, X, y, optimizers, epochs=20, batch_size=20, snapshot_every=5, seed=0):
    """Train a copy of ``net`` with each optimizer of {label: optimizer}, all from net's weights
    and with the same mini-batches; return {label: History} (snapshots every ``snapshot_every``
    steps). ``net`` itself is not changed."""
    if not isinstance(optimizers, dict) or not optimizers:
        raise TypeError(f"optimizers must be a non-empty dict {{label: optimizer}}, got "
                        f"{type(optimizers).__name__}.")
    return {label: fit(copy.deepcopy(net), X, y, optimizer=opt, epochs=epochs, batch_size=batch_size,
                       seed=seed, snapshot_every=snapshot_every, progress=False)
            for label, opt in optimizers.items()}
