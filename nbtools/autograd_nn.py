"""The chapter's neural network on ``Value``s: Neuron -> Layer -> NeuralNetwork, and training.

A ``Neuron`` computes z = b + sum_i w_i x_i from ``Value`` weights and returns a = f(z); a
``Layer`` is a list of neurons that read the same input; a ``NeuralNetwork`` chains layers, with
ReLU hidden layers and one sigmoid output, and its ``loss`` is the binary cross-entropy
(``bce_loss``). ``sgd_step`` is one step of the loop every framework shares (forward, zero the
gradients, backward, update) and ``train`` repeats it over shuffled mini-batches. The engine
underneath is ``autograd`` (micrograd splits ``engine.py`` and ``nn.py`` the same way).
One speed measure, pausing Python's cycle collector during ``train``, is fenced off at the end.

Example
-------
>>> model = NeuralNetwork(2, [4, 2, 1], seed=0)
>>> X = [[0.0, 1.0], [1.0, 0.0], [0.0, 2.0], [2.0, 0.0]]
>>> losses = train(model, X, [0, 1, 0, 1], n_epochs=50, batch_size=2, verbose=False)
>>> losses[-1] < losses[0]
True
"""
import contextlib
import gc
import math
import numbers
import warnings

import numpy as np

from ._checks import as_float_array, as_labels, check_choice, check_number, make_rng
from .autograd import Value, zero_grad

NONLINEARITIES = ("relu", "sigmoid", "tanh", "linear")


class Module:
    """Shared by Neuron, Layer and NeuralNetwork: ``parameters()`` and ``zero_grad()``."""

    def parameters(self):
        return []

    def zero_grad(self):
        """Set the gradient of every parameter to 0.0 (do this before each backward pass)."""
        zero_grad(self.parameters())


def _check_sample(x, nin, who):
    """One sample: a list of ``nin`` numbers (or Values)."""
    if isinstance(x, (str, bytes)) or not hasattr(x, "__len__"):
        raise TypeError(f"{who} takes one sample, a list of {nin} numbers, got {type(x).__name__}.")
    if len(x) != nin:
        raise ValueError(f"{who} takes one sample of {nin} numbers, got {len(x)}.")


class Neuron(Module):
    """One neuron: z = b + sum_i w_i x_i, output a = f(z) with f = relu, sigmoid, tanh or linear.

    Weights start uniform in [-1, 1] (as in the chapter), the bias at 0.

    Parameters
    ----------
    nin : int
        Number of inputs.
    nonlin : {"relu", "sigmoid", "tanh", "linear"}
    seed : int or numpy.random.Generator

    Example
    -------
    >>> n = Neuron(2, nonlin="linear", seed=0)
    >>> n.set_weights([1.0, -2.0], 0.5)
    >>> n([3.0, 1.0]).data          # 0.5 + 1*3 - 2*1
    1.5
    """

    def __init__(self, nin, nonlin="relu", seed=0):
        self.nin = check_number(nin, "nin", low=1, integer=True)
        self.nonlin = check_choice(nonlin, "nonlin", NONLINEARITIES)
        rng = make_rng(seed)
        self.w = [Value(w) for w in rng.uniform(-1.0, 1.0, size=self.nin).tolist()]
        self.b = Value(0.0)

    def __call__(self, x):
        _check_sample(x, self.nin, "This neuron")
        z = self.b
        for wi, xi in zip(self.w, x):
            z = z + wi * xi
        if self.nonlin == "relu":
            return z.relu()
        if self.nonlin == "sigmoid":
            return z.sigmoid()
        if self.nonlin == "tanh":
            return z.tanh()
        return z

    def parameters(self):
        return self.w + [self.b]

    def get_weights(self):
        """Return ``(w, b)``: the weights as a float array of shape (nin,), the bias as a float."""
        return np.array([wi.data for wi in self.w]), self.b.data

    def set_weights(self, w, b):
        """Copy weights ``w`` (shape (nin,)) and bias ``b`` (a number) into this neuron's Values."""
        w = as_float_array(w, "w", ndim=1)
        if w.shape != (self.nin,):
            raise ValueError(f"w must have shape ({self.nin},) for a {self.nin}-input neuron, "
                             f"got shape {w.shape}.")
        for wi, value in zip(self.w, w.tolist()):
            wi.data = value
        self.b.data = check_number(b, "b")

    def __repr__(self):
        return f"Neuron(nin={self.nin}, nonlin={self.nonlin!r})"


