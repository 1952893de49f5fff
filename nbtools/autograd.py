"""Automatic differentiation on scalars, and the chapter's small neural network built on it.

A ``Value`` holds one number (``data``) and, after ``backward()``, the derivative of the final
result with respect to it (``grad``). Every operation on Values makes a new Value that remembers
its inputs (at most two, ``_a`` and ``_b``), the operation (``_op``), and the *local derivatives*
``_da = d out / d a`` and ``_db = d out / d b``, worked out while the forward value is computed.
Together the nodes form the computation graph. ``backward()`` walks it from the result back to
the inputs and applies the chain rule at every node::

    a.grad += da * out.grad

That one line is all of backpropagation. The ``+=`` matters: a Value used twice (``a + a``)
receives a contribution from each use.

On top of the engine sit the chapter's ``Neuron``, ``Layer`` and ``NeuralNetwork`` (ReLU hidden
layers, a sigmoid output, binary cross-entropy loss) and a mini-batch ``train`` loop.

Why this is quick for a pure-Python engine (about ten times faster per epoch than the
closure-based original on the chapter's task; ``benchmarks/autograd.py`` measures it): a node
stores numbers, not a closure, so the graph has no reference cycles and Python frees it the
moment the loss is dropped, leaving nothing for the garbage collector to chase (``train`` even
pauses the collector's pointless scans, see ``gc_paused``); ``__slots__`` keeps every node
small; and the topological sort is a loop, not a recursion, so a graph 100,000 operations deep
back-propagates without hitting Python's recursion limit.

To add an operation, compute the output and its local derivative(s) and return
``_node(out, "name", a, da)`` (one input) or ``_node(out, "name", a, da, b, db)`` (two inputs).

Example
-------
>>> a = Value(2.0, label="a")
>>> b = Value(-3.0, label="b")
>>> c = a * b + a          # c = ab + a
>>> c.backward()
>>> a.grad, b.grad         # dc/da = b + 1, dc/db = a
(-2.0, 2.0)
"""
import contextlib
import gc
import math
import numbers
import warnings

import numpy as np

from ._checks import as_float_array, as_labels, check_choice, check_number, make_rng


def _constant(x, op):
    """Return a plain Python number operand as a float, or explain why it cannot be used."""
    if type(x) is float:
        return x
    if isinstance(x, numbers.Real):
        return float(x)
    hint = ""
    if hasattr(x, "shape") or isinstance(x, (list, tuple)):
        hint = " To combine a Value with an array, loop over its entries."
    raise TypeError(
        f"Cannot compute Value {op} {type(x).__name__}: the other operand must be a Value or a "
        f"real number (int or float), got {x!r}.{hint} Convert it first, e.g. float(x) or Value(x)."
    )


