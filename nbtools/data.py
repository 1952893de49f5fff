"""Small 2-D data sets to train classifiers on, and the helpers that go with them.

Every generator has the form ``name(n=200, noise=..., seed=0) -> (X, y)``:

- ``X`` is a float64 array of shape ``(n, 2)``, one point per row, coordinates roughly in [-2, 2];
- ``y`` is an int64 array of shape ``(n,)`` holding class labels 0, 1, ...

The classes are balanced (their sizes differ by at most one) and the rows are shuffled, so the
first rows are a fair sample of the whole set. ``noise`` is the standard deviation of Gaussian
jitter added to every coordinate; with ``noise=0`` each set has the exact shape its docstring
promises. The same ``seed`` always gives the same numbers.

The sets, from easy to hard: ``linear`` (one straight line separates the classes), ``v_shape``
(two lines are needed: the chapter's V-shaped set), ``xor``, ``circles``, ``moons``, ``spirals``,
and ``blobs`` (k classes). ``load(name)`` picks one by name. ``digits()`` is different: real
data, 8 x 8 images of handwritten digits read from the project's ``data/`` folder.

The helpers prepare data for training and plotting: ``standardize``, ``train_val_split``,
``one_hot`` and ``grid`` (points covering the plane, to draw a decision boundary).

Longer than 400 lines because it holds seven generators of a few dozen lines each, mostly
docstring and checks; each one is read on its own, next to the picture of its data set.

Example
-------
>>> from nbtools import data
>>> X, y = data.moons(n=100, noise=0.1, seed=0)
>>> X.shape, y.shape
((100, 2), (100,))
"""
from pathlib import Path

import numpy as np

from ._checks import as_float_array, as_labels, check_choice, check_number, make_rng


# ---------------------------------------------------------------------------------------------
# Shared steps of the generators
# ---------------------------------------------------------------------------------------------

def _check_n_noise(n, noise):
    """Check the two arguments every generator takes."""
    n = check_number(n, "n", low=2, integer=True)
    noise = check_number(noise, "noise", low=0)
    return n, noise


