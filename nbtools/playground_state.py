"""The playground's state string: one short text that restores a configured playground.

TensorFlow Playground keeps every setting in its address, so a teacher shares a prepared
experiment by sharing a link. Notebook 13's playground does the same: ``encode`` turns a
``State`` (every control, the data seed, the points the user added by clicking, the controls a
teacher hides) into a text, and ``decode`` turns the text back into the same ``State``. The text is
shaped like the query of a URL, so it can be pasted into the playground or put after the app's
address (``url``); ``from_query`` reads it from the query Voilà hands the kernel.

The format: ``v=1``, then ``key=value`` for each control that differs from its default (in the order
of ``CONTROLS``), then the points and the hidden controls, then a check. For example::

    v=1&dataset=xor&layers=none&lr=0.1&points=1.5:-2:0&check=...

is XOR data, no hidden layer, learning rate 0.1, one added point of class 0 at (1.5, -2), and
every other control at its default. The default playground is just ``v=1&check=...``.

Why the check: a link cut off by a mail program, or a text with one character changed, must not
quietly open a *different* playground. The check is the CRC-32 of everything before ``&check=``
(8 hex digits), a checksum that catches every cut-off end and every character changed into
another; other damage (a character added or lost, ...) slips through with a chance of one in
four billion. ``decode`` tests the check
before reading anything else, so a damaged text is reported as damaged, never half-read.

What is not in it: the trained weights. They need not be: the state holds the data seed, and
training with the same settings and seeds gives the same network again.
"""
import dataclasses
import numbers
import re
import string
import urllib.parse
import zlib

CLASSIFICATION_DATASETS = ("circle", "xor", "gaussians", "spiral", "moons", "v")
REGRESSION_DATASETS = ("plane", "bumps")
MAX_POINTS = 200       # points a user may add by clicking
COORDINATE = 6.0       # added points lie in [-6, 6] x [-6, 6], on a grid of 0.1
VERSIONS = ("1",)      # the format versions decode reads; encode writes the last
ALLOWED = frozenset(string.ascii_letters + string.digits + "=&,:.-_")  # all a state text uses


@dataclasses.dataclass(frozen=True)
class Control:
    """One control of the playground: what values it takes and what a student reads about it.

    ``kind`` is "choice" (one of ``choices``), "int" (``low``..``high`` in steps of ``step``),
    "bool", "set" (a non-empty subset of ``choices``) or "sizes" (``low``..``high`` layer sizes,
    each one of ``choices``).
    """
    name: str
    kind: str
    default: object
    choices: tuple = ()
    low: int | None = None
    high: int | None = None
    step: int = 1
    label: str = ""
    help: str = ""


CONTROLS = {c.name: c for c in [
    Control("dataset", "choice", "circle", CLASSIFICATION_DATASETS + REGRESSION_DATASETS,
            label="data", help="The points to learn: the first six are two or more classes, "
            "plane and bumps are surfaces whose height regression learns."),
    Control("problem", "choice", "classification", ("classification", "regression"),
            label="problem type", help="Classification predicts a class for each point, "
            "regression a number."),
    Control("classes", "int", 2, low=2, high=5, label="classes",
            help="How many classes the gaussians data set has (the others have two)."),
    Control("noise", "int", 0, low=0, high=50, step=5, label="noise (%)",
            help="How far the points scatter from the pattern, in percent."),
    Control("ratio", "int", 50, low=10, high=90, step=10, label="training data (%)",
            help="The percentage of points used for training; the rest test the network."),
    Control("batch", "int", 10, low=1, high=30, label="batch size",
            help="How many points each gradient step averages over."),
    Control("seed", "int", 0, low=0, high=9999, label="data seed",
            help="The seed that draws the points; regenerate adds 1."),
    Control("features", "set", ("x1", "x2"), ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"),
            label="input features", help="What the first layer sees of a point: its coordinates "
            "x1, x2 and functions of them."),
    Control("layers", "sizes", (4, 2), tuple(range(1, 9)), low=0, high=6, label="hidden layers",
            help="How many hidden layers the network has and how many neurons each holds."),
    Control("activation", "choice", "tanh", ("relu", "tanh", "sigmoid", "linear"),
            label="activation", help="The function each hidden neuron applies to its sum."),
    Control("lr", "choice", 0.03, (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0,
                                   10.0), label="learning rate",
            help="How far each step moves the weights against the gradient."),
    Control("regularization", "choice", "none", ("none", "L1", "L2"), label="regularization",
            help="A penalty on large weights: L1 pushes weights to zero, L2 shrinks them all."),
    Control("rate", "choice", 0.0, (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0),
            label="regularization rate", help="How much the penalty counts next to the data loss."),
    Control("loss", "choice", "cross-entropy", ("cross-entropy", "squared"), label="loss",
            help="What training makes small: cross-entropy of the probabilities, or the squared "
            "error."),
    Control("optimizer", "choice", "sgd", ("sgd", "momentum", "adam"), label="optimizer",
            help="How a gradient becomes a step: plain SGD, SGD with momentum, or Adam."),
    Control("dropout", "choice", 0.0, (0.0, 0.1, 0.2, 0.3, 0.5), label="dropout",
            help="The fraction of hidden neurons switched off at random in each training step."),
    Control("show_test", "bool", False, label="show test data",
            help="Draw the test points on the output picture too."),
    Control("discretize", "bool", False, label="discretize output",
            help="Colour the output picture by the predicted class only, without shades."),
    Control("epf", "int", 1, low=1, high=20, label="epochs per frame",
            help="How many epochs are trained between two pictures while playing."),
    Control("click", "int", 1, low=0, high=4, label="click adds",
            help="The class of the point a click adds (regression: 0 adds target -1, 1 adds +1)."),
]}
KEYS = ("v", *CONTROLS, "points", "hide")  # the keys before "&check="


