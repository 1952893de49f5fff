"""Convolutions: a dense layer whose weights are shared along the input (notebook 12).

A 1-D convolution slides one small filter ``w`` of ``k`` weights along a sequence and takes a
weighted sum at every position (the "valid" positions, where the filter fits; as in PyTorch, the
filter is not flipped):

    z[t] = sum_j w[j] x[t + j] + b,        t = 0 .. L - k.

That is a Dense layer z = x W^T + b whose matrix W has the *same* k numbers on every row, shifted
one place per row: a banded matrix with repeated entries (``banded_matrix`` builds it). The
backward pass is the Dense one, with the gradients of the repeated entries added up:

    dL/dw[j] = sum_t g[t] x[t + j],    dL/db = sum_t g[t],    dL/dx[t + j] += g[t] w[j].

- ``Conv1D(in_channels, out_channels, kernel_size)``: x (n, c_in, L) -> z (n, c_out, L - k + 1);
- ``Conv2D(in_channels, out_channels, kernel_size)``: the same on images, x (n, c_in, H, W) ->
  z (n, c_out, H - k + 1, W - k + 1), a k x k filter;
- ``MaxOverPositions``: (n, c, positions...) -> (n, c), each filter's largest response anywhere;
- ``Flatten``: (n, ...) -> (n, features), to hand the feature maps to a Dense layer, and
  ``Reshape(shape)``: rows of numbers into channels and images;
- ``banded_matrix(w, length)``: the dense matrix of a 1-D filter.

Example
-------
>>> import numpy as np
>>> conv = Conv1D(1, 1, kernel_size=3, seed=0)
>>> x = np.random.default_rng(0).normal(size=(2, 1, 8))
>>> z = conv.forward(x)                                    # (2, 1, 6)
>>> W = banded_matrix(conv.params["W"][0, 0], 8)           # (6, 8)
>>> np.allclose(z[:, 0], x[:, 0] @ W.T + conv.params["b"])
True
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._checks import as_float_array, check_number, layer_array, make_rng
from .layers import Layer


class _Conv(Layer):
    """What Conv1D and Conv2D share: the weights, the input check and the repr."""

    dims = 1

    def __init__(self, in_channels, out_channels, kernel_size, seed=0):
        super().__init__()
        self.in_channels = check_number(in_channels, "in_channels", low=1, integer=True)
        self.out_channels = check_number(out_channels, "out_channels", low=1, integer=True)
        self.kernel_size = check_number(kernel_size, "kernel_size", low=1, integer=True)
        fan_in = self.in_channels * self.kernel_size ** self.dims   # inputs seen by one output
        shape = (self.out_channels, self.in_channels) + (self.kernel_size,) * self.dims
        W = make_rng(seed).normal(0.0, np.sqrt(2.0 / fan_in), size=shape)   # He initialization
        self.params = {"W": W, "b": np.zeros(self.out_channels)}
        self.grads = {"W": np.zeros_like(W), "b": np.zeros(self.out_channels)}
        self.x = self.z = None

    def _checked_input(self, x):
        names = "(n, c_in, L)" if self.dims == 1 else "(n, c_in, H, W)"
        x = layer_array(x, "input", f"{self!r}.forward")
        if x.ndim != 2 + self.dims or x.shape[1] != self.in_channels:
            hint = (" One channel? Add the axis: x[:, None]." if x.ndim == 1 + self.dims else "")
            raise ValueError(f"{self!r}.forward expects input of shape {names} with c_in = "
                             f"{self.in_channels}, got shape {x.shape}.{hint}")
        if min(x.shape[2:]) < self.kernel_size:
            raise ValueError(f"{self!r}: the input ({x.shape[2:]}) is shorter than the filter "
                             f"({self.kernel_size}); use a smaller kernel_size or a longer input.")
        return x

    def output_width(self, width):
        return None   # the number of features depends on the input's length

    def __repr__(self):
        return (f"{type(self).__name__}({self.in_channels}, {self.out_channels}, "
                f"kernel_size={self.kernel_size})")


class Conv1D(_Conv):
    """A 1-D convolution ("valid": only the positions where the filter fits), weights shared
    along the sequence.

    Shapes: x (n, c_in, L), W (c_out, c_in, k), b (c_out,), z (n, c_out, L - k + 1), with

        z[:, o, t] = sum_c sum_j W[o, c, j] x[:, c, t + j] + b[o].

    Backward, with g = dL/dz of shape (n, c_out, L - k + 1):
        dL/dW[o, c, j] = sum_n sum_t g[n, o, t] x[n, c, t + j],   dL/db[o] = sum_n sum_t g[n, o, t],
        dL/dx[:, c, t + j] += sum_o g[:, o, t] W[o, c, j]   (for every shift j: a loop of k steps).
    """

    def forward(self, x):
        if (type(x) is not np.ndarray or x.dtype.kind != "f" or x.ndim != 3
                or x.shape[1] != self.in_channels or x.shape[2] < self.kernel_size):
            x = self._checked_input(x)
        self.x = x
        windows = sliding_window_view(x, self.kernel_size, axis=2)     # (n, c_in, L_out, k)
        self.z = np.einsum("nctj,ocj->not", windows, self.params["W"]) + self.params["b"][:, None]
        return self.z

    def backward(self, grad_out):
        x, W, k = self.x, self.params["W"], self.kernel_size
        g = self._checked_grad(grad_out, None if self.z is None else self.z.shape)
        windows = sliding_window_view(x, k, axis=2)
        self.grads["W"] += np.einsum("not,nctj->ocj", g, windows)
        self.grads["b"] += g.sum(axis=(0, 2))
        grad_x = np.zeros_like(x)
        L_out = g.shape[2]
        for j in range(k):        # output t saw input t + j through weight j
            grad_x[:, :, j:j + L_out] += np.einsum("not,oc->nct", g, W[:, :, j])
        return grad_x


class Conv2D(_Conv):
    """A 2-D convolution ("valid") with a k x k filter, weights shared over the image.

    Shapes: x (n, c_in, H, W), W (c_out, c_in, k, k), b (c_out,), z (n, c_out, H - k + 1, W - k + 1),

        z[:, o, r, s] = sum_c sum_i sum_j W[o, c, i, j] x[:, c, r + i, s + j] + b[o].

    Backward, with g = dL/dz: the 1-D rules with two shifts (i, j) instead of one.
    """

    dims = 2

    def forward(self, x):
        if (type(x) is not np.ndarray or x.dtype.kind != "f" or x.ndim != 4 or x.shape[1] != self.in_channels
                or min(x.shape[2:]) < self.kernel_size):
            x = self._checked_input(x)
        self.x = x
        k = self.kernel_size
        windows = sliding_window_view(x, (k, k), axis=(2, 3))         # (n, c_in, H_out, W_out, k, k)
        self.z = (np.einsum("ncrsij,ocij->nors", windows, self.params["W"], optimize=True)
                  + self.params["b"][:, None, None])
        return self.z

    def backward(self, grad_out):
        x, W, k = self.x, self.params["W"], self.kernel_size
        g = self._checked_grad(grad_out, None if self.z is None else self.z.shape)
        windows = sliding_window_view(x, (k, k), axis=(2, 3))
        self.grads["W"] += np.einsum("nors,ncrsij->ocij", g, windows, optimize=True)
        self.grads["b"] += g.sum(axis=(0, 2, 3))
        grad_x = np.zeros_like(x)
        H_out, W_out = g.shape[2:]
        for i in range(k):
            for j in range(k):
                grad_x[:, :, i:i + H_out, j:j + W_out] += np.einsum("nors,oc->ncrs", g, W[:, :, i, j],
                                                                    optimize=True)
        return grad_x


class MaxOverPositions(Layer):
    """Each channel's largest value over all positions: (n, c, positions...) -> (n, c).

    "Is the pattern anywhere?": after a convolution, the answer no longer depends on where.
    Backward sends each gradient to the position that won (the first one, on a tie), 0 elsewhere.
    """

    def __init__(self):
        super().__init__()
        self.x = self.winner = None

    def forward(self, x):
        if type(x) is not np.ndarray or x.dtype.kind != "f" or x.ndim < 3:
            x = layer_array(x, "input", f"{self!r}.forward")
            if x.ndim < 3 or 0 in x.shape[2:]:
                raise ValueError(f"{self!r}.forward expects (n, channels, positions...) with at least "
                                 f"one position, got shape {x.shape}; it follows a Conv1D or Conv2D.")
        self.x = x
        flat = x.reshape(x.shape[0], x.shape[1], -1)
        self.winner = flat.argmax(axis=2)                               # (n, c)
        return np.take_along_axis(flat, self.winner[:, :, None], axis=2)[:, :, 0]

    def backward(self, grad_out):
        x = self.x
        g = self._checked_grad(grad_out, None if x is None else x.shape[:2])
        grad_x = np.zeros((x.shape[0], x.shape[1], int(np.prod(x.shape[2:]))))
        np.put_along_axis(grad_x, self.winner[:, :, None], g[:, :, None], axis=2)
        return grad_x.reshape(x.shape)

    def output_width(self, width):
        return None

    def __repr__(self):
        return "MaxOverPositions()"


class Flatten(Layer):
    """(n, d1, d2, ...) -> (n, d1 * d2 * ...), so that a Dense layer can follow; backward reshapes back."""

    def __init__(self):
        super().__init__()
        self.shape = None

    def forward(self, x):
        if type(x) is not np.ndarray or x.dtype.kind != "f" or x.ndim < 2:
            x = layer_array(x, "input", f"{self!r}.forward")
            if x.ndim < 2:
                raise ValueError(f"{self!r}.forward expects (n, ...) with a batch axis, got shape {x.shape}.")
        self.shape = x.shape
        return x.reshape(len(x), -1)

    def backward(self, grad_out):
        shape = self.shape
        g = self._checked_grad(grad_out, None if shape is None else (shape[0], int(np.prod(shape[1:]))))
        return g.reshape(shape)

    def output_width(self, width):
        return None

    def __repr__(self):
        return "Flatten()"


class Reshape(Layer):
    """(n, ...) -> (n, *shape), e.g. ``Reshape((1, 8, 8))`` turns rows of 64 pixels into one-channel
    8 x 8 images for a Conv2D, ``Reshape((1, -1))`` a batch of sequences into one channel each.
    Backward reshapes the gradient back to the input's shape."""

    def __init__(self, shape):
        super().__init__()
        if not isinstance(shape, tuple) or not all(isinstance(s, int) for s in shape):
            raise TypeError(f"shape must be a tuple of ints such as (1, 8, 8), got {shape!r}.")
        self.shape, self.x_shape = shape, None

    def forward(self, x):
        x = layer_array(x, "input", f"{self!r}.forward")
        try:
            out = x.reshape((len(x),) + self.shape)
        except ValueError:
            raise ValueError(f"{self!r} cannot reshape input of shape {x.shape}: each sample has "
                             f"{x[0].size if len(x) else 0} numbers.") from None
        self.x_shape = x.shape
        return out

    def backward(self, grad_out):
        if self.x_shape is None:
            raise RuntimeError(f"{self!r}.backward needs forward(x) first.")
        return np.asarray(grad_out, dtype=np.float64).reshape(self.x_shape)

    def output_width(self, width):
        return None

    def __repr__(self):
        return f"Reshape({self.shape})"


def banded_matrix(w, length):
    """The (L - k + 1, L) matrix W of the 1-D filter ``w`` (k numbers) on inputs of ``length`` L.

    Row t holds w in columns t .. t + k - 1 and zeros elsewhere, so x W^T is the convolution of x
    with w: a Dense layer with L - k + 1 units whose weights are all copies of the same k numbers.
    """
    w = as_float_array(w, "w", ndim=1)
    length = check_number(length, "length", low=1, integer=True)
    k = len(w)
    if k == 0 or k > length:
        raise ValueError(f"w must hold between 1 and length = {length} numbers, got {k}.")
    W = np.zeros((length - k + 1, length))
    for t in range(length - k + 1):
        W[t, t:t + k] = w
    return W


def dense_parameters(n_in, n_out):
    """Parameters of a Dense layer from ``n_in`` to ``n_out`` features: n_out * n_in + n_out."""
    n_in = check_number(n_in, "n_in", low=1, integer=True)
    n_out = check_number(n_out, "n_out", low=1, integer=True)
    return n_out * n_in + n_out
