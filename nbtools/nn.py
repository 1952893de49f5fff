"""Networks: a ``Sequential`` of layers, and the ``MLP``, a Sequential of Dense layers and activations.

With a^(0) = x, each layer l = 1..L of an MLP computes

    z^(l) = a^(l-1) W^(l)^T + b^(l),      a^(l) = sigma^(l)(z^(l)),

where sigma is the hidden activation for l < L and the output activation for l = L. After
``forward`` the network keeps every z^(l) in ``net.z`` and every a^(l) in ``net.a`` (``net.a[0]`` is
the input), so the hidden representations can be looked at and plotted: ``net.a[-2]`` is the
penultimate layer, the space in which the output layer draws a straight line. After ``backward`` it
keeps every delta^(l) = dL/dz^(l) in ``net.delta``.

``Sequential`` is the general network: any list of layers (Dense layers, activations, and the
``blocks`` for deeper networks, batch normalization and skip connections) ending in a Dense output
layer. ``MLP(sizes)`` builds the list [Dense, activation, Dense, activation, ..., Dense] for you.

Example
-------
>>> import numpy as np
>>> net = MLP([2, 8, 1], hidden="tanh", output="sigmoid", seed=0)
>>> p = net.forward(np.zeros((4, 2)))        # (4, 1) probabilities
>>> [a.shape for a in net.a]
[(4, 2), (4, 8), (4, 1)]
"""
import numpy as np

from ._checks import as_float_array, check_choice, check_number, make_rng
from .layers import ACTIVATIONS, Activation, Dense, Softmax, check_layers

HIDDEN = ("relu", "leaky_relu", "tanh", "sigmoid", "identity", "linear")
OUTPUTS = ("sigmoid", "softmax", "identity", "linear")
_NAMES = {cls: name for name, cls in reversed(ACTIVATIONS.items())}  # class -> its first name


