"""Blocks for deeper networks: batch normalization, skip connections, and a network of any layers.

Everything here follows the contract of ``nbtools.layers``: ``forward(x)`` maps a batch of shape
``(n, n_in)`` to ``(n, n_out)`` and keeps what backward needs on ``self``; ``backward(grad_out)``
takes dL/d(output) and returns dL/d(input), *adding* parameter gradients into ``grads`` (call
``zero_grad()`` first). So these blocks mix freely with ``Dense`` and the activations.

- ``BatchNorm(n)``: standardizes each of n features over the batch, then scales and shifts it
  with learned ``gamma`` and ``beta`` (notebook 07).
- ``Residual(layers)``: x + f(x), where f is a list of layers: a skip connection (notebook 06).
- ``Sequential(layers, output=...)``: a network made of any list of layers, with the interface of
  ``nn.MLP``, so ``training.fit``, ``gradcheck`` and the plots work with it unchanged.
- ``deep_net(depth, width, ...)``: builds the deep test networks of notebooks 06 and 07.

Example::

    >>> import numpy as np
    >>> net = deep_net(depth=4, width=8, activation="tanh", batchnorm=True, residual=True, seed=0)
    >>> net.forward(np.zeros((5, 2))).shape
    (5, 1)
    >>> len(net.dense)          # 4 hidden Dense layers and the output layer
    5
"""
import numpy as np

from ._checks import as_float_array, check_choice, check_number, layer_array, make_rng
from .layers import ACTIVATIONS, Activation, Dense, Layer, Softmax
from .nn import HIDDEN, MLP, OUTPUTS


class BatchNorm(Layer):
    """Batch normalization of ``n`` features (Ioffe & Szegedy, 2015).

    Shapes: z (m, n) in, out (m, n); gamma, beta (n,). In *training mode* each feature j is
    standardized with the mean and variance of the current batch of m samples:

        mu = (1/m) sum_i z_i,   var = (1/m) sum_i (z_i - mu)^2,   std = sqrt(var + eps),
        z_hat = (z - mu) / std,   out = gamma * z_hat + beta,

    and running averages ``running_mean <- (1 - momentum) running_mean + momentum mu`` (the same
    for ``running_var``) are kept. In *eval mode* (``eval()``) the running averages replace mu
    and var, so one sample is normalized the same way whatever batch it comes in.

    Backward in training mode, with g = dL/dout (m, n) and every sum over the batch:

        dL/dgamma = sum_i g_i * z_hat_i,       dL/dbeta = sum_i g_i,
        dL/dz = gamma / (m std) * (m g - sum_i g_i - z_hat * sum_i g_i z_hat_i).

    The two subtracted sums are there because mu and var depend on every z_i of the batch. In eval
    mode out is a fixed affine map of z, and dL/dz = g * gamma / std.
    """

    def __init__(self, n, momentum=0.1, eps=1e-5):
        super().__init__()
        self.n = check_number(n, "n", low=1, integer=True)
        self.momentum = check_number(momentum, "momentum", low=0.0, high=1.0)
        self.eps = check_number(eps, "eps", low=0.0, low_open=True)
        self.params = {"gamma": np.ones(self.n), "beta": np.zeros(self.n)}
        self.grads = {"gamma": np.zeros(self.n), "beta": np.zeros(self.n)}
        self.running_mean, self.running_var = np.zeros(self.n), np.ones(self.n)
        self.training = True
        self.z_hat = self.std = None

    def train(self, mode=True):
        """Training mode (batch statistics) or, with ``mode=False``, eval mode. Returns self."""
        self.training = bool(mode)
        return self

    def eval(self):
        """Eval mode: normalize with the running mean and variance. Returns self."""
        return self.train(False)

    def forward(self, z):
        if type(z) is not np.ndarray or z.dtype.kind != "f" or z.ndim != 2 or z.shape[1] != self.n:
            z = layer_array(z, "input", f"BatchNorm({self.n})", ("m", self.n))
        if self.training:
            if len(z) < 2:
                raise ValueError(
                    f"BatchNorm in training mode needs a batch of at least 2 samples to estimate a "
                    f"variance, got {len(z)}. Use a larger batch_size, or call eval() to normalize "
                    f"single samples with the running statistics."
                )
            mu, var = z.mean(axis=0), z.var(axis=0)
            self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * mu
            self.running_var = (1 - self.momentum) * self.running_var + self.momentum * var
        else:
            mu, var = self.running_mean, self.running_var
        self.std = np.sqrt(var + self.eps)
        self.z_hat = (z - mu) / self.std
        return self.params["gamma"] * self.z_hat + self.params["beta"]

    def backward(self, grad_out):
        z_hat = self.z_hat
        g = self._checked_grad(grad_out, None if z_hat is None else z_hat.shape)
        gamma = self.params["gamma"]
        self.grads["gamma"] += np.sum(g * z_hat, axis=0)
        self.grads["beta"] += np.sum(g, axis=0)
        if not self.training:
            return g * gamma / self.std
        m = len(g)
        return gamma / (m * self.std) * (m * g - g.sum(axis=0) - z_hat * np.sum(g * z_hat, axis=0))

    def __repr__(self):
        return f"BatchNorm({self.n}, momentum={self.momentum:g}, eps={self.eps:g})"


