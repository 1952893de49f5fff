"""Automatic differentiation on scalars: the ``Value`` engine of the chapter (micrograd's design).

A ``Value`` holds one number (``data``) and, after ``backward()``, the derivative of the final
result with respect to it (``grad``). Every operation on Values makes a new Value that remembers
its inputs (at most two, ``_a`` and ``_b``), the operation (``_op``), and the *local derivatives*
``_da = d out / d a`` and ``_db = d out / d b``, worked out while the forward value is computed.
Together the nodes form the computation graph. ``backward()`` walks it from the result back to
the inputs and applies the chain rule at every node::

    a.grad += da * out.grad        # local derivative times upstream gradient

That one line is all of backpropagation. The ``+=`` matters: a Value used twice (``a + a``)
receives a contribution from each use.

Every operation follows one recipe: compute the output number and its local derivative(s), and
return ``Value(out, op, a, da)`` (one input) or ``Value(out, op, a, da, b, db)`` (two inputs), a
new node that remembers them. A new operation is written the same way, e.g. the sine of ``x``::

    Value(math.sin(x.data), "sin", x, math.cos(x.data))

The chapter's network built from Values (``Neuron``, ``Layer``, ``NeuralNetwork``, ``train``) is
in ``autograd_nn``.

Example
-------
>>> a = Value(2.0, label="a")
>>> b = Value(-3.0, label="b")
>>> c = a * b + a          # c = ab + a
>>> c.backward()
>>> a.grad, b.grad         # dc/da = b + 1, dc/db = a
(-2.0, 2.0)
"""
import math
import numbers


