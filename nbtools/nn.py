"""The multi-layer perceptron: Dense layers and activations, one after another.

With a^(0) = x, each layer l = 1..L computes

    z^(l) = a^(l-1) W^(l)^T + b^(l),      a^(l) = sigma^(l)(z^(l)),

where sigma is the hidden activation for l < L and the output activation for l = L. After
``forward`` the network keeps every z^(l) in ``net.z`` and every a^(l) in ``net.a`` (``net.a[0]`` is
the input), so the hidden representations can be looked at and plotted: ``net.a[-2]`` is the
penultimate layer, the space in which the output layer draws a straight line.

Example::

    >>> import numpy as np
    >>> net = MLP([2, 8, 1], hidden="tanh", output="sigmoid", seed=0)
    >>> p = net.forward(np.zeros((4, 2)))        # (4, 1) probabilities
    >>> [a.shape for a in net.a]
    [(4, 2), (4, 8), (4, 1)]
"""
import numpy as np

from ._checks import as_float_array, check_choice, check_number, make_rng
from .layers import ACTIVATIONS, Dense

HIDDEN = ("relu", "leaky_relu", "tanh", "sigmoid", "identity", "linear")
OUTPUTS = ("sigmoid", "softmax", "identity", "linear")


class MLP:
    """A fully connected network with sizes ``[n_inputs, hidden..., n_outputs]``.

    Parameters
    ----------
    sizes : list of int, e.g. ``[2, 16, 16, 1]``: the input size, hidden sizes, output size.
    hidden : name of the hidden activation, one of ``HIDDEN``.
    output : ``"sigmoid"`` (binary or yes/no outputs), ``"softmax"`` (one class of k) or
        ``"identity"`` (regression).
    init : a name from ``nbtools.init.INITS``, a function ``(n_in, n_out, rng) -> W``, or
        ``"auto"``: He for ReLU-like hidden units, Xavier otherwise (see notebook 07).
    seed : int or numpy Generator; the same seed gives the same initial weights.
    """

    def __init__(self, sizes, hidden="relu", output="sigmoid", init="auto", seed=0):
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
            raise TypeError(f"sizes must be a list of layer sizes such as [2, 16, 1], got {sizes!r}.")
        if len(sizes) < 2:
            raise ValueError(
                f"sizes must list at least an input and an output size, e.g. [2, 1]; got {list(sizes)}."
            )
        self.sizes = [check_number(s, f"sizes[{i}]", low=1, integer=True) for i, s in enumerate(sizes)]
        self.hidden = check_choice(hidden, "hidden activation", HIDDEN)
        self.output = check_choice(output, "output activation", OUTPUTS)
        if self.output == "softmax" and self.sizes[-1] < 2:
            raise ValueError(f"a softmax output needs at least 2 units, got sizes[-1] = {self.sizes[-1]}.")
        if init == "auto":
            init = "he_normal" if self.hidden in ("relu", "leaky_relu") else "xavier_normal"
        self.init_name = init if isinstance(init, str) else getattr(init, "__name__", "custom")
        rng = make_rng(seed)
        self.dense, self.activations, self.layers = [], [], []
        for l, (n_in, n_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:]), start=1):
            name = self.output if l == len(self.sizes) - 1 else self.hidden
            layer, act = Dense(n_in, n_out, init=init, seed=rng), ACTIVATIONS[name]()
            self.dense.append(layer)
            self.activations.append(act)
            self.layers += [layer, act]
        self.z, self.a = [], []

    # ---- forward and backward -------------------------------------------------------------
    def forward(self, X):
        """Return the output activations a^(L), shape (n, sizes[-1]); keep every z and a."""
        X = as_float_array(X, "X", ndim=2)
        if X.shape[1] != self.sizes[0]:
            raise ValueError(
                f"X has {X.shape[1]} feature column(s) but the network expects sizes[0] = "
                f"{self.sizes[0]}: X must have shape (n, {self.sizes[0]})."
            )
        return self._forward(X)

    def _forward(self, X):
        a, self.z, self.a = X, [], [X]
        for layer, act in zip(self.dense, self.activations):
            z = layer.forward(a)
            a = act.forward(z)
            self.z.append(z)
            self.a.append(a)
        return a

    __call__ = forward

    def backward(self, grad, wrt="a"):
        """Back-propagate a loss gradient through every layer; return dL/dX, shape (n, sizes[0]).

        ``grad`` is dL/da^(L), the gradient with respect to what ``forward`` returned (any loss
        works, softmax outputs included). With ``wrt="z"`` it is dL/dz^(L) instead, from a loss
        fused with the output activation (``loss(z, y, logits=True)``), and the output activation
        is skipped. Parameter gradients are *added* to ``gradients()``: call ``zero_grad`` first.
        """
        if not self.a:
            raise RuntimeError("Call forward(X) before backward(grad).")
        wrt = check_choice(wrt, "wrt", ("a", "z"))
        grad = as_float_array(grad, "grad", allow_nonfinite=True)
        if grad.shape != self.a[-1].shape:
            raise ValueError(
                f"grad must have the shape of the last output {self.a[-1].shape}, got {grad.shape}."
            )
        return self._backward(grad, wrt)

    def _backward(self, grad, wrt="a"):
        """``backward`` without the checks (the training loop checks its data once, up front)."""
        for layer in reversed(self.layers[:-1] if wrt == "z" else self.layers):
            grad = layer.backward(grad)
        return grad

    def zero_grad(self):
        for layer in self.dense:
            layer.zero_grad()

    # ---- parameters ---------------------------------------------------------------------
    def parameters(self):
        """[W1, b1, W2, b2, ...]: the arrays themselves, so an optimizer can update them in place."""
        return [p for layer in self.dense for p in (layer.params["W"], layer.params["b"])]

    def gradients(self):
        """[dL/dW1, dL/db1, ...], aligned with ``parameters()``."""
        return [g for layer in self.dense for g in (layer.grads["W"], layer.grads["b"])]

    def get_weights(self):
        """A copy of all parameters (a snapshot you can restore with ``set_weights``)."""
        return [p.copy() for p in self.parameters()]

    def set_weights(self, weights):
        """Copy arrays (as from ``get_weights``) into the parameters, checking their shapes."""
        params = self.parameters()
        if not isinstance(weights, (list, tuple)):
            raise TypeError(f"weights must be a list of arrays [W1, b1, ...] as from get_weights(), "
                            f"got {type(weights).__name__}.")
        if len(weights) != len(params):
            raise ValueError(f"expected {len(params)} arrays [W1, b1, ...], got {len(weights)}.")
        for i, (p, w) in enumerate(zip(params, weights)):
            w = as_float_array(w, f"weights[{i}]")
            if w.shape != p.shape:
                raise ValueError(f"weights[{i}] must have shape {p.shape}, got {w.shape}.")
            p[...] = w

    def n_params(self):
        return sum(p.size for p in self.parameters())

    # ---- predictions --------------------------------------------------------------------
    def predict_proba(self, X):
        """Class probabilities: shape (n,) P(y = 1) for one sigmoid output, else (n, k)."""
        if self.output not in ("sigmoid", "softmax"):
            raise ValueError("predict_proba needs a sigmoid or softmax output; this network is a regressor.")
        a = self.forward(X)
        return a[:, 0] if a.shape[1] == 1 else a

    def predict(self, X):
        """Class labels (threshold 0.5 for sigmoid, argmax for softmax), or the output for regression."""
        if self.output == "softmax":
            return self.forward(X).argmax(axis=1)
        if self.output == "sigmoid":
            return (self.predict_proba(X) >= 0.5).astype(np.int64)
        return self.forward(X)

    def __repr__(self):
        shape = "-".join(map(str, self.sizes))
        return (
            f"MLP({shape}, hidden={self.hidden}, output={self.output}, "
            f"init={self.init_name}, parameters={self.n_params()})"
        )