class Residual(Layer):
    """A skip connection: out = x + f(x), where f applies ``layers`` one after another.

    Shapes: x (n, d) in, out (n, d): f must give back the width it was given.

    Backward, with g = dL/dout: dL/dx = g + (df/dx)^T g. The first term is the skip: the gradient
    reaches x unchanged, however small the gradient through f has become. That is why a deep
    network of residual blocks still trains its first layers (notebook 06).

    ``params`` and ``grads`` hold the inner layers' arrays (the same arrays, not copies) under the
    names "0.W", "0.b", "1.gamma", ... (position in ``layers``, then the inner name).
    """

    def __init__(self, layers):
        super().__init__()
        self.layers = _check_layers(layers, "layers")
        for i, layer in enumerate(self.layers):
            self.params.update({f"{i}.{k}": v for k, v in layer.params.items()})
            self.grads.update({f"{i}.{k}": v for k, v in layer.grads.items()})

    def forward(self, x, zs=None):
        """Return x + f(x). ``zs``: optional list to append each inner Dense layer's output to."""
        if type(x) is not np.ndarray or x.dtype.kind != "f":
            x = self._input(x)
        fx = forward_through(self.layers, x, zs)
        if fx.shape != x.shape:
            raise ValueError(
                f"Residual: f(x) has shape {fx.shape} but x has shape {x.shape}; the inner layers "
                f"must keep the width, e.g. Residual([Dense(32, 32), ReLU()])."
            )
        return x + fx

    def backward(self, grad_out, deltas=None):
        """Return g + (df/dx)^T g. ``deltas``: optional list, as in ``backward_through``."""
        return grad_out + backward_through(self.layers, grad_out, deltas)

    def zero_grad(self):
        for layer in self.layers:
            layer.zero_grad()

    def __repr__(self):
        return f"Residual({', '.join(map(repr, self.layers))})"


def forward_through(layers, x, zs=None):
    """Apply ``layers`` in order to x; append every Dense layer's output z to the list ``zs``."""
    for layer in layers:
        x = layer.forward(x, zs) if isinstance(layer, Residual) else layer.forward(x)
        if zs is not None and isinstance(layer, Dense):
            zs.append(x)
    return x


def backward_through(layers, grad, deltas=None):
    """Back-propagate ``grad`` through ``layers``, last layer first; return dL/d(input).

    If ``deltas`` is a list, the gradient arriving at every Dense layer, its delta = dL/dz, is
    appended to it: last layer first, the order in which backpropagation meets them.
    """
    for layer in reversed(layers):
        if deltas is not None and isinstance(layer, Dense):
            deltas.append(grad)
        grad = layer.backward(grad, deltas) if isinstance(layer, Residual) else layer.backward(grad)
    return grad


def walk(layers):
    """Every layer in ``layers``, in forward order, looking inside Residual blocks."""
    for layer in layers:
        yield layer
        if isinstance(layer, Residual):
            yield from walk(layer.layers)


def _check_layers(layers, name):
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


def _check_widths(layers, width):
    """Follow the width of the data through the layers; raise if two layers do not fit."""
    for layer in layers:
        if isinstance(layer, Dense):
            if width is not None and layer.n_in != width:
                raise ValueError(f"{layer!r} receives {width} features but expects {layer.n_in}; "
                                 f"make its n_in equal the n_out of the Dense layer before it.")
            width = layer.n_out
        elif isinstance(layer, BatchNorm) and width is not None and layer.n != width:
            raise ValueError(f"{layer!r} receives {width} features; use BatchNorm({width}).")
        elif isinstance(layer, Residual):
            out = _check_widths(layer.layers, width)
            if width is not None and out != width:
                raise ValueError(f"{layer!r} maps {width} features to {out}; a residual block must "
                                 f"keep the width so that x + f(x) is defined.")
    return width


_NAMES = {cls: name for name, cls in reversed(ACTIVATIONS.items())}  # class -> its first name