class Value:
    """One scalar in a computation graph: its value ``data`` and gradient ``grad``.

    ``Value(3.0)`` is a leaf (an input or a parameter); ``Value(out, op, a, da, b, db)`` is the
    node an operation makes (see the module docstring).

    Parameters
    ----------
    data : float
        The number this Value holds.
    op : str, optional
        The operation that made this Value, e.g. "+" or "tanh" ("" for a leaf).
    a, b : Value, optional
        The operation's inputs (``b`` only for two-input operations such as ``a * b``).
    da, db : float, optional
        The local derivatives d data / d a and d data / d b.
    label : str, optional, keyword only
        A name shown when the graph is drawn (``graphdraw.draw_graph``).

    Operations ``+ - * / **`` (with a Value or a Python number on either side), ``-x``,
    ``exp``, ``log``, ``tanh``, ``sigmoid`` and ``relu`` return new Values. Python numbers are
    constants: they need no gradient, so they get no node of their own.

    Attributes: ``data``, ``label``, and ``_op, _a, _da, _b, _db`` as given (``_b`` is None for
    one-input operations; ``_prev`` gives the inputs as a tuple); ``grad``, d(root)/d(this
    value) after ``root.backward()``, which starts at 0.0 and accumulates.

    Example
    -------
    >>> x = Value(3.0)
    >>> y = x ** 2          # dy/dx = 2x = 6
    >>> y.backward()
    >>> x.grad
    6.0
    >>> s = Value(0.0)
    >>> y = Value(math.sin(s.data), "sin", s, math.cos(s.data))   # a new operation: sin(s)
    >>> y.backward()
    >>> s.grad
    1.0
    """

    __slots__ = ("data", "grad", "label", "_op", "_a", "_da", "_b", "_db")
    __array_ufunc__ = None  # numpy defers to Value: np.float64(2) * v calls v.__rmul__

    def __init__(self, data, op="", a=None, da=0.0, b=None, db=0.0, *, label=""):
        # Check the arguments (quickly when they are what the operations pass: floats, Values).
        if not (type(data) is type(da) is type(db) is float):
            data, da, db = _real(data, "data"), _real(da, "da"), _real(db, "db")
        if not (type(label) is str and (a is None or type(a) is Value)
                and (b is None or type(b) is Value)):
            _check_node(op, a, b, label)
        self.data = data
        self.grad = 0.0
        self.label = label
        self._op = op
        self._a, self._da = a, da
        self._b, self._db = b, db

    @property
    def _prev(self):
        """The inputs this Value was computed from, as a tuple (empty for a leaf)."""
        return tuple(v for v in (self._a, self._b) if v is not None)

    # ---- arithmetic: out = f(a, b) with da = d out / d a, db = d out / d b ----
    # (A Python number c on either side is a constant: the node has one input, a.)

    def __add__(self, other):
        """a + b;  da = 1, db = 1."""
        if isinstance(other, Value):
            return Value(self.data + other.data, "+", self, 1.0, other, 1.0)
        return Value(self.data + _constant(other, "+"), "+", self, 1.0)

    __radd__ = __add__  # c + a = a + c

    def __mul__(self, other):
        """a * b;  da = b, db = a."""
        if isinstance(other, Value):
            return Value(self.data * other.data, "*", self, other.data, other, self.data)
        c = _constant(other, "*")
        return Value(self.data * c, "*", self, c)

    __rmul__ = __mul__  # c * a = a * c

    def __sub__(self, other):
        """a - b;  da = 1, db = -1."""
        if isinstance(other, Value):
            return Value(self.data - other.data, "-", self, 1.0, other, -1.0)
        return Value(self.data - _constant(other, "-"), "-", self, 1.0)

    def __rsub__(self, other):
        """c - a;  da = -1."""
        return Value(_constant(other, "-") - self.data, "-", self, -1.0)

    def __neg__(self):
        """-a;  da = -1."""
        return Value(-self.data, "neg", self, -1.0)

    def __truediv__(self, other):
        """a / b;  da = 1/b, db = -a/b**2."""
        if isinstance(other, Value):
            a, b = self.data, other.data
            if b == 0.0:
                raise ZeroDivisionError(f"Division by a Value holding 0.0 ({a} / 0.0).")
            return Value(a / b, "/", self, 1.0 / b, other, -a / (b * b))
        c = _constant(other, "/")
        if c == 0.0:
            raise ZeroDivisionError(f"Division of a Value by the number 0 ({self.data} / 0).")
        return Value(self.data / c, "/", self, 1.0 / c)

    def __rtruediv__(self, other):
        """c / a;  da = -c/a**2."""
        c, a = _constant(other, "/"), self.data
        if a == 0.0:
            raise ZeroDivisionError(f"Division of {c} by a Value holding 0.0.")
        return Value(c / a, "/", self, -c / (a * a))

    def __pow__(self, p):
        """a ** p for a number p;  da = p * a**(p - 1)."""
        if isinstance(p, Value):
            raise TypeError(
                "Value ** Value is not supported: the exponent must be a number. For a Value "
                "exponent y write (y * x.log()).exp(), which equals x ** y for x > 0."
            )
        p = _constant(p, "**")
        out, da = power(self.data, p, "Value")
        return Value(out, f"**{p:g}", self, da)

    def __rpow__(self, other):
        """c ** a for c > 0;  da = c**a * ln(c)."""
        c = _constant(other, "**")
        if c <= 0.0:
            raise ValueError(f"number ** Value needs a positive base, got {c}.")
        out = power(c, self.data, "number")[0]
        return Value(out, "**", self, out * math.log(c))

    # ---- functions of one input: out = f(a) with da = d out / d a ----

    def exp(self):
        """e**a;  da = e**a."""
        out = exp(self.data)
        return Value(out, "exp", self, out)

    def log(self):
        """Natural logarithm ln(a), for a > 0;  da = 1/a."""
        a = self.data
        if a <= 0.0:
            raise ValueError(
                f"log is defined only for positive numbers, got log({a}). If this is a "
                f"probability in a loss, add a small eps inside the log: (p + 1e-8).log()."
            )
        return Value(math.log(a), "log", self, 1.0 / a)

    def tanh(self):
        """tanh(a);  da = 1 - tanh(a)**2."""
        t = math.tanh(self.data)
        return Value(t, "tanh", self, 1.0 - t * t)

    def sigmoid(self):
        """sigma(a) = 1 / (1 + e**-a);  da = sigma(a) * (1 - sigma(a))."""
        s = sigmoid(self.data)
        return Value(s, "sigmoid", self, s * (1.0 - s))

    def relu(self):
        """max(0, a);  da = 1 if a > 0 else 0.

        At a = 0 the derivative is taken to be 0 (the chapter's ``out.data > 0`` rule; PyTorch
        does the same).
        """
        a = self.data
        return Value(max(a, 0.0), "relu", self, 1.0 if a > 0.0 else 0.0)

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
        zero_grad(topological_order(self))

    def __repr__(self):
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"


