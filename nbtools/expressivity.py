"""What networks can represent: hand-built networks, and the counts that compare shallow with deep.

Every network here is an ordinary ``nn.MLP`` or ``nn.Sequential`` whose weights are set by hand, so
it can be printed, evaluated and trained like any other (notebook 10).

One hidden layer (universal approximation, made concrete):

- ``bump_network(f, n_bumps)``: f approximated by n bumps, each the difference of two steps; a step
  is one sigmoid unit, or two ReLU units. More bumps, smaller error, more units.
- ``relu_interpolation(f, n_pieces)``: f joined by straight pieces, one ReLU unit per piece.
- ``units_needed(build, f, tol)``: the smallest number of units a construction needs for an error.
- ``boolean_network(truth_table)``: any boolean function of n bits, one ReLU unit per input
  pattern whose answer is 1; ``parity_by_counting(n)``: parity with only n units.

Depth:

- ``collapse_linear(net)``: a network with linear activations is one matrix W and bias b.
- ``tent_network(k)``: the tent map composed k times, k hidden layers of 2 ReLU units, a sawtooth
  of 2^k straight pieces.
- ``linear_pieces(net, start, end)`` and ``count_linear_regions``: where a ReLU network's output,
  along the segment from ``start`` to ``end``, changes slope (exact breakpoints, layer by layer).
- ``product_network(n)``: x_1 x_2 ... x_n with 4 sigmoid units per product of two numbers, the
  gate of Lin, Tegmark and Rolnick, in a tree of log2(n) layers.
- ``log10_configurations``: the introduction's count of inputs against weight settings.

Longer than 400 lines: every construction of notebook 10 is here, side by side, each short and
with its input checks; split, the pieces would be too small to be worth a module each.

Example
-------
>>> net = tent_network(3)                 # 3 hidden layers of 2 ReLU units
>>> count_linear_regions(net, 0.0, 1.0)   # the sawtooth has 2^3 pieces
8
"""
import itertools
import math

import numpy as np

from . import nn
from ._checks import as_float_array, check_choice, check_number, make_rng
from .layers import Dense, Identity, LeakyReLU, ReLU, Sigmoid
from .losses import BinaryCrossEntropy
from .optim import Adam
from .training import fit


def _check_function(f, name="f"):
    if not callable(f):
        raise TypeError(f"{name} must be a function of a numpy array, such as np.sin; got {f!r}.")
    return f


def _check_interval(interval):
    if not isinstance(interval, (tuple, list)) or len(interval) != 2:
        raise TypeError(f"interval must be a pair (a, b) such as (-1, 1), got {interval!r}.")
    a, b = (check_number(v, "interval bound") for v in interval)
    if not a < b:
        raise ValueError(f"interval must have a < b, got {interval!r}.")
    return a, b


def _values_of(f, x):
    """f evaluated on the 1-D array x, checked: one finite number per point."""
    y = as_float_array(f(x), "f(x)")
    if y.shape != x.shape:
        raise ValueError(f"f must return one number per input point (shape {x.shape}), got shape "
                         f"{y.shape}. Write it with numpy operations, e.g. lambda x: np.sin(3 * x).")
    return y


def _set(net, weights):
    """Put [W1, b1, W2, b2, ...] into ``net`` and return it."""
    net.set_weights([np.asarray(w, dtype=np.float64) for w in weights])
    return net


# ---- one hidden layer: a 1-D function from bumps or straight pieces --------------------------------