class Sequential(MLP):
    """A network made of any list of layers, followed by an output activation.

    ``layers``: Dense layers, activations, ``BatchNorm``, ``Residual`` blocks, ...; the last one must
    be a Dense layer, the output layer, whose pre-activation z^(L) the fused losses read.
    ``output``: ``"sigmoid"``, ``"softmax"`` or ``"identity"``, appended as the last layer.

    It has the interface of ``nn.MLP`` (which it extends), so ``training.fit`` trains it:
    ``forward``/``backward``/``zero_grad``/``parameters``/``gradients``, and after a forward pass

    - ``z[l]``: the output of Dense layer l + 1 (its pre-activation), shape (n, sizes[l + 1]);
    - ``a[l]``: the input of Dense layer l + 1 (``a[0]`` is X), and ``a[-1]`` the network output;
    - ``delta[l]`` (after ``backward``): dL/dz[l], the gradient that reached Dense layer l + 1.

    ``dense`` lists the Dense layers (also those inside Residual blocks) and ``activations`` the
    activation right after each of them. Batch normalization behaves differently in training and
    evaluation: ``fit`` trains in the default training mode; call ``eval()`` before predicting.
    """

    def __init__(self, layers, output="sigmoid"):
        layers = _check_layers(layers, "layers")
        if not isinstance(layers[-1], Dense):
            raise ValueError(f"the last layer must be a Dense layer (the output layer), got {layers[-1]!r}; "
                             f"the output activation is added from output='sigmoid', 'softmax' or 'identity'.")
        self.output = check_choice(output, "output activation", OUTPUTS)
        self.layers = layers + [ACTIVATIONS[self.output]()]
        _check_widths(self.layers, None)
        self.dense = [layer for layer in walk(self.layers) if isinstance(layer, Dense)]
        self.sizes = [self.dense[0].n_in] + [d.n_out for d in self.dense]
        if self.output == "softmax" and self.sizes[-1] < 2:
            raise ValueError(f"a softmax output needs at least 2 units, got {self.sizes[-1]}.")
        self.activations = self._activation_after_each_dense()
        names = {_NAMES.get(type(act), "none") for act in self.activations[:-1]}
        self.hidden = names.pop() if len(names) == 1 else "mixed"
        self.z, self.a, self.delta = [], [], []

    def _activation_after_each_dense(self):
        acts, seen = [], 0
        for layer in walk(self.layers):
            if isinstance(layer, Dense):
                seen += 1
                acts.append(None)
            elif isinstance(layer, (Activation, Softmax)) and seen and acts[-1] is None:
                acts[-1] = layer
        return acts

    def _forward(self, X):
        self.z = []
        out = forward_through(self.layers, X, self.z)
        self.a = [d.x for d in self.dense] + [out]
        return out

    def backward(self, grad, wrt="a"):
        """Back-propagate dL/da^(L) (or dL/dz^(L) with ``wrt="z"``); return dL/dX. See ``nn.MLP``."""
        if not self.a:
            raise RuntimeError("Call forward(X) before backward(grad).")
        wrt = check_choice(wrt, "wrt", ("a", "z"))
        grad = as_float_array(grad, "grad", allow_nonfinite=True)
        if grad.shape != self.a[-1].shape:
            raise ValueError(f"grad must have the shape of the last output {self.a[-1].shape}, got {grad.shape}.")
        return self._backward(grad, wrt)

    def _backward(self, grad, wrt="a"):
        """``backward`` without the checks (the training loop checks its data once, up front)."""
        self.delta = []
        grad_X = backward_through(self.layers[:-1] if wrt == "z" else self.layers, grad, self.delta)
        self.delta.reverse()
        return grad_X

    def zero_grad(self):
        for layer in self.layers:
            layer.zero_grad()

    def parameters(self):
        """Every parameter array, layer by layer (Dense: W, b; BatchNorm: gamma, beta)."""
        return [p for layer in self.layers for p in layer.params.values()]

    def gradients(self):
        """The gradient arrays, aligned with ``parameters()``."""
        return [g for layer in self.layers for g in layer.grads.values()]

    def train(self, mode=True):
        """Put every BatchNorm layer in training mode (or eval mode, ``mode=False``). Returns self."""
        for layer in walk(self.layers):
            if isinstance(layer, BatchNorm):
                layer.train(mode)
        return self

    def eval(self):
        """Eval mode: BatchNorm layers use their running statistics. Returns self."""
        return self.train(False)

    def __repr__(self):
        lines = "".join(f"\n  {layer!r}" for layer in self.layers)
        return f"Sequential({lines}\n)  # output={self.output}, parameters={self.n_params()}"


def deep_net(depth=10, width=32, activation="tanh", init="auto", n_in=2, n_out=1, output="sigmoid",
             batchnorm=False, residual=False, seed=0):
    """A deep network of ``depth`` hidden layers of ``width`` units, as a ``Sequential``.

    Hidden layer 1 is Dense(n_in, width), then BatchNorm(width) if ``batchnorm``, then the
    activation. Hidden layers 2..depth are the same with Dense(width, width), each wrapped in a
    ``Residual`` block if ``residual`` (x + f(x)). The output layer is Dense(width, n_out) followed
    by ``output``. ``init``: a name from ``nbtools.init.INITS``, an initializer function, or "auto"
    (He for ReLU-like units, Xavier otherwise). The same ``seed`` gives the same weights.
    """
    depth = check_number(depth, "depth", low=1, integer=True)
    width = check_number(width, "width", low=1, integer=True)
    activation = check_choice(activation, "activation", HIDDEN)
    if isinstance(init, str) and init == "auto":
        init = "he_normal" if activation in ("relu", "leaky_relu") else "xavier_normal"
    rng = make_rng(seed)
    layers = []
    for l in range(1, depth + 1):
        block = [Dense(n_in if l == 1 else width, width, init=init, seed=rng)]
        if batchnorm:
            block.append(BatchNorm(width))
        block.append(ACTIVATIONS[activation]())
        layers += [Residual(block)] if residual and l > 1 else block
    layers.append(Dense(width, n_out, init=init, seed=rng))
    return Sequential(layers, output=output)
