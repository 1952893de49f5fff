"""A neural network written as neurons and edges, one number at a time.

This is the picture the introduction starts from: a network is a graph. Every neuron has an id
(1, 2, 3, ...) and a kind:

- an **input** neuron receives one number of the input and passes it on unchanged;
- a **bias** neuron has no incoming edges and always outputs 1;
- every other neuron is **hidden** or **output** (output = no outgoing edges). It adds up the
  outputs of the neurons that point at it, each times the weight on that edge, and applies its
  function (its *activation*) to that sum.

The weight of an edge ``i -> j`` belongs to the receiving neuron ``j``, so it is stored with ``j``:
``net.w[j][i]``. The network is evaluated layer by layer (``forward``) and differentiated layer by
layer in reverse (``backward``), exactly the three steps of the introduction, and every neuron's
input ``z``, output ``a`` and ``delta`` stay on the network for you to look at.

``running_example()`` builds the introduction's 9-neuron network with concrete weights,
``to_matrices()`` shows that a layered network is the same computation written as matrices, and
``graphdraw.draw_network(net)`` draws any network.

Longer than 400 lines for one concept: the class is most of it, and much of the class checks the
graph a student builds (no cycles, known ids, one weight per edge) with errors that say how to fix it.
"""
import math
import numbers

import numpy as np

from ._checks import as_float_array, check_choice, check_number


def sigmoid(z):
    """The logistic function sigma(z) = 1 / (1 + e^(-z)) of one number, written so that no exp overflows."""
    if type(z) is not float and not isinstance(z, numbers.Real):
        raise TypeError(f"sigmoid takes one number z, got {type(z).__name__}; for an array use "
                        f"layers.Sigmoid().forward(z) or 1 / (1 + np.exp(-z)).")
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


# name -> (f, f'), both functions of the neuron's input z.
ACTIVATIONS = {
    "sigmoid": (sigmoid, lambda z: sigmoid(z) * (1.0 - sigmoid(z))),  # sigma' = sigma (1 - sigma)
    "relu": (lambda z: max(z, 0.0), lambda z: 1.0 if z > 0 else 0.0),
    "tanh": (math.tanh, lambda z: 1.0 - math.tanh(z) ** 2),
    "identity": (lambda z: z, lambda z: 1.0),
}
ALIASES = {"logistic": "sigmoid", "linear": "identity"}