class Value:
    """One scalar in a computation graph: its value ``data`` and gradient ``grad``.

    Parameters
    ----------
    data : float
        The number this leaf holds.
    label : str, optional
        A name shown when the graph is drawn (``graphdraw.draw_graph``).

    Operations ``+ - * / **`` (with a Value or a Python number on either side), ``-x``,
    ``exp``, ``log``, ``tanh``, ``sigmoid`` and ``relu`` return new Values. Python numbers are
    constants: they need no gradient, so they get no node of their own.

    Attributes
    ----------
    data : float
    grad : float
        d(root)/d(this value) after ``root.backward()``; starts at 0.0 and accumulates.
    _op : str
        The operation that made this value ('' for a leaf), e.g. '+', '*', 'relu'.
    _a, _b : Value or None
        The inputs of that operation (``_b`` is None for one-input operations; for ``a * a``
        both are the same Value). ``_prev`` gives them as a tuple.
    _da, _db : float
        The local derivatives d(this value)/d(_a) and d(this value)/d(_b).
    _seen : object
        Scratch mark used by ``topological_order`` to note the nodes it has reached.

    Example
    -------
    >>> x = Value(3.0)
    >>> y = x ** 2          # dy/dx = 2x = 6
    >>> y.backward()
    >>> x.grad
    6.0
    """

    __slots__ = ("data", "grad", "label", "_op", "_a", "_da", "_b", "_db", "_seen")
    __array_ufunc__ = None  # numpy defers to Value: np.float64(2) * v calls v.__rmul__

    def __init__(self, data, label=""):
        if type(data) is not float:
            if isinstance(data, Value) or not isinstance(data, numbers.Real):
                raise TypeError(
                    f"Value(data) needs a real number (int or float), got {data!r} of type "
                    f"{type(data).__name__}. Pass a number, e.g. Value(3.0) or Value(float(x))."
                )
            data = float(data)
        if not isinstance(label, str):
            raise TypeError(f"label must be a string such as 'w1', got {type(label).__name__}.")
        self.data = data
        self.grad = 0.0
        self.label = label
        self._op = ""
        self._a, self._da = None, 0.0
        self._b, self._db = None, 0.0
        self._seen = None

    @property
    def _prev(self):
        """The inputs this Value was computed from, as a tuple (empty for a leaf)."""
        if self._a is None:
            return ()
        return (self._a,) if self._b is None else (self._a, self._b)

    children = _prev

    # ---- two inputs: out = f(a, b), with da = d out / d a and db = d out / d b ----

    def __add__(self, other):
        """a + b;  da = 1, db = 1."""
        if isinstance(other, Value):
            return _node(self.data + other.data, "+", self, 1.0, other, 1.0)
        return _node(self.data + _constant(other, "+"), "+", self, 1.0)

    __radd__ = __add__

    def __mul__(self, other):
        """a * b;  da = b, db = a."""
        if isinstance(other, Value):
            return _node(self.data * other.data, "*", self, other.data, other, self.data)
        c = _constant(other, "*")
        return _node(self.data * c, "*", self, c)

    __rmul__ = __mul__

    def __sub__(self, other):
        """a - b;  da = 1, db = -1."""
        if isinstance(other, Value):
            return _node(self.data - other.data, "-", self, 1.0, other, -1.0)
        return _node(self.data - _constant(other, "-"), "-", self, 1.0)

    def __rsub__(self, other):
        """c - a for a number c;  da = -1."""
        return _node(_constant(other, "-") - self.data, "-", self, -1.0)

    def __neg__(self):
        """-a;  da = -1."""
        return _node(-self.data, "neg", self, -1.0)

    def __truediv__(self, other):
        """a / b;  da = 1/b, db = -a/b**2."""
        a = self.data
        if isinstance(other, Value):
            b = other.data
            if b == 0.0:
                raise ZeroDivisionError(f"Division by a Value holding 0.0 ({a} / 0.0).")
            return _node(a / b, "/", self, 1.0 / b, other, -a / (b * b))
        c = _constant(other, "/")
        if c == 0.0:
            raise ZeroDivisionError(f"Division of a Value by the number 0 ({a} / 0).")
        return _node(a / c, "/", self, 1.0 / c)

    def __rtruediv__(self, other):
        """c / a for a number c;  da = -c/a**2."""
        c, a = _constant(other, "/"), self.data
        if a == 0.0:
            raise ZeroDivisionError(f"Division of {c} by a Value holding 0.0.")
        return _node(c / a, "/", self, -c / (a * a))

    def __pow__(self, p):
        """a ** p for a number p;  da = p * a**(p - 1).

        At a = 0 the derivative is 0 for p >= 1 or p = 0, and infinite for 0 < p < 1.
        """
        if isinstance(p, Value):
            raise TypeError(
                "Value ** Value is not supported: the exponent must be a number. For a Value "
                "exponent y write (y * x.log()).exp(), which equals x ** y for x > 0."
            )
        p = _constant(p, "**")
        out, da = power(self.data, p, "Value")
        return _node(out, f"**{p:g}", self, da)

    def __rpow__(self, other):
        """c ** a for a number c > 0;  da = c**a * ln(c)."""
        c = _constant(other, "**")
        if c <= 0.0:
            raise ValueError(f"number ** Value needs a positive base, got {c}.")
        out = power(c, self.data, "number")[0]
        return _node(out, "**", self, out * math.log(c))

    # ---- one input: out = f(a), with da = d out / d a ----

    def exp(self):
        """e**a;  da = e**a."""
        out = exp(self.data)
        return _node(out, "exp", self, out)

    def log(self):
        """Natural logarithm ln(a), for a > 0;  da = 1/a."""
        a = self.data
        if a <= 0.0:
            raise ValueError(
                f"log is defined only for positive numbers, got log({a}). If this is a "
                f"probability in a loss, add a small eps inside the log: (p + 1e-8).log()."
            )
        return _node(math.log(a), "log", self, 1.0 / a)

    def tanh(self):
        """tanh(a);  da = 1 - tanh(a)**2."""
        t = math.tanh(self.data)
        return _node(t, "tanh", self, 1.0 - t * t)

    def sigmoid(self):
        """sigma(a) = 1 / (1 + e**-a);  da = sigma(a) * (1 - sigma(a)).

        Written so that e**|a| is never formed: no overflow for large |a|.
        """
        a = self.data
        if a >= 0.0:
            s = 1.0 / (1.0 + math.exp(-a))
        else:
            e = math.exp(a)
            s = e / (1.0 + e)
        return _node(s, "sigmoid", self, s * (1.0 - s))

    def relu(self):
        """max(0, a);  da = 1 if a > 0 else 0.

        At a = 0 the derivative is taken to be 0 (the chapter's ``out.data > 0`` rule; PyTorch
        does the same).
        """
        a = self.data
        return _node(0.0 if a < 0.0 else a, "relu", self, 1.0 if a > 0.0 else 0.0)

    # ---- backpropagation ----

    def backward(self):
        """Fill ``grad`` of every Value this one depends on with d(self)/d(that value).

        Sets ``self.grad = 1.0`` (d self / d self), then visits the nodes from this one back to
        the leaves, each node only after every node that uses it (reverse topological order),
        and applies the chain rule ``a.grad += da * out.grad``. Gradients accumulate: zero the
        parameters' gradients (``zero_grad``) before the next backward pass.
        """
        order = topological_order(self)
        self.grad = 1.0
        for out in reversed(order):
            if out._a is not None:
                out._a.grad += out._da * out.grad
                if out._b is not None:
                    out._b.grad += out._db * out.grad

    def zero_grad(self):
        """Set ``grad`` to 0.0 on this Value and every Value it depends on."""
        for v in topological_order(self):
            v.grad = 0.0

    def __repr__(self):
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"