def topological_order(root):
    """Every Value ``root`` depends on (``root`` included), each listed after its inputs.

    A depth-first search with an explicit stack instead of recursion, so a graph of any depth
    works: look at the node on top of the stack; if it has an input not visited yet, push that
    input; otherwise all its inputs are listed, so list the node and pop it.

    Example
    -------
    >>> a = Value(1.0); b = a * 2; c = b + a
    >>> [v.data for v in topological_order(c)]
    [1.0, 2.0, 3.0]
    """
    if not isinstance(root, Value):
        raise TypeError(f"root must be a Value, got {type(root).__name__}.")
    order, visited, stack = [], {root}, [root]
    while stack:
        node = stack[-1]
        a, b = node._a, node._b
        if a is not None and a not in visited:
            visited.add(a)
            stack.append(a)
        elif b is not None and b not in visited:
            visited.add(b)
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
    edges = []
    for parent in nodes:
        for child in dict.fromkeys(parent._prev):  # a + a: one edge, not two
            edges.append((child, parent))
    return nodes, edges


def zero_grad(values):
    """Set ``grad = 0.0`` on each Value in ``values`` (e.g. ``model.parameters()``)."""
    for v in values:
        v.grad = 0.0


# ---- the numbers behind the operations (``forward_mode.Dual`` uses them too) ----

def power(a, p, kind):
    """a ** p and its derivative p * a**(p - 1) for floats, or an error that says what is wrong.

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
        if p == 0.0:
            da = 0.0
        elif a == 0.0 and p < 1.0:
            da = math.inf
        else:
            da = p * a ** (p - 1.0)
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


def sigmoid(a):
    """1 / (1 + e**-a) for a float, written so that e**|a| is never formed (no overflow)."""
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


# ---- input checks at the public boundary ----

def _constant(x, op):
    """A plain Python number operand as a float, or a TypeError that says what to pass."""
    if isinstance(x, (float, int)) or isinstance(x, numbers.Real):  # the quick test first
        return float(x)
    hint = ""
    if hasattr(x, "shape") or isinstance(x, (list, tuple)):
        hint = " To combine a Value with an array, loop over its entries."
    raise TypeError(
        f"Cannot compute Value {op} {type(x).__name__}: the other operand must be a Value or a "
        f"real number (int or float), got {x!r}.{hint} Convert it first, e.g. float(x) or Value(x)."
    )


def _real(x, name):
    """``data``, ``da`` and ``db`` of a Value are real numbers: ``x`` as a float, or explain."""
    if isinstance(x, numbers.Real):
        return float(x)
    fix = "such as v.data, not the Value v itself" if isinstance(x, Value) else "e.g. Value(3.0)"
    raise TypeError(f"Value({name}) needs a real number (int or float), got {x!r} of type "
                    f"{type(x).__name__}. Pass a number, {fix}.")


def _check_node(op, a, b, label):
    """The operation's name and the label are strings, the inputs ``a`` and ``b`` Values."""
    if not isinstance(label, str):
        raise TypeError(f"label must be a string such as 'w1', got {type(label).__name__}.")
    if not isinstance(op, str):
        raise TypeError(f"op must be the operation's name, a string such as 'sin', got "
                        f"{type(op).__name__}. The order is Value(data, op, a, da, b, db).")
    for name, v in (("a", a), ("b", b)):
        if v is not None and not isinstance(v, Value):
            raise TypeError(f"The input {name} of a new node must be a Value (the node the "
                            f"operation reads, e.g. a=x), got {type(v).__name__}; pass the Value, "
                            f"not its number.")