def bump_network(f, n_bumps, interval=(-1.0, 1.0), kind="sigmoid", sharpness=20.0):
    """An MLP [1, units, 1] that approximates f on ``interval`` by ``n_bumps`` flat bumps.

    Cut the interval into n_bumps equal pieces of width w; bump i is 1 on piece i and 0 elsewhere,
    made as step(x - left_i) - step(x - right_i); its height is f at the piece's centre. So the
    output is a staircase through f, and its error shrinks like w times the slope of f.

    kind : ``"sigmoid"``: a step is one unit, sigmoid(s (x - e)): 2 units per bump.
        ``"relu"``: a step is two units, relu(s (x - e) + 1/2) - relu(s (x - e) - 1/2), a ramp
        from 0 to 1 of width 1/s: 4 units per bump.
    sharpness : s times w: how steep the steps are compared with the width of a bump.
    """
    f = _check_function(f)
    n_bumps = check_number(n_bumps, "n_bumps", low=1, integer=True)
    a, b = _check_interval(interval)
    kind = check_choice(kind, "kind", ("sigmoid", "relu"))
    sharpness = check_number(sharpness, "sharpness", low=0, low_open=True)
    edges = np.linspace(a, b, n_bumps + 1)
    heights = _values_of(f, (edges[:-1] + edges[1:]) / 2)
    s = sharpness * n_bumps / (b - a)
    # one step per edge of every bump: up at its left edge, down at its right edge
    step_at = np.column_stack([edges[:-1], edges[1:]]).ravel()         # e_0, e_1, e_1, e_2, ...
    step_height = np.column_stack([heights, -heights]).ravel()         # h_0, -h_0, h_1, -h_1, ...
    if kind == "sigmoid":
        W1, b1, w2 = np.full(len(step_at), s), -s * step_at, step_height
    else:   # each step: relu(s (x - e) + 1/2) - relu(s (x - e) - 1/2)
        W1 = np.full(2 * len(step_at), s)
        b1 = np.column_stack([-s * step_at + 0.5, -s * step_at - 0.5]).ravel()
        w2 = np.column_stack([step_height, -step_height]).ravel()
    net = nn.MLP([1, len(W1), 1], hidden=kind, output="identity")
    return _set(net, [W1[:, None], b1, w2[None, :], [0.0]])


def relu_interpolation(f, n_pieces, interval=(-1.0, 1.0)):
    """An MLP [1, n_pieces, 1] of ReLU units that joins f's values at n_pieces + 1 equal steps.

    With knots t_0 < ... < t_n and slopes m_i of the straight piece from t_i to t_(i+1):

        y(x) = f(t_0) + m_0 relu(x - t_0) + sum_(i >= 1) (m_i - m_(i-1)) relu(x - t_i),

    one unit per piece: unit i switches on at t_i and changes the slope there.
    """
    f = _check_function(f)
    n = check_number(n_pieces, "n_pieces", low=1, integer=True)
    a, b = _check_interval(interval)
    t = np.linspace(a, b, n + 1)
    y = _values_of(f, t)
    m = np.diff(y) / np.diff(t)
    net = nn.MLP([1, n, 1], hidden="relu", output="identity")
    return _set(net, [np.ones((n, 1)), -t[:-1], np.diff(m, prepend=0.0)[None, :], [y[0]]])


def rms_error(net, f, interval=(-1.0, 1.0), n_points=1001):
    """The root-mean-square of net(x) - f(x) over ``n_points`` equally spaced x in ``interval``."""
    f = _check_function(f)
    a, b = _check_interval(interval)
    x = np.linspace(a, b, check_number(n_points, "n_points", low=2, integer=True))
    return float(np.sqrt(np.mean((net.forward(x[:, None])[:, 0] - _values_of(f, x)) ** 2)))


def sine(frequency):
    """The target x -> sin(frequency * pi * x): ``frequency`` full waves on [-1, 1]."""
    frequency = check_number(frequency, "frequency", low=0)

    def f(x):
        return np.sin(frequency * np.pi * x)

    f.__name__ = f"sin({frequency:g} pi x)"
    return f


def fit_one_hidden_layer(f, width, interval=(-1.0, 1.0), seed=0, epochs=1000, lr=0.05, n_points=201):
    """An MLP [1, width, 1] of tanh units trained (full-batch Adam) on f at ``n_points`` points.

    The first layer starts three times larger than Xavier's, with biases uniform in [-3, 3]: so
    the units' S-shapes sit at different places across [-1, 1]. (From the default start every
    unit is nearly straight on [-1, 1], and Adam needs many thousands of steps to bend them.)
    """
    f = _check_function(f)
    a, b = _check_interval(interval)
    width = check_number(width, "width", low=1, integer=True)
    x = np.linspace(a, b, check_number(n_points, "n_points", low=2, integer=True))[:, None]
    rng = make_rng(seed)
    net = nn.MLP([1, width, 1], hidden="tanh", output="identity", seed=rng)
    net.dense[0].params["W"] *= 3.0
    net.dense[0].params["b"][:] = rng.uniform(-3.0, 3.0, width)
    fit(net, x, _values_of(f, x[:, 0])[:, None], lr=lr, epochs=epochs, batch_size=None, seed=rng,
        progress=False)
    return net