_new_value = object.__new__


def power(a, p, kind):
    """a ** p and its derivative p * a**(p - 1) for floats (Value and Dual share it), or a clear error.

    At a = 0 the derivative is 0 for p >= 1 or p = 0, and infinite for 0 < p < 1. ``kind`` names
    the base in the messages ("Value", "Dual").
    """
    if a < 0.0 and not p.is_integer():
        raise ValueError(
            f"Cannot raise a negative {kind} ({a}) to the non-integer power {p}: the result "
            f"is not a real number. Use an integer power or keep the base positive."
        )
    if a == 0.0 and p < 0.0:
        raise ZeroDivisionError(f"Cannot raise a {kind} holding 0.0 to the negative power {p}.")
    try:
        out = a ** p
        da = 0.0 if p == 0.0 else math.inf if a == 0.0 and p < 1.0 else p * a ** (p - 1.0)
    except OverflowError:
        raise OverflowError(f"{a} ** {p} is too large for a float (the limit is about 1.8e308). "
                            f"The values are diverging: lower the learning rate or rescale the "
                            f"inputs.") from None
    return out, da


def exp(a):
    """math.exp(a), with an OverflowError that says what to do when a > 709."""
    try:
        return math.exp(a)
    except OverflowError:
        raise OverflowError(
            f"exp({a}) is too large for a float (the limit is about exp(709)). "
            f"The values are diverging: lower the learning rate or rescale the inputs."
        ) from None