class Sequential:
    """A network made of any list of layers, followed by an output activation.

    ``layers``: Dense layers, activations, ``blocks.BatchNorm``, ``blocks.Residual`` blocks, ...; the
    last one must be a Dense layer, the output layer, whose z^(L) the fused losses read.
    ``output``: ``"sigmoid"`` (yes/no outputs), ``"softmax"`` (one class of k) or ``"identity"``
    (regression), appended as the last layer.

    After a forward pass, with Dense layer l + 1 the (l + 1)-th Dense layer in forward order
    (also inside Residual blocks):

    - ``z[l]``: its output (the pre-activation z^(l+1)), shape (n, sizes[l + 1]);
    - ``a[l]``: its input (``a[0]`` is X), and ``a[-1]`` the network's output;
    - ``delta[l]`` (after ``backward``): dL/dz[l], the gradient that reached it.

    ``dense`` lists the Dense layers and ``activations`` the activation right after each of them
    (None where there is none). ``sizes`` is [n_inputs, the n_out of every Dense layer].
    Batch normalization behaves differently in training and evaluation: ``fit`` trains in the
    default training mode; call ``eval()`` before predicting.
    """

    def __init__(self, layers, output="sigmoid"):
        layers = check_layers(layers, "layers")
        if not isinstance(layers[-1], Dense):
            raise ValueError(f"the last layer must be a Dense layer (the output layer), got {layers[-1]!r}; "
                             f"the output activation is added from output='sigmoid', 'softmax' or 'identity'.")
        self.output = check_choice(output, "output activation", OUTPUTS)
        self.layers = layers + [ACTIVATIONS[self.output]()]
        width = None  # follow the number of features through the layers: do they fit together?
        for layer in self.layers:
            width = layer.output_width(width)
        self.dense = [layer for layer in walk(self.layers) if isinstance(layer, Dense)]
        self.sizes = [self.dense[0].n_in] + [d.n_out for d in self.dense]
        if self.output == "softmax" and self.sizes[-1] < 2:
            raise ValueError(f"a softmax output needs at least 2 units, got sizes[-1] = {self.sizes[-1]}.")
        self.activations = _activation_after_each_dense(self.layers)
        names = {_NAMES.get(type(act), "none") for act in self.activations[:-1]}
        self.hidden = names.pop() if len(names) == 1 else "mixed"
        self.z, self.a, self.delta = [], [], []

    # ---- forward and backward -------------------------------------------------------------
    def forward(self, X):
        """Return the output a^(L), shape (n, sizes[-1]); keep every z, a in ``net.z``, ``net.a``."""
        a = self._checked_input(X)
        for layer in self.layers:
            a = layer.forward(a)
        self.z = [dense.z for dense in self.dense]
        self.a = [dense.x for dense in self.dense] + [a]
        return a

    __call__ = forward

    def backward(self, grad, wrt="a"):
        """Back-propagate a loss gradient through every layer; return dL/dX, shape (n, sizes[0]).

        ``grad`` is dL/da^(L), the gradient with respect to what ``forward`` returned (any loss
        works, softmax outputs included). With ``wrt="z"`` it is dL/dz^(L) instead, from a loss
        fused with the output activation (``loss(z, y, logits=True)``), and the output activation
        is skipped. Keeps every delta^(l) = dL/dz^(l) in ``net.delta``. Parameter gradients are
        *added* to ``gradients()``: call ``zero_grad`` first.
        """
        grad, wrt = self._checked_grad(grad, wrt)
        for layer in reversed(self.layers[:-1] if wrt == "z" else self.layers):
            grad = layer.backward(grad)
        self.delta = [dense.delta for dense in self.dense]
        return grad

    def zero_grad(self):
        for layer in self.layers:
            layer.zero_grad()

    # ---- parameters ---------------------------------------------------------------------
    def parameters(self):
        """Every parameter array, layer by layer: [W1, b1, W2, b2, ...] for an MLP (BatchNorm adds
        gamma, beta). The arrays themselves, so an optimizer can update them in place."""
        return [p for layer in self.layers for p in layer.params.values()]

    def gradients(self):
        """[dL/dW1, dL/db1, ...], aligned with ``parameters()``."""
        return [g for layer in self.layers for g in layer.grads.values()]

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

    # ---- training and evaluation mode ---------------------------------------------------
    def train(self, mode=True):
        """Put every layer in training mode (or eval mode, ``mode=False``). Returns the network."""
        for layer in self.layers:
            layer.train(mode)
        return self

    def eval(self):
        """Eval mode: BatchNorm layers use their running statistics. Returns the network."""
        return self.train(False)

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
        lines = "".join(f"\n  {layer!r}" for layer in self.layers)
        return f"Sequential({lines}\n)  # output={self.output}, parameters={self.n_params()}"

    # ---- input checks -------------------------------------------------------------------
    def _checked_input(self, X):
        X = as_float_array(X, "X", ndim=2)
        if X.shape[1] != self.sizes[0]:
            raise ValueError(
                f"X has {X.shape[1]} feature column(s) but the network expects sizes[0] = "
                f"{self.sizes[0]}: X must have shape (n, {self.sizes[0]})."
            )
        return X

    def _checked_grad(self, grad, wrt):
        if not self.a:
            raise RuntimeError("Call forward(X) before backward(grad).")
        wrt = check_choice(wrt, "wrt", ("a", "z"))
        grad = as_float_array(grad, "grad", allow_nonfinite=True)
        if grad.shape != self.a[-1].shape:
            raise ValueError(
                f"grad must have the shape of the last output {self.a[-1].shape}, got {grad.shape}."
            )
        return grad, wrt


class MLP(Sequential):
    """A fully connected network with sizes ``[n_inputs, hidden..., n_outputs]``.

    The Sequential [Dense(sizes[0], sizes[1]), hidden activation, Dense(sizes[1], sizes[2]), ...,
    Dense(sizes[-2], sizes[-1])] followed by the output activation.

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
        sizes = [check_number(s, f"sizes[{i}]", low=1, integer=True) for i, s in enumerate(sizes)]
        hidden = check_choice(hidden, "hidden activation", HIDDEN)
        if init == "auto":
            init = "he_normal" if hidden in ("relu", "leaky_relu") else "xavier_normal"
        rng = make_rng(seed)
        layers = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            layers += [Dense(n_in, n_out, init=init, seed=rng), ACTIVATIONS[hidden]()]
        super().__init__(layers[:-1], output=output)  # the output activation replaces the last one
        self.hidden = hidden
        self.init_name = init if isinstance(init, str) else getattr(init, "__name__", "custom")

    def __repr__(self):
        shape = "-".join(map(str, self.sizes))
        return (
            f"MLP({shape}, hidden={self.hidden}, output={self.output}, "
            f"init={self.init_name}, parameters={self.n_params()})"
        )


def walk(layers):
    """Every layer in ``layers``, in forward order, looking inside blocks made of layers."""
    for layer in layers:
        yield layer
        yield from walk(layer.sublayers())


def _activation_after_each_dense(layers):
    """For each Dense layer (in forward order), the activation that follows it, or None."""
    acts = []
    for layer in walk(layers):
        if isinstance(layer, Dense):
            acts.append(None)
        elif isinstance(layer, (Activation, Softmax)) and acts and acts[-1] is None:
            acts[-1] = layer
    return acts