class Layer(Module):
    """``nout`` neurons that all read the same input x; returns their outputs.

    In matrix form a = f(W x + b) with W of shape (nout, nin): row j holds neuron j's weights.
    Like the chapter, a layer with one neuron returns that Value instead of a list of one.

    Example
    -------
    >>> layer = Layer(3, 2, nonlin="relu", seed=0)
    >>> W, b = layer.get_weights()
    >>> W.shape, b.shape
    ((2, 3), (2,))
    """

    def __init__(self, nin, nout, nonlin="relu", seed=0):
        check_number(nout, "nout", low=1, integer=True)
        rng = make_rng(seed)
        self.neurons = [Neuron(nin, nonlin=nonlin, seed=rng) for _ in range(nout)]

    def __call__(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]

    def get_weights(self):
        """Return ``(W, b)``: W of shape (nout, nin), row j = neuron j's weights; b (nout,)."""
        pairs = [n.get_weights() for n in self.neurons]
        return np.array([w for w, _ in pairs]), np.array([b for _, b in pairs])

    def set_weights(self, W, b):
        """Copy ``W`` (nout, nin) and ``b`` (nout,) into the neurons; row j goes to neuron j."""
        nout, nin = len(self.neurons), self.neurons[0].nin
        W = as_float_array(W, "W", ndim=2)
        b = as_float_array(b, "b", ndim=1)
        if W.shape != (nout, nin) or b.shape != (nout,):
            raise ValueError(
                f"This layer needs W of shape ({nout}, {nin}) (one row per neuron) and b of shape "
                f"({nout},); got W {W.shape} and b {b.shape}. If W is (nin, nout), pass W.T."
            )
        for n, w_row, b_j in zip(self.neurons, W, b.tolist()):
            n.set_weights(w_row, b_j)

    def __repr__(self):
        n = self.neurons[0]
        return f"Layer(nin={n.nin}, nout={len(self.neurons)}, nonlin={n.nonlin!r})"


class NeuralNetwork(Module):
    """The chapter's multilayer perceptron: ReLU hidden layers and one sigmoid output layer.

    ``NeuralNetwork(2, [4, 2, 1])`` maps 2 inputs through layers of 4 and 2 ReLU neurons to one
    sigmoid neuron, a^(l) = relu(W^(l) a^(l-1) + b^(l)), y_hat = sigma(W^(L) a^(L-1) + b^(L)).

    Parameters
    ----------
    nin : int
        Number of input features.
    nouts : list of int
        Neurons per layer; the last entry is the output layer.
    seed : int or numpy.random.Generator

    Example
    -------
    >>> model = NeuralNetwork(2, [4, 2, 1], seed=0)
    >>> len(model.parameters())           # 4*(2+1) + 2*(4+1) + 1*(2+1)
    25
    >>> 0.0 < model([0.5, -1.0]).data < 1.0
    True
    """

    def __init__(self, nin, nouts, seed=0):
        self.nin = check_number(nin, "nin", low=1, integer=True)
        if isinstance(nouts, numbers.Integral) or not hasattr(nouts, "__len__") or len(nouts) == 0:
            raise TypeError(f"nouts must be a non-empty list of layer sizes such as [4, 2, 1], "
                            f"got {nouts!r}.")
        sizes = [self.nin] + [check_number(n, "each entry of nouts", low=1, integer=True)
                              for n in nouts]
        rng = make_rng(seed)
        last = len(sizes) - 2
        self.layers = [
            Layer(sizes[i], sizes[i + 1], nonlin="sigmoid" if i == last else "relu", seed=rng)
            for i in range(len(sizes) - 1)
        ]

    def __call__(self, x):
        """Forward pass for one sample ``x`` (``nin`` numbers); returns a Value (or a list)."""
        if isinstance(x, np.ndarray):
            x = x.tolist()
        _check_sample(x, self.nin, "This network")
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def loss(self, X, ys, eps=1e-8):
        """Binary cross-entropy of the predictions on ``X`` against ``ys`` (see ``bce_loss``)."""
        return bce_loss([self(x) for x in X], ys, eps=eps)

    def get_weights(self):
        """Return ``[(W, b), ...]``, one pair per layer, W of shape (n_out, n_in), b (n_out,)."""
        return [layer.get_weights() for layer in self.layers]

    def set_weights(self, weights):
        """Copy ``[(W, b), ...]`` (the ``get_weights`` layout) into the network's Values."""
        if not isinstance(weights, (list, tuple)) or len(weights) != len(self.layers):
            got = len(weights) if isinstance(weights, (list, tuple)) else type(weights).__name__
            raise ValueError(f"weights must be a list of {len(self.layers)} (W, b) pairs, one per "
                             f"layer, got {got}.")
        for i, (layer, pair) in enumerate(zip(self.layers, weights)):
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise ValueError(f"weights[{i}] must be a pair (W, b), got {type(pair).__name__}.")
            layer.set_weights(*pair)

    def __repr__(self):
        arch = " -> ".join(
            [str(self.nin)] + [f"{len(l.neurons)} {l.neurons[0].nonlin}" for l in self.layers])
        return f"NeuralNetwork({arch}; {len(self.parameters())} parameters)"