def _node(data, op, a, da, b=None, db=0.0):
    """The Value made by operation ``op`` from ``a`` (and ``b``), with local derivatives.

    ``da`` is d data / d a and ``db`` is d data / d b. (Builds the object directly, without
    ``Value.__init__``'s input checks: the engine's own numbers need no checking.)
    """
    out = _new_value(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._op = op
    out._a, out._da = a, da
    out._b, out._db = b, db
    out._seen = None
    return out


def topological_order(root):
    """Every Value ``root`` depends on (``root`` included), each listed after its inputs.

    A depth-first search with an explicit stack instead of recursion, so a graph of any depth
    works: look at the node on top of the stack; if it has an input not seen yet, push that
    input; otherwise all its inputs are listed, so list the node and pop it.

    "Seen" is a stamp: each search makes a fresh token and writes it into the ``_seen`` slot of
    every node it reaches. (A ``set`` of seen nodes does the same job, about a third slower.)

    Example
    -------
    >>> a = Value(1.0); b = a * 2; c = b + a
    >>> [v.data for v in topological_order(c)]
    [1.0, 2.0, 3.0]
    """
    if not isinstance(root, Value):
        raise TypeError(f"root must be a Value, got {type(root).__name__}.")
    token = object()  # unique to this search
    root._seen = token
    order, stack = [], [root]
    while stack:
        node = stack[-1]
        a, b = node._a, node._b
        if a is not None and a._seen is not token:
            a._seen = token
            stack.append(a)
        elif b is not None and b._seen is not token:
            b._seen = token
            stack.append(b)
        else:
            stack.pop()
            order.append(node)
    return order


def trace(root):
    """The graph behind ``root``, for drawing: ``(nodes, edges)``.

    ``nodes`` lists every Value in topological order (inputs first); ``edges`` lists
    ``(child, parent)`` pairs, each distinct pair once (``a + a`` gives one edge a -> out).

    Example
    -------
    >>> a = Value(1.0); c = a * a + 1
    >>> nodes, edges = trace(c)
    >>> len(nodes), len(edges)
    (3, 2)
    """
    nodes = topological_order(root)
    edges, seen = [], set()
    for parent in nodes:
        for child in parent._prev:
            if (id(child), id(parent)) not in seen:
                seen.add((id(child), id(parent)))
                edges.append((child, parent))
    return nodes, edges


def zero_grad(values):
    """Set ``grad = 0.0`` on each Value in ``values`` (e.g. ``model.parameters()``)."""
    for v in values:
        v.grad = 0.0


# ---------------------------------------------------------------------------------------------
# The chapter's network: Neuron -> Layer -> NeuralNetwork
# ---------------------------------------------------------------------------------------------

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


@contextlib.contextmanager
def gc_paused():
    """Pause Python's cycle collector inside a ``with`` block; restore it on the way out.

    Python frees most objects by reference counting, the moment nothing points to them. Objects
    that point at each other in a cycle need the separate cycle collector, which wakes up every
    few hundred new objects and scans the young ones. A training step makes thousands of nodes;
    because a node only points to its inputs (no closures pointing back), the graph has no
    cycles and reference counting frees all of it when the step ends, so those scans find
    nothing and only cost time (about a tenth of an epoch here). If the collector was already
    off, it stays off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
    for epoch in range(n_epochs):
        order = rng.permutation(n).tolist()
        total = 0.0
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            with gc_paused():  # see gc_paused: the graph has no cycles to collect
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
