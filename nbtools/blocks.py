"""Blocks for deeper networks: batch normalization, skip connections, and a network of any layers.

Everything here follows the contract of ``nbtools.layers``: ``forward(x)`` maps a batch of shape
``(n, n_in)`` to ``(n, n_out)`` and keeps what backward needs on ``self``; ``backward(grad_out)``
takes dL/d(output) and returns dL/d(input), *adding* parameter gradients into ``grads`` (call
``zero_grad()`` first). So these blocks mix freely with ``Dense`` and the activations.

- ``BatchNorm(n)``: standardizes each of n features over the batch, then scales and shifts it
  with learned ``gamma`` and ``beta`` (notebook 07).
- ``Residual(layers)``: x + f(x), where f is a list of layers: a skip connection (notebook 06).
- ``Dropout(rate)``: zeroes each activation with probability ``rate`` in training, scaling the
  rest by 1 / (1 - rate) (inverted dropout, notebook 09).
- ``deep_net(depth, width, ...)``: builds the deep test networks of notebooks 06 and 07, as an
  ``nn.Sequential``.

Example
-------
>>> import numpy as np
>>> net = deep_net(depth=4, width=8, activation="tanh", batchnorm=True, residual=True, seed=0)
>>> net.forward(np.zeros((5, 2))).shape
(5, 1)
>>> len(net.dense)          # 4 hidden Dense layers and the output layer
5
"""
import numpy as np

from ._checks import check_choice, check_number, layer_array, make_rng
from .layers import ACTIVATIONS, Dense, Layer, check_layers
from .nn import HIDDEN, Sequential


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
        self.z_hat = self.std = None

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

    def output_width(self, width):
        if width is not None and width != self.n:
            raise ValueError(f"{self!r} receives {width} features; use BatchNorm({width}).")
        return width

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
        self.layers = check_layers(layers, "layers")
        for i, layer in enumerate(self.layers):
            self.params.update({f"{i}.{k}": v for k, v in layer.params.items()})
            self.grads.update({f"{i}.{k}": v for k, v in layer.grads.items()})

    def forward(self, x):
        """Return x + f(x)."""
        if type(x) is not np.ndarray or x.dtype.kind != "f":
            x = self._input(x)
        fx = x
        for layer in self.layers:
            fx = layer.forward(fx)
        if fx.shape != x.shape:
            raise ValueError(
                f"Residual: f(x) has shape {fx.shape} but x has shape {x.shape}; the inner layers "
                f"must keep the width, e.g. Residual([Dense(32, 32), ReLU()])."
            )
        return x + fx

    def backward(self, grad_out):
        """Return g + (df/dx)^T g: the skip's g plus g back-propagated through f."""
        grad_f = grad_out
        for layer in reversed(self.layers):
            grad_f = layer.backward(grad_f)
        return grad_out + grad_f

    def zero_grad(self):
        for layer in self.layers:
            layer.zero_grad()

    def train(self, mode=True):
        """Training mode (or eval mode, ``mode=False``) for the block and every layer in it."""
        for layer in self.layers:
            layer.train(mode)
        return super().train(mode)

    def sublayers(self):
        return self.layers

    def output_width(self, width):
        out = width
        for layer in self.layers:
            out = layer.output_width(out)
        if width is not None and out != width:
            raise ValueError(f"{self!r} maps {width} features to {out}; a residual block must "
                             f"keep the width so that x + f(x) is defined.")
        return width

    def __repr__(self):
        return f"Residual({', '.join(map(repr, self.layers))})"


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


class Dropout(Layer):
    """Inverted dropout (Srivastava et al., 2014): in training, zero each activation with
    probability ``rate`` and scale the survivors by 1 / (1 - rate).

    Shapes: x (n, d) in, out (n, d). In *training mode* every forward draws a fresh mask

        mask = (u >= rate) / (1 - rate),   u uniform in [0, 1), one per entry of x,
        out = mask * x,

    so each entry of mask is 0 (dropped, probability rate) or 1 / (1 - rate) (kept). The mean of
    mask is 1: on average out equals x, which is why nothing needs rescaling at test time. In *eval
    mode* (``eval()``) out = x: every unit is used.

    Backward: out is x times a constant mask, so dL/dx = mask * g (eval mode: g).

    The mask of the last forward stays on the layer as ``mask``. ``fix_mask()`` keeps using it
    (forward draws no new one) until ``fix_mask(False)``: a gradient check needs the same
    sub-network at every evaluation. ``seed``: int or Generator for the masks (same seed, same
    masks).
    """

    def __init__(self, rate, seed=0):
        super().__init__()
        self.rate = check_number(rate, "rate", low=0.0, hint="The dropout rate is the fraction of "
                                 "units dropped: use a number in [0, 1), such as 0.5.")
        if self.rate >= 1:
            raise ValueError(f"rate must be in [0, 1), got {rate!r}: rate 1 would drop every unit "
                             f"(and divide by 1 - rate = 0). Use a number such as 0.5.")
        self.rng = make_rng(seed)
        self.mask = self.x_shape = None
        self.fixed = False

    def fix_mask(self, fixed=True):
        """Reuse the current mask at every forward (``fixed=False``: draw again). Returns the layer."""
        if fixed and self.mask is None:
            raise RuntimeError(f"{self!r} has no mask yet: call forward(x) in training mode once, "
                               f"then fix_mask().")
        self.fixed = bool(fixed)
        return self

    def forward(self, x):
        if type(x) is not np.ndarray or x.dtype.kind != "f" or x.ndim != 2:
            x = self._input(x, ("n", "d"))
        self.x_shape = x.shape
        if not self.training:
            return x
        if not self.fixed:
            self.mask = (self.rng.random(x.shape) >= self.rate) / (1.0 - self.rate)
        elif self.mask.shape != x.shape:
            raise ValueError(f"{self!r} has a fixed mask of shape {self.mask.shape} but got x of "
                             f"shape {x.shape}; call fix_mask(False) to draw masks again.")
        return self.mask * x

    def backward(self, grad_out):
        g = self._checked_grad(grad_out, self.x_shape)
        return self.mask * g if self.training else g

    def __repr__(self):
        return f"Dropout({self.rate:g})"