def units_needed(build, f, tol, interval=(-1.0, 1.0), max_size=1024):
    """The smallest size for which ``build(f, size, interval)`` has rms error <= tol, and its units.

    ``build`` is ``bump_network`` or ``relu_interpolation`` (or any function of that shape), whose
    error shrinks as the size grows. Doubles the size (1, 2, 4, ...) until the error is small
    enough, then halves the gap between the last size too small and the first one good enough.
    Returns (size, number of hidden units), or (None, None) if even ``max_size`` is not enough.
    """
    _check_function(build, "build")
    tol = check_number(tol, "tol", low=0, low_open=True)
    max_size = check_number(max_size, "max_size", low=1, integer=True)

    def good(size):
        return rms_error(build(f, size, interval), f, interval) <= tol

    high = 1
    while not good(high):
        if high == max_size:
            return None, None
        high = min(2 * high, max_size)
    low = high // 2                      # too small (or 0)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if good(middle) else (middle, high)
    return high, build(f, high, interval).sizes[1]


# ---- boolean functions ---------------------------------------------------------------------------

def all_inputs(n):
    """All 2^n inputs of n bits, shape (2^n, n), in counting order: row k is k written in binary."""
    n = check_number(n, "n", low=1, high=20, integer=True)
    return np.array(list(itertools.product([0.0, 1.0], repeat=n)))


def parity(n):
    """The truth table of parity on n bits: 1 where an odd number of bits is 1 (XOR for n = 2)."""
    return all_inputs(n).sum(axis=1) % 2


def _truth_table(truth_table):
    table = as_float_array(truth_table, "truth_table", ndim=1)
    n = int(round(math.log2(len(table)))) if len(table) else 0
    if len(table) < 2 or 2 ** n != len(table):
        raise ValueError(f"truth_table must hold 2^n answers (one per row of all_inputs(n)), "
                         f"got {len(table)}.")
    if not np.all((table == 0) | (table == 1)):
        raise ValueError("truth_table must hold only 0s and 1s, the answer for each input pattern.")
    return table, n


def boolean_network(truth_table):
    """An MLP [n, m, 1] of ReLU units that computes a boolean function exactly.

    ``truth_table[k]`` is the answer (0 or 1) for input ``all_inputs(n)[k]``. One hidden unit per
    pattern p with answer 1 (m of them): its weights are +1 where p has a 1 and -1 where it has a
    0, its bias 1/2 - (number of 1s in p). On p its z is 1/2; every bit that differs from p lowers
    z by 1, so on any other input z <= -1/2 and the unit is off. The output 2 * (sum of the
    units) is then exactly 1 on the true patterns and 0 on the others. (A function that is never
    1 gets one unit that is always off.)
    """
    table, n = _truth_table(truth_table)
    patterns = all_inputs(n)[table == 1]
    if len(patterns) == 0:
        W1, b1 = np.zeros((1, n)), np.array([-1.0])
    else:
        W1, b1 = 2 * patterns - 1, 0.5 - patterns.sum(axis=1)
    net = nn.MLP([n, len(W1), 1], hidden="relu", output="identity")
    return _set(net, [W1, b1, np.full((1, len(W1)), 2.0), [0.0]])


def parity_by_counting(n):
    """An MLP [n, n, 1] of ReLU units for parity: n units instead of 2^(n-1).

    Parity depends only on s, the number of 1s. Unit k computes relu(s - k), k = 0 .. n-1, and
    y = relu(s) - 2 relu(s - 1) + 2 relu(s - 2) - ... is the zigzag 0, 1, 0, 1, ... at s = 0, 1, 2, ...
    """
    n = check_number(n, "n", low=1, high=20, integer=True)
    w2 = np.array([1.0] + [2.0 * (-1) ** k for k in range(1, n)])
    net = nn.MLP([n, n, 1], hidden="relu", output="identity")
    return _set(net, [np.ones((n, n)), -np.arange(n, dtype=float), w2[None, :], [0.0]])


def train_until_perfect(X, y, width, seed=0, max_steps=3000, lr=0.03, check_every=50):
    """Train an MLP [n, width, 1] (tanh units, sigmoid output, full-batch Adam) until every
    answer is right; return the number of steps that took, or None if ``max_steps`` were not enough.

    The loop is the one of notebook 00 (forward, loss, zero gradients, backward, step); it checks
    the accuracy every ``check_every`` steps, so the count is a multiple of it.
    """
    X = as_float_array(X, "X", ndim=2)
    y = as_float_array(y, "y", ndim=1)
    if len(y) != len(X):
        raise ValueError(f"y has {len(y)} answers but X has {len(X)} rows; give one per row.")
    width = check_number(width, "width", low=1, integer=True)
    max_steps = check_number(max_steps, "max_steps", low=1, integer=True)
    check_every = check_number(check_every, "check_every", low=1, integer=True)
    net = nn.MLP([X.shape[1], width, 1], hidden="tanh", output="sigmoid", seed=make_rng(seed))
    loss, adam, T = BinaryCrossEntropy(), Adam(lr=lr), y[:, None]
    for step in range(1, max_steps + 1):
        net.forward(X)
        loss(net.z[-1], T, logits=True)
        net.zero_grad()
        net.backward(loss.backward(), wrt="z")
        adam.step(net.parameters(), net.gradients())
        if step % check_every == 0 and np.all((net.z[-1][:, 0] > 0) == (y == 1)):
            return step
    return None