def bce_loss(yhats, ys, eps=1e-8):
    """Binary cross-entropy, the negative log-likelihood of labels y in {0, 1}::

        L = -(1/n) * sum_i [ y_i * log(yhat_i + eps) + (1 - y_i) * log(1 - yhat_i + eps) ]

    ``eps`` keeps the log finite when a prediction reaches exactly 0 or 1 (the chapter uses 1e-8).

    Example
    -------
    >>> round(bce_loss([Value(0.5)], [1.0]).data, 6)     # -log(0.5)
    0.693147
    """
    if len(yhats) != len(ys) or len(ys) == 0:
        raise ValueError(f"yhats and ys must be non-empty and of equal length, got {len(yhats)} "
                         f"predictions and {len(ys)} labels.")
    as_labels(ys, "ys", n_classes=2)  # a label of 2 would give a negative "loss"
    for i, yhat in enumerate(yhats):
        if not isinstance(yhat, Value):
            raise TypeError(f"yhats[{i}] must be a Value (a prediction of the model), got "
                            f"{type(yhat).__name__}; wrap plain numbers as Value(p).")
    total = 0.0
    for y, yhat in zip(ys, yhats):
        total = total + y * (yhat + eps).log() + (1 - y) * (1 - yhat + eps).log()
    return -total / len(ys)


def sgd_step(model, X, ys, learning_rate):
    """One step of gradient descent on one batch; returns the batch loss (a float).

    The loop every framework shares: forward (``model.loss``), zero the gradients, backward,
    and update each parameter, theta <- theta - learning_rate * dL/dtheta. ``X`` and ``ys`` are
    lists (or arrays) of samples and labels; ``train`` checks them before calling this.
    """
    learning_rate = check_number(learning_rate, "learning_rate", low=0.0, low_open=True)
    loss = model.loss(X, ys)
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    return loss.data


