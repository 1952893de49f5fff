"""Layers: the building blocks of a network, each a forward and a backward function.

Every layer maps a batch ``x`` of shape ``(n, n_in)`` to ``(n, n_out)`` in ``forward`` and keeps
what its backward pass needs on ``self`` (``self.x`` or ``self.a``), where you can look at it.
``backward(grad_out)`` takes dL/d(output), shape ``(n, n_out)``, and returns dL/d(input), shape
``(n, n_in)``; a layer with parameters also adds dL/d(parameter) into ``grads``, which sits beside
``params`` under the same names. Gradients *accumulate* (``+=``), as in PyTorch: call
``zero_grad()`` before each backward pass. That is what lets one layer be used twice (shared
weights) and still get the sum of both contributions.

Inputs that are not float arrays of the right shape (a list, None, a 1-D array, complex numbers)
raise a ``TypeError``/``ValueError`` that says what was expected; NaN and inf pass through, as in
PyTorch. ``backward`` before ``forward`` raises a ``RuntimeError``.

Example
-------
>>> import numpy as np
>>> layer = Dense(2, 3, seed=0)
>>> z = layer.forward(np.ones((5, 2)))          # (5, 3)
>>> grad_x = layer.backward(np.ones((5, 3)))    # (5, 2); layer.grads["W"] is now (3, 2)
"""
import numpy as np

from ._checks import check_number, layer_array, make_rng
from .init import get_init


class Layer:
    """Base class: no parameters, and forward/backward left to the subclass.

    Every layer is in training mode (``training`` is True) until ``eval()``; only batch
    normalization behaves differently in the two modes, but every layer answers ``train()`` and
    ``eval()``, as in PyTorch, so that a network can switch all of its layers at once.
    """

    def __init__(self):
        self.params = {}
        self.grads = {}
        self.training = True

    def __call__(self, x):
        return self.forward(x)

    def zero_grad(self):
        for g in self.grads.values():
            g.fill(0.0)

    def train(self, mode=True):
        """Training mode or, with ``mode=False``, evaluation mode. Returns the layer."""
        self.training = bool(mode)
        return self

    def eval(self):
        """Evaluation mode, ``train(False)``. Returns the layer."""
        return self.train(False)

    def sublayers(self):
        """The layers this one is made of (a ``blocks.Residual`` block has some); none here."""
        return []

    def output_width(self, width):
        """How many features come out when ``width`` go in (None: not known); a ValueError if
        this layer cannot take ``width`` features. Most layers keep the width."""
        return width

    # forward tests its input cheaply (an ndarray of floats, the right shape) and calls _input
    # only when that test fails: to convert a list, or to say what was wrong.
    def _input(self, x, shape=None):
        return layer_array(x, "input", repr(self), shape)

    def _checked_grad(self, grad_out, shape):
        """grad_out for backward, which must match ``shape``, the shape of the last forward's
        output (None: no forward yet). A float array of that shape passes at once."""
        if type(grad_out) is np.ndarray and grad_out.dtype.kind == "f" and grad_out.shape == shape:
            return grad_out
        if shape is None:
            raise RuntimeError(f"{self!r}.backward needs what forward keeps: call forward(x) "
                               f"before backward(grad_out).")
        return layer_array(grad_out, "grad_out", f"{self!r}.backward", shape)

    def __repr__(self):
        return f"{type(self).__name__}()"


class Dense(Layer):
    """Affine layer z = x W^T + b, the "weighted sum plus bias" of every unit at once.

    Shapes: x (n, n_in), W (n_out, n_in) (row j = the weights of unit j, which belong to the
    receiving unit), b (n_out,), z (n, n_out).

    Backward, with g = dL/dz of shape (n, n_out):
        dL/dW = g^T x   (n_out, n_in),   dL/db = sum over the batch of g   (n_out,),
        dL/dx = g W     (n, n_in).

    g is the layer's *delta*, dL/dz. The layer keeps its input ``x`` (backward needs it for
    dL/dW), its output ``z`` and, after backward, ``delta`` = g, where a network can read them.

    The code writes the matrix product A B as ``A.dot(B)``, which is the same as ``A @ B``; for the
    small matrices of these notebooks it runs in about half the time (notebook 00's network
    trains about 10% faster).
    """

    def __init__(self, n_in, n_out, init="xavier_normal", seed=0):
        super().__init__()
        self.n_in = check_number(n_in, "n_in", low=1, integer=True)
        self.n_out = check_number(n_out, "n_out", low=1, integer=True)
        self.init = get_init(init)
        W = np.asarray(self.init(self.n_in, self.n_out, make_rng(seed)), dtype=np.float64)
        if W.shape != (self.n_out, self.n_in):
            raise ValueError(
                f"init returned weights of shape {W.shape}; expected (n_out, n_in) = "
                f"{(self.n_out, self.n_in)}. An initializer is a function (n_in, n_out, rng) -> W."
            )
        self.params = {"W": W, "b": np.zeros(self.n_out)}
        self.grads = {"W": np.zeros_like(W), "b": np.zeros(self.n_out)}
        self.x = self.z = self.delta = None

    def forward(self, x):
        if type(x) is not np.ndarray or x.dtype.kind != "f" or x.ndim != 2 or x.shape[1] != self.n_in:
            x = self._input(x, ("n", self.n_in))
        self.x = x
        self.z = x.dot(self.params["W"].T) + self.params["b"]
        return self.z

    def backward(self, grad_out):
        x = self.x
        g = self._checked_grad(grad_out, None if x is None else (len(x), self.n_out))
        self.delta = g
        self.grads["W"] += g.T.dot(x)
        self.grads["b"] += g.sum(axis=0)
        return g.dot(self.params["W"])

    def output_width(self, width):
        if width is not None and width != self.n_in:
            raise ValueError(f"{self!r} receives {width} features but expects {self.n_in}; "
                             f"make its n_in equal the n_out of the Dense layer before it.")
        return self.n_out

    def __repr__(self):
        return f"Dense({self.n_in}, {self.n_out})"