class StateError(ValueError):
    """A state text that cannot be read: damaged, of another version, or of no possible state."""


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _names(value, field, allowed):
    """A collection of names from ``allowed``, returned as a tuple in the order of ``allowed``."""
    if isinstance(value, str) or not isinstance(value, (tuple, list, set, frozenset)):
        hint = f" Write ({value!r},) for one name." if isinstance(value, str) else ""
        raise TypeError(f"{field} must be a tuple of names from {', '.join(allowed)}; got "
                        f"{value!r}.{hint}")
    unknown = [name for name in value if name not in allowed]
    if unknown:
        raise ValueError(f"{field} holds unknown names {unknown}; the known ones are "
                         f"{', '.join(allowed)}.")
    return tuple(name for name in allowed if name in value)


def _check_control(c, value):
    """``value`` cleaned for control ``c`` (lists to tuples), or TypeError/ValueError."""
    if c.kind == "choice":
        numeric = isinstance(c.default, float)
        if not (_is_real(value) if numeric else isinstance(value, str)):
            raise TypeError(f"{c.name} must be {'a number' if numeric else 'a string'}, one of "
                            f"{c.choices}; got {value!r} of type {type(value).__name__}.")
        if value not in c.choices:
            raise ValueError(f"{c.name} must be one of {c.choices}; got {value!r}.")
        return c.choices[c.choices.index(value)]
    if c.kind == "int":
        steps = f" in steps of {c.step}" if c.step > 1 else ""
        if not _is_int(value):
            raise TypeError(f"{c.name} must be an integer from {c.low} to {c.high}{steps}; got "
                            f"{value!r} of type {type(value).__name__}.")
        if not c.low <= value <= c.high or (value - c.low) % c.step:
            raise ValueError(f"{c.name} must be an integer from {c.low} to {c.high}{steps}; "
                             f"got {value}.")
        return int(value)
    if c.kind == "bool":
        if not isinstance(value, bool):
            raise TypeError(f"{c.name} must be True or False, got {value!r}.")
        return value
    if c.kind == "set":
        names = _names(value, c.name, c.choices)
        if not names:
            raise ValueError(f"{c.name} must hold one or more of {', '.join(c.choices)}; got none.")
        return names
    if isinstance(value, str) or not isinstance(value, (tuple, list)):            # kind "sizes"
        raise TypeError(f"{c.name} must be a tuple of layer sizes such as (4, 2); got {value!r}.")
    want = f"at most {c.high} layer sizes, each an integer from {c.choices[0]} to {c.choices[-1]}"
    if not all(_is_int(n) for n in value):
        raise TypeError(f"{c.name} must be {want}; got {value!r}.")
    if len(value) > c.high or not all(n in c.choices for n in value):
        raise ValueError(f"{c.name} must be {want}; got {value!r}.")
    return tuple(int(n) for n in value)


def n_labels(state):
    """How many labels an added point (and the click) may have: the data set's classes (the
    Gaussians have ``classes`` of them, the other sets 2), or 2 in regression (-1 and +1)."""
    if state.problem == "classification" and state.dataset == "gaussians":
        return state.classes
    return 2