def train(model, X, ys, learning_rate=0.2, n_epochs=2000, batch_size=50, report_every=100,
          seed=0, verbose=True):
    """Mini-batch stochastic gradient descent on the model's loss; returns one loss per epoch.

    Each epoch shuffles the samples (seeded), and for each batch B of ``batch_size`` samples:
    forward, ``loss = model.loss(X_B, y_B)``, zero the gradients, ``loss.backward()``, and step
    every parameter ``theta <- theta - learning_rate * dL/dtheta``. The loss recorded for an epoch
    is the average of its batch losses (weighted by batch size), measured during the epoch.

    Parameters
    ----------
    model : NeuralNetwork (anything with ``loss(X, ys)`` and ``parameters()``)
    X : array of shape (n_samples, nin)
    ys : array of shape (n_samples,) with labels 0 or 1
    learning_rate : float
    n_epochs, batch_size, report_every : int
    seed : int or numpy.random.Generator
        Controls the shuffling.
    verbose : bool
        Print the loss every ``report_every`` epochs (and after the last).

    Returns
    -------
    losses : list of float, one per epoch completed. Training stops early, with a warning, if the
        loss becomes NaN or infinite.

    Example
    -------
    >>> X = [[0.0, 1.0], [1.0, 0.0], [0.0, 2.0], [2.0, 0.0]]
    >>> losses = train(NeuralNetwork(2, [3, 1]), X, [0, 1, 0, 1], n_epochs=50, batch_size=2,
    ...                verbose=False)
    >>> losses[-1] < losses[0]
    True
    """
    if not (callable(getattr(model, "loss", None)) and callable(getattr(model, "parameters", None))):
        raise TypeError(f"model must be a NeuralNetwork (with loss(X, ys) and parameters()), such "
                        f"as NeuralNetwork(2, [4, 1]); got {type(model).__name__}.")
    layers = getattr(model, "layers", None)
    if layers and len(getattr(layers[-1], "neurons", [None])) != 1:
        raise ValueError(f"model must end in one sigmoid output (P(y = 1)) for binary "
                         f"cross-entropy, but its last layer has {len(layers[-1].neurons)} neurons; "
                         f"make the last entry of nouts 1, e.g. NeuralNetwork(2, [4, 1]).")
    X = as_float_array(X, "X", ndim=2)
    if len(X) == 0:
        raise ValueError(f"X has no rows (shape {X.shape}); train needs at least one sample.")
    ys = as_labels(ys, "ys", n=len(X), n_classes=2)
    learning_rate = check_number(learning_rate, "learning_rate", low=0.0, low_open=True)
    n_epochs = check_number(n_epochs, "n_epochs", low=0, integer=True)
    batch_size = check_number(batch_size, "batch_size", low=1, integer=True)
    report_every = check_number(report_every, "report_every", low=1, integer=True)
    nin = getattr(model, "nin", X.shape[1])
    if X.shape[1] != nin:
        raise ValueError(f"X has {X.shape[1]} features per row but the model takes {nin} inputs.")
    rng = make_rng(seed)

    rows, labels = X.tolist(), ys.astype(float).tolist()  # plain floats are fastest with Value
    n, losses = len(rows), []
    with gc_paused():  # speed only, see the end of this file
        for epoch in range(n_epochs):
            order = rng.permutation(n).tolist()
            total = 0.0
            for start in range(0, n, batch_size):
                batch = order[start:start + batch_size]
                loss = sgd_step(model, [rows[i] for i in batch], [labels[i] for i in batch],
                                learning_rate)
                total += loss * len(batch)
            losses.append(total / n)
            if not math.isfinite(losses[-1]):
                warnings.warn(f"The loss became {losses[-1]} at epoch {epoch}; stopping. "
                              f"Try a smaller learning_rate.", RuntimeWarning, stacklevel=2)
                break
            if verbose and (epoch % report_every == 0 or epoch == n_epochs - 1):
                print(f"epoch {epoch:5d}   loss {losses[-1]:.4f}")
    return losses


# ---------------------------------------------------------------------------------------------
# Speed only, skip on a first reading: ``train`` pauses Python's cycle collector
# ---------------------------------------------------------------------------------------------

@contextlib.contextmanager
def gc_paused():
    """Pause Python's cycle collector inside a ``with`` block; restore it on the way out.

    Python frees most objects by reference counting, the moment nothing points to them. Objects
    that point at each other in a cycle need the separate cycle collector, which wakes up every
    few hundred new objects and scans the young ones. A training step makes thousands of Values;
    a Value points only to its inputs, so the graph has no cycles and reference counting frees
    all of it when the step ends: the scans find nothing and only cost time (about a tenth of
    an epoch). If the collector was already off, it stays off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