class Activation(Layer):
    """An element-wise function a = f(z); backward multiplies by f'(z) (the chain rule)."""

    def __init__(self):
        super().__init__()
        self.z = self.a = None

    def forward(self, z):
        if type(z) is not np.ndarray or z.dtype.kind != "f":
            z = self._input(z)
        self.z = z
        self.a = self.f(z)
        return self.a

    def backward(self, grad_out):
        a = self.a
        grad_out = self._checked_grad(grad_out, None if a is None else a.shape)
        return grad_out * self.df()


class Identity(Activation):
    """a = z, f'(z) = 1. The output activation for regression."""

    def f(self, z):
        return z

    def df(self):
        return np.ones_like(self.z)


class Sigmoid(Activation):
    """The logistic function a = 1 / (1 + e^-z), with f'(z) = a (1 - a) <= 1/4.

    Computed as e^z / (1 + e^z) = exp(z - log(1 + e^z)), with log(1 + e^z) from ``np.logaddexp``,
    so that no exponential overflows for large |z|.
    """

    def f(self, z):
        return np.exp(z - np.logaddexp(0.0, z))

    def df(self):
        return self.a * (1.0 - self.a)


class Tanh(Activation):
    """a = tanh(z), f'(z) = 1 - a^2 <= 1."""

    def f(self, z):
        return np.tanh(z)

    def df(self):
        return 1.0 - self.a**2


class ReLU(Activation):
    """a = max(0, z), f'(z) = 1 for z > 0 and 0 otherwise (we pick 0 at the kink z = 0)."""

    def f(self, z):
        return np.maximum(z, 0.0)

    def df(self):
        return np.sign(self.a)  # a = max(0, z) >= 0, so sign(a) is 1 where z > 0 and 0 elsewhere


class LeakyReLU(Activation):
    """a = z for z >= 0 and alpha z otherwise; f'(z) = 1 for z > 0 and alpha otherwise.

    A unit never goes fully dead. At the kink z = 0 we pick the left side's slope alpha, the same
    side ``ReLU`` picks (its 0) and the value PyTorch's backward uses.
    """

    def __init__(self, alpha=0.01):
        super().__init__()
        self.alpha = check_number(alpha, "alpha", low=0.0, high=1.0)

    def f(self, z):
        return np.where(z >= 0, z, self.alpha * z)

    def df(self):
        return np.where(self.z > 0, 1.0, self.alpha)

    def __repr__(self):
        return f"LeakyReLU(alpha={self.alpha:g})"


class Softmax(Layer):
    """Row-wise a_k = e^{z_k} / sum_j e^{z_j}: turns k scores into k probabilities.

    Not element-wise, so backward uses the full Jacobian da_k/dz_j = a_k (delta_kj - a_j), which
    applied to g = dL/da gives dL/dz = a * (g - sum_k g_k a_k).
    """

    def __init__(self):
        super().__init__()
        self.a = None

    def forward(self, z):
        if type(z) is not np.ndarray or z.dtype.kind != "f" or z.ndim != 2:
            z = self._input(z, ("n", "k"))
        with np.errstate(over="ignore"):  # 1e308 - (-1e308) overflows to inf; then e = exp(-inf) = 0, rightly
            e = np.exp(z - z.max(axis=1, keepdims=True))
        self.a = e / e.sum(axis=1, keepdims=True)
        return self.a

    def backward(self, grad_out):
        a = self.a
        grad_out = self._checked_grad(grad_out, None if a is None else a.shape)
        return a * (grad_out - (grad_out * a).sum(axis=1, keepdims=True))


def check_layers(layers, name):
    """``layers`` as a list of ``Layer`` objects, or a TypeError/ValueError that says what is wrong."""
    if isinstance(layers, Layer) or not isinstance(layers, (list, tuple)):
        raise TypeError(f"{name} must be a list of layers such as [Dense(2, 8), ReLU()], got {layers!r}.")
    if not layers:
        raise ValueError(f"{name} must hold at least one layer, got an empty list.")
    for i, layer in enumerate(layers):
        if not isinstance(layer, Layer):
            raise TypeError(
                f"{name}[{i}] must be a layer (Dense, an activation, BatchNorm, Residual, ...), got "
                f"{layer!r}. Activations are objects too: write ReLU(), not 'relu'."
            )
    return list(layers)


ACTIVATIONS = {
    "identity": Identity,
    "linear": Identity,
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "softmax": Softmax,
}