# ---- depth ---------------------------------------------------------------------------------------

def collapse_linear(net):
    """The one matrix W and bias b that a network with only linear activations computes: y = x W^T + b.

    Layer after layer, x W1^T + b1, then (x W1^T + b1) W2^T + b2 = x (W2 W1)^T + (b1 W2^T + b2), ...
    so W = W_L ... W_2 W_1 however deep the network is.
    """
    layers = _checked_layers(net, (Identity,), "collapse_linear needs identity (linear) activations")
    W, b = np.eye(net.sizes[0]), np.zeros(net.sizes[0])
    for layer in layers:
        if isinstance(layer, Dense):
            W, b = layer.params["W"] @ W, layer.params["W"] @ b + layer.params["b"]
    return W, b


def tent(x):
    """The tent map on [0, 1]: 2x up to 1/2, then 2 - 2x. Equal to 2 relu(x) - 4 relu(x - 1/2)."""
    x = as_float_array(x, "x")
    return np.where(x <= 0.5, 2 * x, 2 - 2 * x)


def tent_network(k):
    """The tent map composed k times as a network [1, 2, 2, ..., 2, 1]: k hidden layers of 2 ReLUs.

    Each hidden layer holds relu(u) and relu(u - 1/2) of the previous tent value u, and the next
    layer reads the tent value 2 relu(u) - 4 relu(u - 1/2) from them. On [0, 1] the output is a
    sawtooth of 2^k straight pieces, with only 6k + 1 parameters.
    """
    k = check_number(k, "k", low=1, high=40, integer=True)
    net = nn.MLP([1] + [2] * k + [1], hidden="relu", output="identity")
    weights = [[[1.0], [1.0]], [0.0, -0.5]]
    for _ in range(k - 1):
        weights += [[[2.0, -4.0], [2.0, -4.0]], [0.0, -0.5]]
    return _set(net, weights + [[[2.0, -4.0]], [0.0]])


def _checked_layers(net, allowed, why):
    """The layers of ``net`` before its output activation, each Dense or of a type in ``allowed``."""
    if not isinstance(net, nn.Sequential):
        raise TypeError(f"net must be an nn.Sequential or nn.MLP, got {type(net).__name__}.")
    layers = net.layers[:-1]    # the output activation is left out: we follow z of the output
    for layer in layers:
        if not isinstance(layer, (Dense, *allowed)):
            raise ValueError(f"{why}; this network has {layer!r}. Build it with "
                             f"hidden='relu' (or 'identity' for collapse_linear).")
    return layers


def linear_pieces(net, start, end):
    """The exact breakpoints of a ReLU network along the segment from ``start`` to ``end``.

    On the segment x(t) = start + t (end - start), t in [0, 1], every z of the network is
    piecewise linear in t. Begin with the breakpoints {0, 1}; at each ReLU layer, add every t
    where some unit's z crosses 0 between two breakpoints (found by straight-line interpolation,
    exact because z is straight there), then apply the ReLU. Returns (t, z): the sorted
    breakpoints, shape (m,), and the output layer's z at them, shape (m, n_out). Between two
    breakpoints the output is a straight line.

    ``start``, ``end``: points in input space (numbers when the network has one input). Works
    for Dense, ReLU, leaky ReLU and identity layers: those whose output is piecewise linear.
    """
    layers = _checked_layers(net, (ReLU, LeakyReLU, Identity), "linear pieces need piecewise "
                                                                "linear activations")
    start = as_float_array(start, "start", ndim=(0, 1)).reshape(-1)
    end = as_float_array(end, "end", ndim=(0, 1)).reshape(-1)
    for name, point in (("start", start), ("end", end)):
        if point.shape != (net.sizes[0],):
            raise ValueError(f"{name} must be a point with {net.sizes[0]} coordinate(s), "
                             f"got shape {point.shape}.")
    t = np.array([0.0, 1.0])
    a = start + t[:, None] * (end - start)
    for layer in layers:
        if isinstance(layer, Dense):
            a = a @ layer.params["W"].T + layer.params["b"]
        elif isinstance(layer, (ReLU, LeakyReLU)):
            t, a = _add_zero_crossings(t, a)
            a = np.maximum(a, 0.0) if isinstance(layer, ReLU) else np.where(a >= 0, a, layer.alpha * a)
    return t, a