class GraphNetwork:
    """A feed-forward network given by its neurons and weighted edges.

    Parameters
    ----------
    neurons : dict, optional
        ``{id: kind}`` where kind is ``"input"``, ``"bias"`` or an activation name
        (``"sigmoid"``, ``"relu"``, ``"tanh"``, ``"identity"``; aliases ``"logistic"``,
        ``"linear"``). Ids are ints, as in the text.
    edges : iterable of (src, dst, weight), optional
        One triple per edge ``src -> dst``.

    The same network can be built step by step with ``add_input``, ``add_bias``,
    ``add_neuron`` and ``add_edge``. Each neuron j that is not an input or a bias computes

        z_j = sum over edges i -> j of  w_ij * a_i,        a_j = f_j(z_j).

    Example
    -------
    >>> net = GraphNetwork({1: "input", 2: "bias", 3: "sigmoid"}, [(1, 3, 2.0), (2, 3, -1.0)])
    >>> net.forward([1.0])          # sigma(2 * 1 - 1 * 1) = sigma(1)
    array([0.73105858])
    """

    def __init__(self, neurons=None, edges=()):
        self.kinds = {}        # id -> "input" | "bias" | "neuron"
        self.activation = {}   # id -> activation name, for hidden and output neurons
        self.w = {}            # id -> {sender id: weight}: weights belong to the receiving neuron
        self.z, self.a, self.delta, self.edge_grad = {}, {}, {}, {}
        if neurons is not None:
            if not isinstance(neurons, dict):
                raise TypeError(
                    f"neurons must be a dict {{id: kind}} such as {{1: 'input', 2: 'bias', "
                    f"3: 'sigmoid'}}; got {type(neurons).__name__}."
                )
            for nid, kind in neurons.items():
                if kind == "input":
                    self.add_input(nid)
                elif kind == "bias":
                    self.add_bias(nid)
                else:
                    self.add_neuron(nid, kind)
        for edge in edges:
            if not isinstance(edge, (tuple, list)) or len(edge) != 3:
                raise ValueError(
                    f"each edge must be a triple (src, dst, weight), got {edge!r}; "
                    f"for example (1, 3, 0.5) is the edge 1 -> 3 with weight 0.5."
                )
            self.add_edge(*edge)

    # ---- building ---------------------------------------------------------------------------
    def _add(self, nid, kind):
        if isinstance(nid, bool) or not isinstance(nid, numbers.Integral):
            raise TypeError(f"neuron ids are ints (1, 2, 3, ... as in the text); got {nid!r}.")
        if nid in self.kinds:
            raise ValueError(
                f"neuron {nid} already exists (as a {self.kind(nid)} neuron); pick a new id."
            )
        self.kinds[int(nid)] = kind
        self.w[int(nid)] = {}
        return self

    def add_input(self, nid):
        """Add an input neuron: it outputs the input value it is given and applies no function."""
        return self._add(nid, "input")

    def add_bias(self, nid):
        """Add a bias neuron: it has no incoming edges and always outputs 1."""
        return self._add(nid, "bias")

    def add_neuron(self, nid, activation="sigmoid"):
        """Add a hidden or output neuron with ``a = f(z)``; f is named by ``activation``."""
        name = check_choice(activation, "activation", set(ACTIVATIONS) | set(ALIASES))
        self._add(nid, "neuron")
        self.activation[int(nid)] = ALIASES.get(name, name)
        return self

    def add_edge(self, src, dst, weight):
        """Add the edge ``src -> dst`` with ``weight``, stored with the receiving neuron ``dst``."""
        self._check_known(src, "src")
        self._check_known(dst, "dst")
        weight = check_number(weight, "weight")
        if self.kinds[dst] != "neuron":
            raise ValueError(
                f"dst={dst} is a {self.kinds[dst]} neuron, and {self.kinds[dst]} neurons take no "
                f"incoming edges; point the edge at a hidden or output neuron instead."
            )
        if src in self.w[dst]:
            raise ValueError(
                f"the edge {src} -> {dst} already exists (weight {self.w[dst][src]}); "
                f"use set_weight({src}, {dst}, value) to change it."
            )
        if self._leads_to(dst, src):
            raise ValueError(
                f"the edge {src} -> {dst} would close a cycle ({dst} already leads to {src}); "
                f"this network must be feed-forward, so edges may only point forward."
            )
        self.w[dst][src] = weight
        return self

    def _check_known(self, nid, name):
        if isinstance(nid, bool) or not isinstance(nid, numbers.Integral):
            raise TypeError(f"{name} must be a neuron id (an int), got {nid!r}.")
        if nid not in self.kinds:
            raise ValueError(
                f"{name}={nid} is not a neuron of this network (its neurons are "
                f"{sorted(self.kinds)}); add it first with add_input, add_bias or add_neuron."
            )

    def _leads_to(self, start, goal):
        """True if a path of edges runs from neuron ``start`` to neuron ``goal``."""
        receivers, todo, seen = self._receivers(), [start], {start}
        while todo:
            j = todo.pop()
            if j == goal:
                return True
            for k in receivers[j]:
                if k not in seen:
                    seen.add(k)
                    todo.append(k)
        return False

    # ---- looking at the structure -----------------------------------------------------------
    def kind(self, nid):
        """``"input"``, ``"bias"``, ``"hidden"`` or ``"output"`` (no outgoing edges)."""
        self._check_known(nid, "nid")
        if self.kinds[nid] != "neuron":
            return self.kinds[nid]
        return "hidden" if self._receivers()[nid] else "output"

    @property
    def inputs(self):
        """Ids of the input neurons, in order: ``forward(x)`` feeds ``x[k]`` to ``inputs[k]``."""
        return sorted(j for j, kind in self.kinds.items() if kind == "input")

    @property
    def outputs(self):
        """Ids of the output neurons, in order: ``forward`` returns their outputs in this order."""
        receivers = self._receivers()
        return sorted(j for j, kind in self.kinds.items() if kind == "neuron" and not receivers[j])

    @property
    def weights(self):
        """All edges as ``{(src, dst): weight}``."""
        return {(i, j): self.w[j][i] for j in sorted(self.w) for i in sorted(self.w[j])}

    def weight(self, src, dst):
        """The weight w_{src,dst} of the edge ``src -> dst``."""
        self._check_edge(src, dst)
        return self.w[dst][src]

    def set_weight(self, src, dst, value):
        """Change the weight of the existing edge ``src -> dst`` (a slider calls this)."""
        self._check_edge(src, dst)
        self.w[dst][src] = check_number(value, "value")

    def _check_edge(self, src, dst):
        self._check_known(src, "src")
        self._check_known(dst, "dst")
        if src not in self.w[dst]:
            raise ValueError(
                f"there is no edge {src} -> {dst}; the edges into {dst} come from "
                f"{sorted(self.w[dst])}. Add it with add_edge({src}, {dst}, weight)."
            )

    def _receivers(self):
        """``{id: [ids it points to]}``, the edges read from the sending side."""
        receivers = {nid: [] for nid in self.kinds}
        for j in sorted(self.w):
            for i in self.w[j]:
                receivers[i].append(j)
        return receivers

    def depths(self):
        """Each neuron's layer number: ``{id: depth}``.

        Inputs are at depth 0; a hidden or output neuron sits one layer after the deepest
        non-bias neuron pointing at it (the longest path from the inputs); a bias neuron sits
        one layer before the first neuron it feeds. (The text counts layers from 1, so depth k
        here is the text's layer k + 1.)
        """
        receivers = self._receivers()
        n_senders = {j: len(self.w[j]) for j in self.kinds}
        ready = sorted(j for j, n in n_senders.items() if n == 0)
        depth = {}
        while ready:  # visit every neuron after all neurons pointing at it (a topological order)
            j = ready.pop(0)
            if self.kinds[j] == "input":
                depth[j] = 0
            elif self.kinds[j] == "neuron":
                senders = [depth[i] for i in self.w[j] if self.kinds[i] != "bias"]
                depth[j] = 1 + max(senders, default=0)
            for k in receivers[j]:
                n_senders[k] -= 1
                if n_senders[k] == 0:
                    ready.append(k)
        for b in (j for j, kind in self.kinds.items() if kind == "bias"):
            depth[b] = min((depth[k] for k in receivers[b]), default=1) - 1
        return depth

    def layers(self):
        """The neurons grouped layer by layer: a list of lists of ids, ``layers()[0]`` = inputs.

        For the running example: ``[[1, 2], [3, 4, 5], [6, 7, 8], [9]]``.
        """
        depth = self.depths()
        n_layers = max(depth.values(), default=-1) + 1
        return [sorted(j for j in depth if depth[j] == k) for k in range(n_layers)]

    def skip_edges(self):
        """The edges that do not go from one layer to the very next: ``[(src, dst), ...]``."""
        depth = self.depths()
        return [(i, j) for (i, j) in self.weights if depth[j] != depth[i] + 1]

    def is_layered(self):
        """True if every edge goes from layer k to layer k + 1 (the text's *layered* network)."""
        return not self.skip_edges()

    def __repr__(self):
        kinds = [self.kind(nid) for nid in self.kinds]
        parts = ", ".join(f"{kinds.count(k)} {k}" for k in ("input", "bias", "hidden", "output")
                          if k in kinds)
        shape = "layered" if self.is_layered() else "not layered"
        n, m = len(self.kinds), len(self.weights)
        return f"GraphNetwork({n} neurons: {parts}; {m} edges; {shape})"

    # ---- computing --------------------------------------------------------------------------
    def _vector(self, values, name, ids, what):
        arr = as_float_array(values, name, ndim=(0, 1)).reshape(-1)
        if len(arr) != len(ids):
            raise ValueError(
                f"{name} has {len(arr)} value(s) but the network has {len(ids)} {what} neuron(s) "
                f"{ids}; pass one value per {what} neuron, in order of id."
            )
        return [float(v) for v in arr]

    def forward(self, x):
        """Evaluate the network layer by layer and return the outputs (f: R^n -> R^m).

        ``x`` holds one value per input neuron (a plain number is fine for one input). For each
        neuron j, in layer order,

            input neuron:  a_j = x_j          bias neuron:  a_j = 1
            other neuron:  z_j = sum_i w_ij a_i,   a_j = f_j(z_j)

        Afterwards ``net.z`` and ``net.a`` hold every neuron's input and output by id.

        >>> running_example().forward(1.0)
        array([0.7797434])
        """
        if not self.inputs:
            raise ValueError("the network has no input neurons; add one with add_input(id).")
        for j, kind in self.kinds.items():
            if kind == "neuron" and not self.w[j]:
                raise ValueError(
                    f"neuron {j} has no incoming edges, so its input would always be 0; add an "
                    f"edge into it (if it should output a constant 1, make it a bias neuron)."
                )
        x = dict(zip(self.inputs, self._vector(x, "x", self.inputs, "input")))
        self.z, self.a, self.delta, self.edge_grad = {}, {}, {}, {}
        for layer in self.layers():
            for j in layer:
                if self.kinds[j] == "input":
                    self.a[j] = x[j]
                elif self.kinds[j] == "bias":
                    self.a[j] = 1.0
                else:
                    self.z[j] = sum(w_ij * self.a[i] for i, w_ij in self.w[j].items())
                    self.a[j] = ACTIVATIONS[self.activation[j]][0](self.z[j])
        return np.array([self.a[j] for j in self.outputs])

    def loss(self, target):
        """The squared loss of the last forward pass, C = 1/2 sum_j (a_j - y_j)^2 over outputs.

        (The text writes (a - y)^2 without the 1/2; the 1/2 only makes dC/da = a - y.)
        """
        self._check_forward_done()
        y = self._vector(target, "target", self.outputs, "output")
        return 0.5 * sum((self.a[j] - y_j) ** 2 for j, y_j in zip(self.outputs, y))

    def _check_forward_done(self):
        if not self.a:
            raise ValueError("call net.forward(x) first: backward and loss use its z and a.")

    def backward(self, target=None, grad_out=None):
        """Backpropagation in the introduction's three steps; returns ``edge_grad``.

        Pass either ``target`` (the correct outputs y, for C = 1/2 sum (a_out - y)^2, so that
        dC/da_out = a_out - y) or ``grad_out``, any vector dC/da_out, one value per output.
        delta_j means dC/dz_j, the derivative with respect to neuron j's *input*.

        1. each output neuron:  delta_j = f_j'(z_j) * dC/da_j
        2. back layer by layer: delta_j = f_j'(z_j) * sum over edges j -> k of w_jk delta_k
           (a neuron feeding two neurons, like 4 -> 6 and 4 -> 7, gets both terms added:
           the multivariate chain rule)
        3. each weight:         dC/dw_ij = delta_j * a_i

        Afterwards ``net.delta`` holds the deltas by id and ``net.edge_grad`` the gradients by
        ``(src, dst)``.

        >>> net = running_example(); _ = net.forward(1.0)
        >>> grads = net.backward(target=0.0)
        >>> grads[(6, 9)] == net.delta[9] * net.a[6]
        True
        """
        self._check_forward_done()
        if (target is None) == (grad_out is None):
            raise TypeError(
                "pass exactly one of target (the correct outputs y) or grad_out (dC/da for each "
                "output neuron); for the squared loss use backward(target=y)."
            )
        if target is not None:
            y = self._vector(target, "target", self.outputs, "output")
            grad_out = [self.a[j] - y_j for j, y_j in zip(self.outputs, y)]
        else:
            grad_out = self._vector(grad_out, "grad_out", self.outputs, "output")
        fprime = {j: ACTIVATIONS[self.activation[j]][1](self.z[j]) for j in self.z}
        receivers = self._receivers()
        self.delta = {}
        for j, g in zip(self.outputs, grad_out):                      # step 1
            self.delta[j] = fprime[j] * g
        for layer in reversed(self.layers()):                          # step 2
            for j in layer:
                if self.kinds[j] == "neuron" and j not in self.delta:
                    total = sum(self.w[k][j] * self.delta[k] for k in receivers[j])
                    self.delta[j] = fprime[j] * total
        self.edge_grad = {(i, j): self.delta[j] * self.a[i] for (i, j) in self.weights}  # step 3
        return self.edge_grad

    def to_matrices(self):
        """The same network as one weight matrix and bias vector per layer.

        Returns a list with one dict per layer k = 1, 2, ...: ``rows`` (ids of the neurons
        computed in layer k), ``cols`` (ids of the non-bias neurons of layer k - 1), ``W`` with
        ``W[r, c]`` = weight of the edge cols[c] -> rows[r] (0 where there is no edge), ``b``
        with ``b[r]`` = weight from the bias neuron into rows[r], and ``activations``. Row r of
        W holds the incoming weights of neuron rows[r], which is where weights belong. Then

            a^(k) = f(W^(k) a^(k-1) + b^(k)),    a^(0) = x.

        Only layered networks (every edge from layer k to k + 1, outputs in the last layer)
        can be written this way; others raise ValueError.

        >>> first = running_example().to_matrices()[0]
        >>> first["rows"], first["cols"], first["W"].tolist(), first["b"].tolist()
        ([3, 4], [1], [[2.0], [-1.0]], [-1.0, 0.5])
        """
        if not self.is_layered():
            raise ValueError(
                f"to_matrices needs a layered network, but the edges {self.skip_edges()} skip a "
                f"layer (layers: {self.layers()}); remove them or compute with forward()."
            )
        layers = self.layers()
        late = [j for j in self.outputs if j not in layers[-1]]
        if late:
            raise ValueError(
                f"output neuron(s) {late} are not in the last layer {layers[-1]}, so the network "
                f"is not one chain of matrices; give them an outgoing edge or remove them."
            )
        result = []
        for k in range(1, len(layers)):
            cols = [i for i in layers[k - 1] if self.kinds[i] != "bias"]
            rows = [j for j in layers[k] if self.kinds[j] == "neuron"]
            W, b = np.zeros((len(rows), len(cols))), np.zeros(len(rows))
            for r, j in enumerate(rows):
                for i, w_ij in self.w[j].items():
                    if self.kinds[i] == "bias":
                        b[r] += w_ij
                    else:
                        W[r, cols.index(i)] = w_ij
            acts = [self.activation[j] for j in rows]
            result.append({"rows": rows, "cols": cols, "W": W, "b": b, "activations": acts})
        return result