def _check_points(points, regression, top):
    """The added points as a tuple of (x, y, label), x and y rounded to the 0.1 grid."""
    if isinstance(points, str) or not isinstance(points, (tuple, list)):
        raise TypeError(f"points must be a tuple of (x, y, label) triples; got {points!r}.")
    if len(points) > MAX_POINTS:
        raise ValueError(f"points holds {len(points)} points; a state keeps at most {MAX_POINTS}.")
    cleaned = []
    for i, point in enumerate(points):
        if not isinstance(point, (tuple, list)) or len(point) != 3:
            raise TypeError(f"points[{i}] must be a triple (x, y, label); got {point!r}.")
        x, y, label = point
        if not (_is_real(x) and _is_real(y) and _is_int(label)):
            raise TypeError(f"points[{i}] must be two numbers and an integer label; got {point!r}.")
        for v in (x, y):
            if not (abs(v) <= COORDINATE and abs(v * 10 - round(v * 10)) < 1e-6):
                raise ValueError(f"points[{i}] = {point!r}: x and y must be multiples of 0.1 from "
                                 f"-{COORDINATE:g} to {COORDINATE:g}; got {v!r}.")
        if not 0 <= label <= top:
            meaning = " (regression: 0 is target -1, 1 is target +1)" if regression else ""
            raise ValueError(f"points[{i}] = {point!r}: the label must be a class of the data set, "
                             f"0 to {top}{meaning}.")
        cleaned.append((float(round(x, 1)) + 0.0, float(round(y, 1)) + 0.0, int(label)))  # no -0.0
    return tuple(cleaned)


@dataclasses.dataclass(frozen=True)
class State:
    """Everything that makes a playground: one field per control (see ``CONTROLS``), the ``points``
    the user added ((x, y, label) triples) and ``hide``, the controls a teacher hides.

    Checked when made: a wrong type raises TypeError, a value out of range ValueError. Lists are
    accepted where tuples are stored; ``features`` and ``hide`` are kept in the order of their
    choices. ``replace(**changes)`` returns a checked copy with some fields changed.
    """
    dataset: str = CONTROLS["dataset"].default
    problem: str = CONTROLS["problem"].default
    classes: int = CONTROLS["classes"].default
    noise: int = CONTROLS["noise"].default
    ratio: int = CONTROLS["ratio"].default
    batch: int = CONTROLS["batch"].default
    seed: int = CONTROLS["seed"].default
    features: tuple = CONTROLS["features"].default
    layers: tuple = CONTROLS["layers"].default
    activation: str = CONTROLS["activation"].default
    lr: float = CONTROLS["lr"].default
    regularization: str = CONTROLS["regularization"].default
    rate: float = CONTROLS["rate"].default
    loss: str = CONTROLS["loss"].default
    optimizer: str = CONTROLS["optimizer"].default
    dropout: float = CONTROLS["dropout"].default
    show_test: bool = CONTROLS["show_test"].default
    discretize: bool = CONTROLS["discretize"].default
    epf: int = CONTROLS["epf"].default
    click: int = CONTROLS["click"].default
    points: tuple = ()
    hide: tuple = ()

    def __post_init__(self):
        for c in CONTROLS.values():
            object.__setattr__(self, c.name, _check_control(c, getattr(self, c.name)))
        regression = self.problem == "regression"
        if (self.dataset in REGRESSION_DATASETS) != regression:
            raise ValueError(
                f"dataset {self.dataset!r} does not go with problem {self.problem!r}: "
                f"classification uses {', '.join(CLASSIFICATION_DATASETS)}; regression uses "
                f"{', '.join(REGRESSION_DATASETS)}. Change the dataset or the problem.")
        top = n_labels(self) - 1
        if self.click > top:
            raise ValueError(
                f"click must be 0 (value -1) or 1 (value +1) in regression, got {self.click}."
                if regression else f"click must be a class of the data set, 0 to {top} "
                f"({n_labels(self)} classes), got {self.click}.")
        object.__setattr__(self, "points", _check_points(self.points, regression, top))
        object.__setattr__(self, "hide", _names(self.hide, "hide", tuple(CONTROLS)))

    def replace(self, **changes):
        """A copy with ``changes`` applied, checked like a new State."""
        return dataclasses.replace(self, **changes)


def _check(body):
    return format(zlib.crc32(body.encode("utf-8")), "08x")


def _text(c, value):
    """The text of one control's value in a state string."""
    if c.kind == "bool":
        return "1" if value else "0"
    if c.kind in ("set", "sizes"):
        return ",".join(map(str, value)) or "none"
    return repr(value) if isinstance(value, float) else str(value)


def encode(state):
    """The state string of ``state``: ``v=1&key=value&...&check=xxxxxxxx`` (see the module text)."""
    if not isinstance(state, State):
        raise TypeError(f"encode takes a State, got {type(state).__name__}.")
    parts = [f"v={VERSIONS[-1]}"]
    parts += [f"{c.name}={_text(c, getattr(state, c.name))}" for c in CONTROLS.values()
              if getattr(state, c.name) != c.default]
    if state.points:
        parts.append("points=" + ",".join(f"{x:g}:{y:g}:{label}" for x, y, label in state.points))
    if state.hide:
        parts.append("hide=" + ",".join(state.hide))
    body = "&".join(parts)
    return f"{body}&check={_check(body)}"


