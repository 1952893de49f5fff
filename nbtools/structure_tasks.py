"""Small tasks where the structure of a layer matters, and the models that learn them (notebook 12).

- ``Stack(layers)``: a plain chain of layers of any shapes (convolutions, attention) ending in
  logits, with the forward/backward/parameters of ``nn.Sequential`` and no output activation;
- ``train(model, X, y, ...)``: the training loop written out (forward, loss on the logits, zero
  gradients, backward, Adam step), full batch or in mini-batches;
- ``shifted_pattern(n, ...)``: noisy sequences, half of them holding a short pattern at a random
  position (label 1): the place does not matter, only whether the pattern is there;
- ``pattern_detector`` (a convolution, the largest response anywhere, one output) and
  ``dense_detector`` (an MLP on the whole sequence) for that task, and ``learning_curve``,
  their test accuracy against the number of training examples;
- ``key_value_lookup(n, ...)``: sequences of (key, value) pairs and a query key; the target is the
  value paired with that key, wherever the pair sits; ``lookup_attention`` trains a
  ``SelfAttention`` layer on it.

Example
-------
>>> X, y = shifted_pattern(100, seed=0)
>>> X.shape, int(y.sum())
((100, 24), 50)
"""
import numpy as np

from ._checks import as_float_array, as_labels, check_lr, check_number, make_rng
from .attention import SelfAttention
from .conv import Conv1D, Conv2D, Flatten, MaxOverPositions, Reshape
from .layers import Dense, Layer, ReLU, check_layers
from .losses import BinaryCrossEntropy, MeanSquaredError, SoftmaxCrossEntropy
from .optim import Adam

PATTERN = (1.0, 2.0, -2.0, -1.0)   # the pattern shifted_pattern plants: up, up, down, down


class Stack:
    """Layers applied one after another: ``forward(x)`` returns the last layer's output (logits).

    Unlike ``nn.Sequential`` the layers may pass arrays of any shape to each other (a Conv1D
    gives (n, channels, positions)), so a convolution or attention layer can come first.
    """

    def __init__(self, layers):
        self.layers = check_layers(layers, "layers")

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    __call__ = forward

    def backward(self, grad):
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad

    def zero_grad(self):
        for layer in self.layers:
            layer.zero_grad()

    def parameters(self):
        return [p for layer in self.layers for p in layer.params.values()]

    def gradients(self):
        return [g for layer in self.layers for g in layer.grads.values()]

    def n_params(self):
        return sum(p.size for p in self.parameters())

    def __repr__(self):
        lines = "".join(f"\n  {layer!r}" for layer in self.layers)
        return f"Stack({lines}\n)  # parameters={self.n_params()}"


LOSSES = {"binary": BinaryCrossEntropy, "softmax": SoftmaxCrossEntropy, "mse": MeanSquaredError}


def train(model, X, y, loss="binary", epochs=200, lr=0.01, batch_size=None, seed=0):
    """Train ``model`` (a ``Stack``) with Adam; returns the loss of every epoch (a list).

    ``loss``: "binary" (one logit per sample, labels 0/1), "softmax" (k logits, labels 0..k-1)
    or "mse" (regression on the outputs). ``batch_size`` None: full batch; else mini-batches of
    that size in a seeded random order.
    """
    if not isinstance(model, Stack):
        raise TypeError(f"model must be a Stack of layers, got {type(model).__name__}.")
    if loss not in LOSSES:
        raise ValueError(f"Unknown loss {loss!r}; choose one of {sorted(LOSSES)}.")
    X = as_float_array(X, "X")
    if len(y) != len(X):
        raise ValueError(f"X has {len(X)} samples but y has {len(y)}; give one target per sample.")
    epochs = check_number(epochs, "epochs", low=1, integer=True)
    lr = check_lr(lr)
    n = len(X)
    size = n if batch_size is None else check_number(batch_size, "batch_size", low=1, integer=True)
    fn, opt, rng = LOSSES[loss](), Adam(lr=lr), make_rng(seed)
    logits = loss != "mse"
    history = []
    for _ in range(epochs):
        order = rng.permutation(n) if size < n else np.arange(n)
        total = 0.0
        for start in range(0, n, size):
            rows = order[start:start + size]
            out = model.forward(X[rows])
            total += fn(out, y[rows], logits=logits) * len(rows)
            model.zero_grad()
            model.backward(fn.backward().reshape(out.shape))
            opt.step(model.parameters(), model.gradients())
        history.append(total / n)
    return history


def accuracy(model, X, y):
    """Fraction of samples classified right: logit > 0 for one output, else the largest logit."""
    out = model.forward(as_float_array(X, "X"))
    guess = (out[:, 0] > 0).astype(int) if out.shape[1] == 1 else out.argmax(axis=1)
    return float(np.mean(guess == as_labels(y, "y", n=len(out))))


# ---- shifted patterns: convolution against dense ------------------------------------------------

def shifted_pattern(n, length=24, noise=0.6, pattern=PATTERN, seed=0):
    """``n`` noisy sequences (n, length); half (label 1) hold ``pattern`` at a random position.

    Every entry is normal noise with std ``noise``; a positive sequence has the pattern added at
    a position drawn uniformly from all places where it fits. Labels alternate 0, 1, 0, 1, ...
    """
    n = check_number(n, "n", low=2, integer=True)
    pattern = as_float_array(pattern, "pattern", ndim=1)
    length = check_number(length, "length", low=len(pattern), integer=True)
    noise = check_number(noise, "noise", low=0.0)
    rng = make_rng(seed)
    X = rng.normal(0.0, noise, (n, length))
    y = np.arange(n) % 2
    starts = rng.integers(0, length - len(pattern) + 1, n)
    for i in np.flatnonzero(y):
        X[i, starts[i]:starts[i] + len(pattern)] += pattern
    return X, y