def outputs_at(net, xs):
    """The output f(x) of a one-input, one-output ``GraphNetwork`` for every x in ``xs``.

    Calls ``net.forward`` once per x, so afterwards ``net.a`` holds the values of the last x.
    """
    if len(net.inputs) != 1 or len(net.outputs) != 1:
        raise ValueError(
            f"outputs_at(net, xs) needs a network with one input and one output neuron; this one "
            f"has inputs {net.inputs} and outputs {net.outputs}. Call net.forward(x) instead."
        )
    return np.array([net.forward(x)[0] for x in xs])


def running_example():
    """The introduction's 9-neuron network, with weights simple enough for hand arithmetic.

    Layers (the text counts them 1 to 4; here they are 0 to 3)::

        layer 0: input 1, bias 2      layer 1: 3, 4, bias 5
        layer 2: 6, 7, bias 8         layer 3: output 9

    Edges and weights (w_ij sits on the edge i -> j and belongs to neuron j)::

        w_13 =  2    w_23 = -1     ->  z_3 = 2 x - 1
        w_14 = -1    w_24 = 0.5    ->  z_4 = -x + 0.5
        w_36 =  1    w_46 = -2     w_56 = 0.5   ->  z_6 = a_3 - 2 a_4 + 0.5
        w_47 =  1    w_57 = -0.5                ->  z_7 = a_4 - 0.5
        w_69 =  2    w_79 = -1     w_89 = 0.5   ->  z_9 = 2 a_6 - a_7 + 0.5

    All neurons but the input and bias neurons use the sigmoid, as in the text. Not fully
    connected: 3 feeds only 6, while 4 feeds both 6 and 7. With x = 1: z_3 = 1, z_4 = -0.5.

    Where the text is not explicit (its figures are not part of the prose): the prose says bias 2
    feeds 3 and 4, bias 5 feeds 6 and 7, 3 feeds 6 and 4 feeds 6 and 7. That 6 and 7 both feed
    9 comes from the backprop section (the derivatives at 6, 7 and 9 are known before layer 2),
    and that bias 8 feeds 9 from "each hidden layer has exactly one bias neuron". The weight
    values are ours; the text gives none.
    """
    neurons = {1: "input", 2: "bias", 3: "sigmoid", 4: "sigmoid", 5: "bias",
               6: "sigmoid", 7: "sigmoid", 8: "bias", 9: "sigmoid"}
    edges = [(1, 3, 2.0), (2, 3, -1.0), (1, 4, -1.0), (2, 4, 0.5),
             (3, 6, 1.0), (4, 6, -2.0), (5, 6, 0.5), (4, 7, 1.0), (5, 7, -0.5),
             (6, 9, 2.0), (7, 9, -1.0), (8, 9, 0.5)]
    return GraphNetwork(neurons, edges)


def non_layered_example():
    """The running example plus one edge 1 -> 9 (weight 1) that skips both hidden layers.

    Neuron 9 is still three steps from the input along 1 -> 3 -> 6 -> 9, but only one step along
    1 -> 9, so no split into layers has every edge going to the next layer:
    ``non_layered_example().skip_edges() == [(1, 9)]``.
    """
    return running_example().add_edge(1, 9, 1.0)