def _add_zero_crossings(t, z):
    """Add to the breakpoints t every point where a column of z (straight between them) crosses 0."""
    i, j = np.nonzero(z[:-1] * z[1:] < 0)                 # segment i, unit j changes sign
    crossing = t[i] + (t[i + 1] - t[i]) * z[i, j] / (z[i, j] - z[i + 1, j])
    new_t = np.unique(np.concatenate([t, crossing]))
    k = np.clip(np.searchsorted(t, new_t, side="right") - 1, 0, len(t) - 2)   # segment of each new t
    w = ((new_t - t[k]) / (t[k + 1] - t[k]))[:, None]
    return new_t, (1 - w) * z[k] + w * z[k + 1]


def count_linear_regions(net, start=-1.0, end=1.0, rtol=1e-9):
    """How many straight pieces the network's output has on the segment from ``start`` to ``end``.

    From ``linear_pieces``: the slope of every piece between two breakpoints; two neighbours with
    the same slope (within ``rtol`` of the largest slope) are one piece. Pieces shorter than
    1e-12 of the segment are ignored.
    """
    t, z = linear_pieces(net, start, end)
    keep = np.concatenate([[True], np.diff(t) > 1e-12])
    t, z = t[keep], z[keep]
    slopes = np.diff(z, axis=0) / np.diff(t)[:, None]
    scale = max(1.0, float(np.abs(slopes).max()))
    changes = np.any(np.abs(np.diff(slopes, axis=0)) > rtol * scale, axis=1)
    return int(1 + np.count_nonzero(changes))


# ---- multiplication: the gate of Lin, Tegmark and Rolnick ----------------------------------------

def _product_gate(c, lam):
    """Pre-activation weights of the 4 units of one gate, and their output weights.

    With g(u) = sigmoid(c + u) + sigmoid(c - u) = 2 sigmoid(c) + sigmoid''(c) u^2 + O(u^4),
    g(lam (x + y)) - g(lam (x - y)) = 4 sigmoid''(c) lam^2 x y + O(lam^4).
    """
    s = 1 / (1 + math.exp(-c))
    d2 = s * (1 - s) * (1 - 2 * s)                        # sigmoid''(c)
    W = lam * np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
    out = np.array([1.0, 1.0, -1.0, -1.0]) / (4 * d2 * lam ** 2)
    return W, out


def product_network(n, scale=0.01, c=1.0):
    """A Sequential of sigmoid layers computing x_1 x_2 ... x_n (n a power of 2) for |x_i| <= 1.

    Pairs are multiplied by the 4-unit gate of Lin, Tegmark and Rolnick (see ``_product_gate``),
    then pairs of products, ...: log2(n) hidden layers, 4 (n - 1) units in all. ``scale`` is the
    gate's lam: smaller is more accurate (error about scale^2) until rounding takes over.
    """
    n = check_number(n, "n", low=2, high=64, integer=True)
    if n & (n - 1):
        raise ValueError(f"n must be a power of 2 (2, 4, 8, ...), got {n}.")
    scale = check_number(scale, "scale", low=0, low_open=True, high=1)
    c = check_number(c, "c", low=0.1, high=5)
    W, out = _product_gate(c, scale)
    layers, m, reads = [], n, np.eye(n)   # reads: the current m values from the last layer's outputs
    while m > 1:
        gates = m // 2
        W_gates = np.kron(np.eye(gates), W)                 # gate g reads values 2g and 2g + 1
        dense = Dense(reads.shape[1], 4 * gates)
        dense.params["W"][...] = W_gates @ reads
        dense.params["b"][...] = c
        layers += [dense, Sigmoid()]
        reads = np.kron(np.eye(gates), out[None, :])       # value g = out . (the 4 units of gate g)
        m = gates
    final = Dense(4, 1)
    final.params["W"][...] = reads
    return nn.Sequential(layers + [final], output="identity")


# ---- counting configurations (the introduction, chapter II) --------------------------------------

def log10_configurations(n_weights, values_per_weight):
    """log10 of the number of weight settings: values_per_weight ** n_weights."""
    n_weights = check_number(n_weights, "n_weights", low=1)
    values = check_number(values_per_weight, "values_per_weight", low=2)
    return n_weights * math.log10(values)


def log10_inputs(n_bytes):
    """log10 of the number of different inputs of n_bytes bytes: 256 ** n_bytes."""
    return check_number(n_bytes, "n_bytes", low=1) * math.log10(256)