def pattern_detector(n_filters=2, kernel_size=4, seed=0):
    """Conv1D(1, n_filters, kernel_size) -> ReLU -> MaxOverPositions -> Dense(n_filters, 1).

    Input (n, length): the sequences, made one channel each by a Reshape((1, -1))."""
    return Stack([Reshape((1, -1)), Conv1D(1, n_filters, kernel_size, seed=seed), ReLU(),
                  MaxOverPositions(), Dense(n_filters, 1, seed=seed)])


def dense_detector(length=24, hidden=16, seed=0):
    """Dense(length, hidden) -> ReLU -> Dense(hidden, 1): sees the whole sequence at once."""
    return Stack([Dense(length, hidden, init="he_normal", seed=seed), ReLU(), Dense(hidden, 1, seed=seed)])


def learning_curve(make_model, sizes, seeds=(0, 1, 2), n_test=1000, epochs=300, lr=0.02, **task):
    """Test accuracy of ``make_model(seed)`` trained on ``shifted_pattern(size, seed=seed)``.

    Returns an array (len(sizes), len(seeds)): one accuracy per training-set size and seed, on one
    fixed test set of ``n_test`` sequences (drawn with a seed no training set uses). ``task``:
    more arguments of ``shifted_pattern`` (length, noise).
    """
    X_test, y_test = shifted_pattern(n_test, seed=10_000, **task)
    result = np.zeros((len(sizes), len(seeds)))
    for i, size in enumerate(sizes):
        for j, seed in enumerate(seeds):
            X, y = shifted_pattern(size, seed=seed, **task)
            model = make_model(seed=seed)
            train(model, X, y, "binary", epochs=epochs, lr=lr, seed=seed)
            result[i, j] = accuracy(model, X_test, y_test)
    return result


# ---- key-value lookup: attention ----------------------------------------------------------------

def key_value_lookup(n, pairs=6, n_keys=8, seed=0):
    """``n`` sequences of ``pairs`` (key, value) tokens and one query token, and their targets.

    Token layout (width n_keys + 2): a one-hot key, then the value (a number in [-1, 1]), then a
    flag that is 1 on the query token only. Keys within a sequence are distinct; the query
    (the last token) repeats one of them, at a random position. Returns ``(X, y, where)``:
    X (n, pairs + 1, n_keys + 2), y (n, 1) the value paired with the query key, ``where`` (n,)
    the position of that pair.
    """
    n = check_number(n, "n", low=1, integer=True)
    n_keys = check_number(n_keys, "n_keys", low=1, integer=True)
    pairs = check_number(pairs, "pairs", low=1, high=n_keys, integer=True,
                         hint="Keys in one sequence are distinct: use at most n_keys pairs.")
    rng = make_rng(seed)
    X = np.zeros((n, pairs + 1, n_keys + 2))
    where = rng.integers(0, pairs, n)
    for i in range(n):
        keys = rng.permutation(n_keys)[:pairs]
        X[i, np.arange(pairs), keys] = 1.0
        X[i, :pairs, n_keys] = rng.uniform(-1, 1, pairs)
        X[i, pairs, keys[where[i]]] = 1.0
        X[i, pairs, n_keys + 1] = 1.0
    y = X[np.arange(n), where, n_keys][:, None]
    return X, y, where


def query_mask(T):
    """(T, T) mask for ``key_value_lookup`` sequences of T tokens: no token attends to itself
    (the query would otherwise find its own key, whose value slot is empty)."""
    T = check_number(T, "T", low=2, integer=True)
    return ~np.eye(T, dtype=bool)


class _LastToken(Layer):
    """(n, T, d) -> (n, d): the output at the last position (the query's answer)."""

    def forward(self, x):
        self.shape = x.shape
        return x[:, -1, :]

    def backward(self, grad_out):
        grad = np.zeros(self.shape)
        grad[:, -1, :] = grad_out
        return grad

    def output_width(self, width):
        return None

    def __repr__(self):
        return "LastToken()"


def lookup_attention(X, y, d_k=8, epochs=300, lr=0.05, seed=0):
    """A ``SelfAttention`` layer (one value dimension, masked by ``query_mask``) trained on a
    ``key_value_lookup`` task, read at the query token. Returns the ``Stack``; its first layer
    holds the attention weights ``A`` of the last forward pass."""
    X = as_float_array(X, "X", ndim=3)
    T, d_in = X.shape[1:]
    model = Stack([SelfAttention(d_in, d_k, 1, mask=query_mask(T), seed=seed), _LastToken()])
    train(model, X, y, "mse", epochs=epochs, lr=lr, seed=seed)
    return model


# ---- digits: a small 2-D convolution --------------------------------------------------------------

def digit_convnet(n_filters=8, kernel_size=3, seed=0):
    """Reshape((1, 8, 8)) -> Conv2D(1, n_filters, k) -> ReLU -> Flatten -> Dense(., 10): ten logits
    for the 8 x 8 digit images given as rows of 64 pixels."""
    side = 8 - kernel_size + 1
    return Stack([Reshape((1, 8, 8)), Conv2D(1, n_filters, kernel_size, seed=seed), ReLU(), Flatten(),
                  Dense(n_filters * side * side, 10, seed=seed)])