_POINT = re.compile(r"(-?[0-9]+(?:\.[0-9]+)?):(-?[0-9]+(?:\.[0-9]+)?):([0-9])")


def _parse(key, raw):
    """The value of ``key`` in a state string, from its text ``raw``."""
    if key == "hide":
        return tuple(raw.split(","))
    if key == "points":
        matches = [_POINT.fullmatch(triple) for triple in raw.split(",")]
        if not all(matches):
            raise StateError(f"points={raw} is not a list of x:y:label triples such as 1.5:-2:0.")
        return tuple((float(m[1]), float(m[2]), int(m[3])) for m in matches)
    c = CONTROLS[key]
    if c.kind == "choice":
        by_text = {_text(c, choice): choice for choice in c.choices}
        if raw not in by_text:
            raise StateError(f"{key}={raw} is not allowed; {key} is one of {', '.join(by_text)}.")
        return by_text[raw]
    if c.kind == "int" and raw.isdigit() and len(raw) < 9:
        return int(raw)
    if c.kind == "bool" and raw in ("0", "1"):
        return raw == "1"
    if c.kind == "set":
        return tuple(raw.split(","))
    if c.kind == "sizes" and raw == "none":
        return ()
    if c.kind == "sizes" and all(n.isdigit() and len(n) < 9 for n in raw.split(",")):
        return tuple(int(n) for n in raw.split(","))
    want = {"int": f"a whole number from {c.low} to {c.high}", "bool": "1 or 0",
            "sizes": "layer sizes such as 4,2, or none"}[c.kind]
    raise StateError(f"{key}={raw} is not allowed; {key} is {want}.")


def decode(text):
    """The ``State`` a state string describes.

    Spaces at the ends and a leading "?" or "#" (left over from a copied address) are ignored.

    Raises
    ------
    StateError
        If the text is empty, damaged (its check does not match), of an unknown version, or has
        an unknown key or a value out of range; the message says which and what to do.
    TypeError
        If ``text`` is not a str.
    """
    if not isinstance(text, str):
        raise TypeError(f"decode takes the state text as a str, got {type(text).__name__}.")
    text = text.strip()
    text = text[1:] if text[:1] in ("?", "#") else text
    if not text:
        raise StateError("The state text is empty: copy the whole text from the playground.")
    damaged = "the text was changed or cut off; copy the whole text again from the playground."
    strange = sorted(set(text) - ALLOWED)
    if strange:
        raise StateError(f"The text holds {strange}, which a state text never has: {damaged}")
    body, marker, check = text.rpartition("&check=")
    if not marker:
        raise StateError(f"The text has no check at the end (&check=...): {damaged}")
    if check != _check(body):
        raise StateError(f"The check at the end does not match: {damaged}")
    pairs = {}
    for part in body.split("&"):
        key, _, raw = part.partition("=")
        if key in pairs:
            raise StateError(f"The key {key!r} appears twice; a state text has each key once.")
        if key not in KEYS:
            raise StateError(f"Unknown key {key!r}; a state text has only the keys "
                             f"{', '.join(KEYS)} and check at the end.")
        pairs[key] = raw
    version = pairs.get("v")
    if version not in VERSIONS:
        found = "has no version" if version is None else f"is of version v={version}"
        raise StateError(f"The text {found}, but this playground reads the versions "
                         f"{', '.join(VERSIONS)} (v=1 at the start); a text written by a newer "
                         f"playground needs a newer nbtools.")
    fields = {key: _parse(key, raw) for key, raw in pairs.items() if key != "v"}
    try:
        return State(**fields)
    except (TypeError, ValueError) as err:
        raise StateError(f"The text describes no possible playground: {err}") from None


def from_query(query):
    """The ``State`` in a page's URL query (Voilà puts it in QUERY_STRING), or None if it has none.

    The query is percent-decoded and Voilà's own parameters (``voila...``) are dropped.
    """
    if not isinstance(query, str):
        raise TypeError(f"from_query takes the query as a str, got {type(query).__name__}.")
    params = [p for p in urllib.parse.unquote(query.strip()).lstrip("?").split("&") if p]
    keys = [p.partition("=")[0] for p in params]
    if "v" not in keys and "check" not in keys:
        return None
    return decode("&".join(p for p, key in zip(params, keys) if not key.startswith("voila")))


def url(state, base):
    """The address ``base?<state string>`` that opens the playground in ``state``."""
    if not isinstance(base, str):
        raise TypeError(f"base must be the app's address as a str, got {type(base).__name__}.")
    if "?" in base:
        raise ValueError(f"base must be an address without a query (no '?'), got {base!r}.")
    return f"{base}?{encode(state)}"