def _class_sizes(n, k):
    """Split n rows into k class sizes that differ by at most one: (7, 3) -> [3, 2, 2]."""
    return [n // k + (1 if c < n % k else 0) for c in range(k)]


def _finish(X_parts, rng, noise):
    """Stack the per-class points, add the jitter, and shuffle the rows.

    ``X_parts[c]`` holds the points of class c. Returns (X, y) with X float64 (n, 2), y int64 (n,).
    """
    X = np.concatenate(X_parts).astype(np.float64)
    y = np.concatenate([np.full(len(part), c, dtype=np.int64) for c, part in enumerate(X_parts)])
    X = X + noise * rng.normal(size=X.shape)
    order = rng.permutation(len(y))
    return X[order], y[order]


def _sample_by_score(score, sizes, margin, rng):
    """Draw uniform points in the square [-2, 2]^2 and sort them into two classes by ``score``.

    A point is class 1 where ``score(point) > margin`` and class 0 where ``score(point) < -margin``;
    points in the band between are thrown away. Drawing stops when each class has its size.
    """
    parts = [np.empty((0, 2)), np.empty((0, 2))]
    while len(parts[0]) < sizes[0] or len(parts[1]) < sizes[1]:
        points = rng.uniform(-2.0, 2.0, size=(2 * sum(sizes) + 10, 2))
        s = score(points)
        parts[0] = np.concatenate([parts[0], points[s < -margin]])[: sizes[0]]
        parts[1] = np.concatenate([parts[1], points[s > margin]])[: sizes[1]]
    return parts


# ---------------------------------------------------------------------------------------------
# The data sets
# ---------------------------------------------------------------------------------------------

def linear(n=200, noise=0.1, seed=0, margin=0.25):
    """Two classes that one straight line separates (logistic regression can learn it).

    Points are uniform in the square [-2, 2]^2. With the score ``s = 0.6*x1 + 0.8*x2 - 0.25``
    (the signed distance to the line ``0.6*x1 + 0.8*x2 = 0.25``), class 1 lies where
    ``s > margin`` and class 0 where ``s < -margin``. With ``noise=0`` the classes are therefore
    strictly separated by an empty band of width ``2 * margin``; noise blurs the band.

    Parameters
    ----------
    n : number of points (int >= 2).
    noise : standard deviation of the Gaussian jitter (>= 0).
    seed : int or numpy Generator.
    margin : half-width of the empty band around the line, in [0, 1].

    Returns
    -------
    X: float64 array of shape (n, 2); y: int64 array of shape (n,) with labels 0 and 1.

    Example
    -------
    >>> X, y = linear(n=50, noise=0.0, seed=1)
    >>> bool(((0.6 * X[:, 0] + 0.8 * X[:, 1] - 0.25 > 0) == (y == 1)).all())
    True
    """
    n, noise = _check_n_noise(n, noise)
    margin = check_number(margin, "margin", low=0, high=1)
    rng = make_rng(seed)

    def score(P):
        return 0.6 * P[:, 0] + 0.8 * P[:, 1] - 0.25

    return _finish(_sample_by_score(score, _class_sizes(n, 2), margin, rng), rng, noise)


def v_shape(n=200, noise=0.1, seed=0, margin=0.15):
    """The chapter's V-shaped set: class 1 inside a wedge carved out by two lines, class 0 outside.

    Points are uniform in the square [-2, 2]^2. The wedge is the region above both lines
    ``x2 = x1 - 1`` and ``x2 = -x1 - 1``, that is above the V ``x2 = |x1| - 1`` with its tip at
    (0, -1). It covers exactly half of the square. With the score
    ``s = (x2 - |x1| + 1) / sqrt(2)``, class 1 lies where ``s > margin`` and class 0 where
    ``s < -margin``, so with ``noise=0`` every point is at least ``margin`` away from the V.

    No single line separates the classes, but two lines joined by a third unit do: a 2-2-1
    network of logistic units (two hidden units, one per arm of the V, and an output that fires
    when both do) can learn it.

    Parameters
    ----------
    n : number of points (int >= 2).
    noise : standard deviation of the Gaussian jitter (>= 0).
    seed : int or numpy Generator.
    margin : distance kept empty on both sides of the V, in [0, 1].

    Returns
    -------
    X: float64 array of shape (n, 2); y: int64 array of shape (n,) with labels 0 and 1.

    Example
    -------
    >>> X, y = v_shape(n=50, noise=0.0, seed=1)
    >>> bool(((X[:, 1] > np.abs(X[:, 0]) - 1) == (y == 1)).all())
    True
    """
    n, noise = _check_n_noise(n, noise)
    margin = check_number(margin, "margin", low=0, high=1)
    rng = make_rng(seed)

    def score(P):
        return (P[:, 1] - np.abs(P[:, 0]) + 1.0) / np.sqrt(2.0)

    return _finish(_sample_by_score(score, _class_sizes(n, 2), margin, rng), rng, noise)


def xor(n=200, noise=0.1, seed=0, gap=0.2):
    """Four clusters, one per quadrant; opposite quadrants share a class (the XOR problem).

    Each point is uniform in its quadrant's square, kept ``gap`` away from the axes:
    ``gap <= |x1|, |x2| <= 2``. The label is ``1`` where the signs of x1 and x2 differ
    (quadrants II and IV) and ``0`` where they agree (quadrants I and III). Noise is added after
    labelling, so with noise a few points drift into a neighbouring quadrant.

    Parameters
    ----------
    n : number of points (int >= 2).
    noise : standard deviation of the Gaussian jitter (>= 0).
    seed : int or numpy Generator.
    gap : empty strip kept along both axes, in [0, 1].

    Returns
    -------
    X: float64 array of shape (n, 2); y: int64 array of shape (n,) with labels 0 and 1.

    Example
    -------
    >>> X, y = xor(n=40, noise=0.0, seed=0)
    >>> bool(((np.sign(X[:, 0]) != np.sign(X[:, 1])) == (y == 1)).all())
    True
    """
    n, noise = _check_n_noise(n, noise)
    gap = check_number(gap, "gap", low=0, high=1)
    rng = make_rng(seed)
    parts = []
    for c, size in enumerate(_class_sizes(n, 2)):
        magnitude = rng.uniform(gap, 2.0, size=(size, 2))   # distance from each axis
        sign_1 = rng.choice([-1.0, 1.0], size=size)          # which side of the x2 axis
        sign_2 = sign_1 if c == 0 else -sign_1               # class 0: same sign; class 1: opposite
        parts.append(magnitude * np.column_stack([sign_1, sign_2]))
    return _finish(parts, rng, noise)


def circles(n=200, noise=0.05, seed=0, factor=0.5):
    """A ring inside a ring: class 0 on the circle of radius 1, class 1 on radius ``factor``.

    Both circles are centred at the origin; the angle of each point is uniform in [0, 2*pi).

    Parameters
    ----------
    n : number of points (int >= 2).
    noise : standard deviation of the Gaussian jitter (>= 0).
    seed : int or numpy Generator.
    factor : radius of the inner circle relative to the outer one, in (0, 1].

    Returns
    -------
    X: float64 array of shape (n, 2); y: int64 array of shape (n,) with labels 0 and 1.

    Example
    -------
    >>> X, y = circles(n=20, noise=0.0, seed=0, factor=0.5)
    >>> np.allclose(np.hypot(X[:, 0], X[:, 1]), np.where(y == 0, 1.0, 0.5))
    True
    """
    n, noise = _check_n_noise(n, noise)
    factor = check_number(factor, "factor", low=0, high=1, low_open=True)
    rng = make_rng(seed)
    parts = []
    for radius, size in zip([1.0, factor], _class_sizes(n, 2)):
        angle = rng.uniform(0.0, 2 * np.pi, size=size)
        parts.append(radius * np.column_stack([np.cos(angle), np.sin(angle)]))
    return _finish(parts, rng, noise)


def moons(n=200, noise=0.1, seed=0):
    """Two interleaving half circles of radius 1 (like scikit-learn's ``make_moons``, centred).

    Class 0 is the upper half of the unit circle around (-0.5, -0.25); class 1 is the lower half
    of the unit circle around (0.5, 0.25). The angle along each half circle is uniform.

    Parameters
    ----------
    n : number of points (int >= 2).
    noise : standard deviation of the Gaussian jitter (>= 0).
    seed : int or numpy Generator.

    Returns
    -------
    X: float64 array of shape (n, 2); y: int64 array of shape (n,) with labels 0 and 1.

    Example
    -------
    >>> X, y = moons(n=100, noise=0.1, seed=0)
    >>> X.shape, sorted(set(y.tolist()))
    ((100, 2), [0, 1])
    """
    n, noise = _check_n_noise(n, noise)
    rng = make_rng(seed)
    size_0, size_1 = _class_sizes(n, 2)
    t0 = rng.uniform(0.0, np.pi, size=size_0)
    t1 = rng.uniform(0.0, np.pi, size=size_1)
    upper = np.column_stack([-0.5 + np.cos(t0), -0.25 + np.sin(t0)])
    lower = np.column_stack([0.5 - np.cos(t1), 0.25 - np.sin(t1)])
    return _finish([upper, lower], rng, noise)


def spirals(n=200, noise=0.1, seed=0, turns=1.5):
    """Two spirals wound into each other, the hardest of the two-class sets.

    A point of class c at parameter t (uniform in [0.1, 1]) sits at radius ``r = 2*t`` and angle
    ``theta = 2*pi*turns*t + c*pi``: the second spiral is the first one turned half a circle.

    Parameters
    ----------
    n : number of points (int >= 2).
    noise : standard deviation of the Gaussian jitter (>= 0).
    seed : int or numpy Generator.
    turns : how many full turns each spiral makes, in (0, 5].

    Returns
    -------
    X: float64 array of shape (n, 2); y: int64 array of shape (n,) with labels 0 and 1.

    Example
    -------
    >>> X, y = spirals(n=100, noise=0.0, seed=0)
    >>> bool(np.hypot(X[:, 0], X[:, 1]).max() <= 2.0)
    True
    """
    n, noise = _check_n_noise(n, noise)
    turns = check_number(turns, "turns", low=0, high=5, low_open=True)
    rng = make_rng(seed)
    parts = []
    for c, size in enumerate(_class_sizes(n, 2)):
        t = rng.uniform(0.1, 1.0, size=size)
        r = 2.0 * t
        theta = 2 * np.pi * turns * t + c * np.pi
        parts.append(np.column_stack([r * np.cos(theta), r * np.sin(theta)]))
    return _finish(parts, rng, noise)


def blobs(n=200, k=3, noise=0.3, seed=0):
    """``k`` round Gaussian clusters, one per class, labels 0..k-1.

    The centre of class c is ``1.5 * (cos(2*pi*c/k), sin(2*pi*c/k))``: the centres sit evenly on
    a circle of radius 1.5. Each point is its centre plus Gaussian noise of standard deviation
    ``noise`` (with ``noise=0`` every point is exactly its centre).

    Parameters
    ----------
    n : number of points (int >= 2, and at least k so that every class gets a point).
    k : number of classes (int >= 2).
    noise : standard deviation of each cluster (>= 0).
    seed : int or numpy Generator.

    Returns
    -------
    X: float64 array of shape (n, 2); y: int64 array of shape (n,) with labels 0..k-1.

    Example
    -------
    >>> X, y = blobs(n=90, k=3, seed=0)
    >>> np.bincount(y).tolist()
    [30, 30, 30]
    """
    n, noise = _check_n_noise(n, noise)
    k = check_number(k, "k", low=2, integer=True)
    if n < k:
        raise ValueError(f"n must be at least k={k} so that every class gets a point, got n={n}. "
                         f"Ask for more points or fewer classes.")
    rng = make_rng(seed)
    parts = []
    for c, size in enumerate(_class_sizes(n, k)):
        angle = 2 * np.pi * c / k
        centre = 1.5 * np.array([np.cos(angle), np.sin(angle)])
        parts.append(np.tile(centre, (size, 1)))
    return _finish(parts, rng, noise)


DATASETS = {
    "linear": linear,
    "v_shape": v_shape,
    "xor": xor,
    "circles": circles,
    "moons": moons,
    "spirals": spirals,
    "blobs": blobs,
}


def load(name, **kwargs):
    """Make the data set called ``name``; keyword arguments go to its generator.

    Example
    -------
    >>> X, y = load("circles", n=100, noise=0.05, seed=3)
    >>> X.shape
    (100, 2)
    """
    key = check_choice(name, "data set name", DATASETS)
    return DATASETS[key](**kwargs)


# ---------------------------------------------------------------------------------------------
# Real data: handwritten digits (stored in the project's data/ folder, see data/README.md)
# ---------------------------------------------------------------------------------------------

DIGITS_FILE = Path(__file__).resolve().parents[1] / "data" / "digits.csv.gz"


def digits(scale=True):
    """The 1,797 images of handwritten digits in ``data/digits.csv.gz`` (UCI, CC BY 4.0).

    Returns ``(X, y)``: ``X`` float64 of shape (1797, 64), one 8 x 8 image per row, read row by row
    (``X[k].reshape(8, 8)`` is the picture); ``y`` int64, the digits 0-9. The pixels count the ink
    in a 4 x 4 block of the original scan, 0 to 16; ``scale=True`` divides them by 16, to [0, 1].
    Rows are in the file's order; split them with ``train_val_split``.

    Example
    -------
    >>> X, y = digits()
    >>> X.shape, y[:5].tolist(), float(X.max())
    ((1797, 64), [0, 1, 2, 3, 4], 1.0)
    """
    if not isinstance(scale, (bool, np.bool_)):
        raise TypeError(f"scale must be True or False, got {scale!r}.")
    if not DIGITS_FILE.is_file():
        raise FileNotFoundError(f"{DIGITS_FILE} is missing: the digits ship in the project's data/ "
                                f"folder. Install nbtools from the project folder with "
                                f"`pip install -e .` so that it finds them.")
    table = np.loadtxt(DIGITS_FILE, delimiter=",")
    X, y = table[:, :64], table[:, 64].astype(np.int64)
    return (X / 16.0 if scale else X), y


# ---------------------------------------------------------------------------------------------
# Helpers for training and plotting
# ---------------------------------------------------------------------------------------------

def standardize(X, mean=None, std=None):
    """Shift and scale every column to mean 0 and standard deviation 1.

    ``X_std = (X - mean) / std``, column by column. Without ``mean`` and ``std`` they are computed
    from ``X`` (do this on the training set); pass the training ``mean`` and ``std`` to
    standardize validation or test data the same way. A column with standard deviation 0 is only
    shifted (its std is taken as 1), so nothing is divided by zero.

    Parameters
    ----------
    X : array of shape (n, d).
    mean, std: arrays of shape (d,), both given or both None.

    Returns
    -------
    X_std: float64 array of shape (n, d); mean: shape (d,); std: shape (d,), all positive.

    Example
    -------
    >>> X_train, mean, std = standardize([[0.0, 10.0], [2.0, 30.0]])
    >>> X_train.tolist(), mean.tolist(), std.tolist()
    ([[-1.0, -1.0], [1.0, 1.0]], [1.0, 20.0], [1.0, 10.0])
    >>> standardize([[4.0, 20.0]], mean, std)[0].tolist()
    [[3.0, 0.0]]
    """
    X = as_float_array(X, "X", ndim=2)
    if (mean is None) != (std is None):
        raise ValueError("mean and std must be given together (both from the training set) or "
                         "both left out; got only one of them.")
    if mean is None:
        if len(X) == 0:
            raise ValueError("X has no rows, so its mean and std are undefined; pass at least one row.")
        mean = X.mean(axis=0)
        std = X.std(axis=0)
        std = np.where(std > 0, std, 1.0)
    else:
        mean = as_float_array(mean, "mean", ndim=1)
        std = as_float_array(std, "std", ndim=1)
        for name, value in (("mean", mean), ("std", std)):
            if value.shape != (X.shape[1],):
                raise ValueError(f"{name} must have shape ({X.shape[1]},), one value per column of X, "
                                 f"got shape {value.shape}. Use the {name} returned for the training set.")
        if np.any(std <= 0):
            raise ValueError(f"std must be positive in every column, got {std.tolist()}. "
                             f"Use the std returned by standardize(X_train).")
    return (X - mean) / std, mean, std


def train_val_split(X, y, val_fraction=0.25, seed=0, stratify=True):
    """Split the rows into a training set and a validation set, at random.

    About ``val_fraction`` of the rows go to validation (at least one row in each part). With
    ``stratify=True`` each class is split in the same proportion, so both parts keep the class
    balance: the rows are shuffled, grouped by class, and every (1/val_fraction)-th row goes to
    validation.

    Parameters
    ----------
    X : array of shape (n, d), n >= 2.
    y : labels of shape (n,).
    val_fraction : share of rows for validation, in (0, 1).
    seed : int or numpy Generator.
    stratify : keep class proportions in both parts.

    Returns
    -------
    X_train (n_train, d), X_val (n_val, d), y_train (n_train,), y_val (n_val,),
    with n_train + n_val = n.

    Example
    -------
    >>> X, y = moons(n=100, seed=0)
    >>> X_train, X_val, y_train, y_val = train_val_split(X, y, val_fraction=0.2, seed=0)
    >>> len(X_train), len(X_val), int(y_val.sum())
    (80, 20, 10)
    """
    X = as_float_array(X, "X", ndim=2)
    y = as_labels(y, "y", n=len(X))
    val_fraction = check_number(val_fraction, "val_fraction", low=0, high=1, low_open=True)
    if val_fraction >= 1:
        raise ValueError(f"val_fraction must be below 1 so that some rows are left for training, "
                         f"got {val_fraction}. A usual choice is 0.2 or 0.25.")
    n = len(X)
    if n < 2:
        raise ValueError(f"X must have at least 2 rows to split into two parts, got {n}.")
    rng = make_rng(seed)

    n_val = min(max(int(round(val_fraction * n)), 1), n - 1)
    order = rng.permutation(n)
    if stratify:
        order = order[np.argsort(y[order], kind="stable")]   # grouped by class, shuffled within
    picked = np.zeros(n, dtype=bool)
    picked[(np.arange(n_val) * n) // n_val] = True           # evenly spaced positions
    val_idx = rng.permutation(order[picked])
    train_idx = rng.permutation(order[~picked])
    return X[train_idx], X[val_idx], y[train_idx], y[val_idx]


MAX_CLASSES = 10_000  # one_hot refuses to guess more classes than this from the labels


def one_hot(y, n_classes=None):
    """Turn labels into one-hot rows: label c becomes a row of zeros with a 1 in column c.

    Parameters
    ----------
    y : integer labels of shape (n,).
    n_classes : number of columns k; default ``max(y) + 1`` (at most ``MAX_CLASSES``).

    Returns
    -------
    float64 array of shape (n, k); every row sums to 1.

    Example
    -------
    >>> one_hot([0, 2, 1]).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    """
    if n_classes is not None:
        n_classes = check_number(n_classes, "n_classes", low=1, integer=True)
    y = as_labels(y, "y", n_classes=n_classes)
    if n_classes is None:
        if y.size and y.min() < 0:
            raise ValueError(f"y must hold labels 0, 1, ..., found {int(y.min())}.")
        n_classes = int(y.max()) + 1 if y.size else 1
        if n_classes > MAX_CLASSES:  # a mistake, and (n, k) zeros would fill the memory
            raise ValueError(
                f"y's largest label is {n_classes - 1}, so one-hot rows would need {n_classes} "
                "columns. y must hold class labels 0, 1, ..., k-1, not values to regress on; to "
                f"go beyond {MAX_CLASSES} classes, pass n_classes.")
    Y = np.zeros((len(y), n_classes), dtype=np.float64)
    Y[np.arange(len(y)), y] = 1.0
    return Y


def grid(X, resolution=100, margin=0.5):
    """A regular grid of points over the extent of ``X``, for drawing a decision boundary.

    The grid spans from the smallest to the largest coordinate of ``X`` in each direction, widened
    by ``margin`` on every side. Predict on ``points`` and reshape the predictions to
    ``xx.shape`` to draw them with ``ax.contourf(xx, yy, p)``.

    Parameters
    ----------
    X : array of shape (n, 2).
    resolution : number of grid lines in each direction (int >= 2).
    margin : extra room around the data (>= 0).

    Returns
    -------
    xx, yy: float64 arrays of shape (resolution, resolution) (as from ``np.meshgrid``);
    points: float64 array of shape (resolution**2, 2), the rows ``(xx.ravel(), yy.ravel())``.

    Example
    -------
    >>> xx, yy, points = grid([[0.0, 0.0], [1.0, 2.0]], resolution=3, margin=0.0)
    >>> xx[0].tolist(), yy[:, 0].tolist(), points.shape
    ([0.0, 0.5, 1.0], [0.0, 1.0, 2.0], (9, 2))
    """
    X = as_float_array(X, "X", ndim=2)
    if X.shape[1] != 2 or len(X) == 0:
        raise ValueError(f"X must have shape (n, 2) with n >= 1, points in the plane, got shape "
                         f"{X.shape}. A grid can only be drawn over two features.")
    resolution = check_number(resolution, "resolution", low=2, integer=True)
    margin = check_number(margin, "margin", low=0)
    low = X.min(axis=0) - margin
    high = X.max(axis=0) + margin
    xx, yy = np.meshgrid(np.linspace(low[0], high[0], resolution),
                         np.linspace(low[1], high[1], resolution))
    points = np.column_stack([xx.ravel(), yy.ravel()])
    return xx, yy, points
