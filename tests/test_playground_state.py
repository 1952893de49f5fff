"""Tests of nbtools.playground_state: the text that saves and restores a playground.

Independent expectations: ``SPEC`` below writes the controls down again from the notebook's
specification (not from ``CONTROLS``), the strategies draw states from ``SPEC``, the hand-written
texts are typed here with their checks computed by zlib, and the damage tests rest on what CRC-32
is known to catch (see the comment above them).
"""
import dataclasses
import math
import re
import string
import urllib.parse
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbtools.playground_state import (CLASSIFICATION_DATASETS, CONTROLS, REGRESSION_DATASETS,
                                      State, StateError, decode, encode, from_query, url)

CLASSIFICATION = ("circle", "xor", "gaussians", "spiral", "moons", "v")
REGRESSION = ("plane", "bumps")
SPEC = {  # name: (kind, default, allowed values; for "sizes" the allowed size of one layer)
    "dataset": ("choice", "circle", CLASSIFICATION + REGRESSION),
    "problem": ("choice", "classification", ("classification", "regression")),
    "classes": ("int", 2, range(2, 6)),
    "noise": ("int", 0, range(0, 51, 5)),
    "ratio": ("int", 50, range(10, 91, 10)),
    "batch": ("int", 10, range(1, 31)),
    "seed": ("int", 0, range(0, 10000)),
    "features": ("set", ("x1", "x2"), ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")),
    "layers": ("sizes", (4, 2), range(1, 9)),
    "activation": ("choice", "tanh", ("relu", "tanh", "sigmoid", "linear")),
    "lr": ("choice", 0.03, (1e-5, 1e-4, 1e-3, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)),
    "regularization": ("choice", "none", ("none", "L1", "L2")),
    "rate": ("choice", 0.0, (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)),
    "loss": ("choice", "cross-entropy", ("cross-entropy", "squared")),
    "optimizer": ("choice", "sgd", ("sgd", "momentum", "adam")),
    "dropout": ("choice", 0.0, (0.0, 0.1, 0.2, 0.3, 0.5)),
    "show_test": ("bool", False, (False, True)),
    "discretize": ("bool", False, (False, True)),
    "epf": ("int", 1, range(1, 21)),
    "click": ("int", 1, range(0, 5)),
}
URL_SAFE = set(string.ascii_letters + string.digits + "=&,:.-_")
# what a damaged text may hold: every printable ASCII character (the allowed ones among them),
# whitespace, and a few characters a mail program or a keyboard may bring in
ALPHABET = string.printable + "é€\u00a0\u200b"


def sign(body):
    """``body`` with the check a correct text ends with (computed here, from the definition)."""
    return f"{body}&check={zlib.crc32(body.encode('utf-8')):08x}"


# --- the controls and the State -------------------------------------------------------------

def test_controls_are_as_specified():
    assert list(CONTROLS) == list(SPEC)
    assert CLASSIFICATION_DATASETS == CLASSIFICATION and REGRESSION_DATASETS == REGRESSION
    for name, (kind, default, allowed) in SPEC.items():
        c = CONTROLS[name]
        assert (c.name, c.kind, c.default) == (name, kind, default)
        assert isinstance(c.label, str) and c.label and c.help.endswith("."), name
        if kind in ("choice", "set"):
            assert c.choices == allowed, name
        if kind == "int":
            assert range(c.low, c.high + 1, c.step) == allowed, name
        if kind == "sizes":
            assert (c.choices, c.low, c.high) == (tuple(allowed), 0, 6)       # 0 to 6 layers


def test_state_has_one_field_per_control_and_their_defaults():
    fields = [f.name for f in dataclasses.fields(State)]
    assert fields == list(SPEC) + ["points", "hide"]
    state = State()
    assert {name: getattr(state, name) for name in SPEC} == {n: s[1] for n, s in SPEC.items()}
    assert (state.points, state.hide) == ((), ())


def grid():
    return st.integers(-60, 60).map(lambda k: k / 10)          # -6.0, -5.9, ..., 6.0


def value_of(name):
    kind, _, allowed = SPEC[name]
    if kind == "set":
        return st.lists(st.sampled_from(allowed), min_size=1)   # any order, repeats allowed
    if kind == "sizes":
        return st.lists(st.sampled_from(allowed), max_size=6)
    return st.sampled_from(allowed)


@st.composite
def states(draw, max_points=200):
    """Any valid State: every control at its default or drawn, points, hidden controls."""
    problem = draw(st.sampled_from(["classification", "regression"]))
    dataset = draw(st.sampled_from(CLASSIFICATION if problem == "classification" else REGRESSION))
    others = {name: value_of(name) for name in SPEC if name not in ("dataset", "problem")}
    fields = draw(st.fixed_dictionaries({}, optional=others))
    classes = fields.get("classes", 2) if dataset == "gaussians" else 2
    top = classes - 1                             # labels of the data set (regression: -1, +1)
    fields["click"] = draw(st.integers(0, top))
    n = draw(st.integers(0, max_points))                        # as likely 150 points as 1
    points = draw(st.lists(st.tuples(grid(), grid(), st.integers(0, top)), min_size=n, max_size=n))
    hide = draw(st.lists(st.sampled_from(list(SPEC))))
    return State(dataset=dataset, problem=problem, points=points, hide=hide, **fields)


# --- round trip ------------------------------------------------------------------------------

@settings(max_examples=200)
@given(states())
def test_encode_then_decode_gives_the_same_state(state):
    text = encode(state)
    assert decode(text) == state
    assert encode(decode(text)) == text
    assert encode(State(**{f.name: getattr(state, f.name) for f in dataclasses.fields(State)})) \
        == text                                                   # an equal state, the same text
    assert set(text) <= URL_SAFE
    body, check = text.split("&check=")
    assert check == f"{zlib.crc32(body.encode()):08x}"
    keys = [part.split("=")[0] for part in body.split("&")]
    changed = [n for n, s in SPEC.items() if getattr(state, n) != s[1]]
    assert keys == ["v"] + changed + ["points"] * bool(state.points) + ["hide"] * bool(state.hide)


def test_two_hundred_points_round_trip():
    points = [((k % 121 - 60) / 10, (60 - k % 97) / 10, k % 5) for k in range(200)]
    state = State(dataset="gaussians", classes=5, points=points)       # labels 0 to 4
    assert decode(encode(state)) == state and len(state.points) == 200


# --- damaged texts ---------------------------------------------------------------------------
# Why every damage below is caught, not just most:
# - a character that a state text never holds (space, '%', 'é', ...) is refused before anything;
# - a cut-off text has no "&check=" any more, or fewer than its 8 hex digits after it;
# - a changed character inside the check gives another check, or no hex digits;
# - one character changed before the check changes at most 8 neighbouring bits of the checked
#   bytes, and a CRC of 32 bits detects every burst of errors up to 32 bits long: guaranteed;
# - an insertion or deletion changes the text's length. Before the check it shifts the rest of
#   the text, which is no short burst, so CRC-32 guarantees nothing: a given change slips through
#   with chance 1 in 2**32 (about 4e9). The tests below try every such change of three texts and
#   many of the drawn ones; in the check it leaves 7 or 9 characters, never a match.

def refused(texts):
    """The texts that decode accepts (should be none)."""
    accepted = []
    for text in texts:
        try:
            decode(text)
        except StateError:
            continue
        accepted.append(text)
    return accepted


def tolerated(text, i, c):
    """Inserting ``c`` at ``i`` only adds what decode ignores: spaces at the ends, a leading ?/#."""
    return (i in (0, len(text)) and c.isspace()) or (i == 0 and c in "?#")


def substitutions(text):
    return [text[:i] + c + text[i + 1:] for i in range(len(text)) for c in ALPHABET if c != text[i]]


def insertions(text):
    return [text[:i] + c + text[i:] for i in range(len(text) + 1) for c in ALPHABET
            if not tolerated(text, i, c)]


HAND = State(dataset="xor", layers=(), lr=0.1, points=((1.5, -2.0, 0),))
REGRESSION_STATE = State(dataset="plane", problem="regression", features=["sinx2", "x1"], lr=1e-5,
                         show_test=True, points=[(0.1 + 0.2, -0.1, 1), (-0.0, 6, 0)],
                         hide=["seed", "dataset", "problem"])


@pytest.mark.parametrize("state", [State(), HAND, REGRESSION_STATE])
def test_every_single_character_change_of_a_text_is_refused(state):
    text = encode(state)
    assert refused(text[:n] for n in range(len(text))) == []                     # cut off
    assert refused(text[:i] + text[i + 1:] for i in range(len(text))) == []      # one deleted
    assert refused(substitutions(text)) == []
    assert refused(insertions(text)) == []


@settings(max_examples=200)
@given(states(max_points=20), st.data())    # up to 20 points: long texts only make it slower
def test_any_damaged_text_is_refused(state, data):
    text = encode(state)
    assert refused(text[:n] for n in range(len(text))) == []
    assert refused(text[:i] + text[i + 1:] for i in range(len(text))) == []
    i = data.draw(st.integers(0, len(text) - 1))
    c = data.draw(st.sampled_from(ALPHABET).filter(lambda c: c != text[i]))
    assert refused([text[:i] + c + text[i + 1:]]) == []
    i = data.draw(st.integers(0, len(text)))
    c = data.draw(st.sampled_from(ALPHABET).filter(lambda c: not tolerated(text, i, c)))
    assert refused([text[:i] + c + text[i:]]) == []


@pytest.mark.parametrize("pasted", ["  {}\n", "?{}", "#{}", "\t?{} "])
def test_spaces_and_a_leading_question_mark_or_hash_are_ignored(pasted):
    assert decode(pasted.format(encode(HAND))) == HAND


def test_a_damaged_text_says_so_and_what_to_do():
    text = encode(HAND)
    for damaged in [text[:-1], text[:-3] + "000", text.replace("xor", "xar"), text[:20]]:
        with pytest.raises(StateError, match="copy the whole text again from the playground"):
            decode(damaged)
    with pytest.raises(StateError, match="The check at the end does not match"):
        decode(text.replace("xor", "xar"))


def test_the_check_is_tested_before_the_fields():
    """A damaged text is called damaged, even when its fields are wrong too."""
    for body in ["v=1&speed=3", "v=9", "v=1&noise=7", "noise=5&noise=5"]:
        with pytest.raises(StateError, match="check at the end does not match"):
            decode(body + "&check=00000000")


# --- texts written by hand -------------------------------------------------------------------

def test_the_default_state_is_only_the_version_and_the_check():
    assert encode(State()) == "v=1&check=" + format(zlib.crc32(b"v=1"), "08x")
    assert decode("v=1&check=" + format(zlib.crc32(b"v=1"), "08x")) == State()


def test_a_state_written_by_hand():
    text = sign("v=1&dataset=xor&layers=none&lr=0.1&points=1.5:-2:0")
    assert encode(HAND) == text
    assert decode(text) == HAND


def test_a_regression_state_written_by_hand():
    """Features and hidden controls in canonical order, 0.1 + 0.2 stored as 0.3, -0.0 as 0."""
    text = sign("v=1&dataset=plane&problem=regression&features=x1,sinx2&lr=1e-05&show_test=1"
                "&points=0.3:-0.1:1,0:6:0&hide=dataset,problem,seed")
    assert encode(REGRESSION_STATE) == text
    assert decode(text) == REGRESSION_STATE
    assert REGRESSION_STATE.points == ((0.3, -0.1, 1), (0.0, 6.0, 0))


def test_lists_become_tuples_and_sets_take_the_canonical_order():
    state = State(features=["sinx1", "x1", "x1"], layers=[3], points=[[2, 1, 4], (-1.5, 0.5, 0)],
                  hide={"epf", "dataset"}, lr=1, dataset="gaussians", classes=5)
    assert state.features == ("x1", "sinx1") and state.layers == (3,)
    assert state.points == ((2.0, 1.0, 4), (-1.5, 0.5, 0))           # points keep their order
    assert state.hide == ("dataset", "epf")
    assert state.lr == 1.0 and type(state.lr) is float


def test_state_is_frozen_and_replace_checks():
    state = State()
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.noise = 5
    assert state.replace(noise=10).noise == 10 and state.noise == 0
    assert state.replace(dataset="bumps", problem="regression").dataset == "bumps"
    with pytest.raises(ValueError, match="noise"):
        state.replace(noise=7)
    with pytest.raises(ValueError, match="problem"):
        state.replace(problem="regression")


# --- bad values in State ---------------------------------------------------------------------

NAN = float("nan")
BAD = [
    ("noise", NAN, TypeError), ("noise", 1.5, TypeError), ("noise", 5.0, TypeError),
    ("noise", True, TypeError), ("noise", "5", TypeError), ("classes", "3", TypeError),
    ("noise", 55, ValueError), ("noise", -5, ValueError), ("noise", 7, ValueError),
    ("ratio", 15, ValueError), ("ratio", 0, ValueError), ("batch", 0, ValueError),
    ("batch", 31, ValueError), ("seed", 10000, ValueError), ("seed", -1, ValueError),
    ("epf", 0, ValueError), ("epf", 21, ValueError), ("click", 5, ValueError),
    ("classes", 1, ValueError), ("classes", 6, ValueError),
    ("dataset", "spirals", ValueError), ("dataset", 3, TypeError),
    ("problem", "Regression", ValueError),
    ("activation", "ReLU", ValueError), ("regularization", "l1", ValueError),
    ("loss", "mse", ValueError), ("optimizer", None, TypeError),
    ("lr", NAN, ValueError), ("lr", 0.02, ValueError), ("lr", 0.1 + 1e-12, ValueError),
    ("lr", "0.1", TypeError), ("lr", True, TypeError), ("rate", -0.1, ValueError),
    ("dropout", 0.4, ValueError), ("dropout", 1.0, ValueError),
    ("show_test", 1, TypeError), ("discretize", "yes", TypeError), ("show_test", None, TypeError),
    ("features", (), ValueError), ("features", "x1", TypeError), ("features", ("x3",), ValueError),
    ("features", ("x1", "X2"), ValueError), ("features", None, TypeError),
    ("layers", (1,) * 7, ValueError), ("layers", (9,), ValueError), ("layers", (4, 0), ValueError),
    ("layers", (4.0,), TypeError), ("layers", (True,), TypeError), ("layers", 4, TypeError),
    ("layers", "4,2", TypeError),
    ("points", ((6.1, 0, 0),), ValueError), ("points", ((0, -6.5, 0),), ValueError),
    ("points", ((0.15, 0, 0),), ValueError), ("points", ((0, 1.01, 0),), ValueError),
    ("points", ((NAN, 0, 0),), ValueError), ("points", ((0, math.inf, 0),), ValueError),
    ("points", ((0, 0, 5),), ValueError), ("points", ((0, 0, -1),), ValueError),
    ("points", ((0, 0, 1.0),), TypeError), ("points", ((0, 0, True),), TypeError),
    ("points", (("1", 0, 0),), TypeError), ("points", ((0, 0),), TypeError),
    ("points", ((0, 0, 0, 0),), TypeError), ("points", ((0, 0, 0),) * 201, ValueError),
    ("points", "0:0:0", TypeError),
    ("hide", ("teacher",), ValueError), ("hide", ("state",), ValueError),
    ("hide", ("points",), ValueError), ("hide", "seed", TypeError),
]


@pytest.mark.parametrize("field, value, error", BAD)
def test_a_bad_value_is_refused_naming_the_field(field, value, error):
    with pytest.raises(error) as info:
        State(**{field: value})
    assert type(info.value) is error                       # not a StateError, not the other one
    assert field in str(info.value)


def test_the_dataset_must_belong_to_the_problem():
    for fields in [{"dataset": "plane"}, {"problem": "regression"},
                   {"dataset": "circle", "problem": "regression"}]:
        with pytest.raises(ValueError) as info:
            State(**fields)
        message = str(info.value)
        assert "dataset" in message and "problem" in message
        assert "circle, xor, gaussians, spiral, moons, v" in message and "plane, bumps" in message


def test_points_and_clicks_use_only_the_data_sets_classes():
    assert State(dataset="gaussians", classes=4, click=3, points=[(0, 0, 3)]).click == 3
    with pytest.raises(ValueError, match=r"click must be a class of the data set, 0 to 1"):
        State(dataset="circle", click=2)
    with pytest.raises(ValueError, match=r"click must be a class of the data set, 0 to 2"):
        State(dataset="gaussians", classes=3, click=3)
    with pytest.raises(ValueError, match=r"points\[0\].*label must be a class of the data set, 0 to 1"):
        State(dataset="xor", points=[(0, 0, 2)])


def test_regression_clicks_add_values_minus_1_or_plus_1_only():
    assert State(dataset="bumps", problem="regression", click=0).click == 0
    with pytest.raises(ValueError, match="click must be 0 .* or 1 .* in regression, got 2"):
        State(dataset="bumps", problem="regression", click=2)


def test_regression_points_have_labels_0_and_1():
    assert State(dataset="bumps", problem="regression", points=[(0, 0, 1), (0, 0, 0)]).points
    with pytest.raises(ValueError, match=r"points\[1\].*regression"):
        State(dataset="bumps", problem="regression", points=[(0, 0, 1), (0, 0, 2)])


# --- messages of decode ----------------------------------------------------------------------

def test_an_unknown_key_is_named_and_the_known_ones_listed():
    with pytest.raises(StateError, match="speed") as info:
        decode(sign("v=1&speed=3"))
    assert all(key in str(info.value) for key in ["v", *SPEC, "points", "hide"])


def test_a_wrong_or_missing_version_says_which_are_known():
    with pytest.raises(StateError, match=r"v=2.*versions 1"):
        decode(sign("v=2"))
    with pytest.raises(StateError, match=r"no version.*v=1"):
        decode(sign("dataset=xor"))


@pytest.mark.parametrize("body, words", [
    ("v=1&noise=5&noise=10", "twice"),
    ("v=1&noise=7", "steps of 5"),
    ("v=1&noise=abc", "whole number"),
    ("v=1&lr=0.10", "0.1"),
    ("v=1&lr=1e-5", "1e-05"),                   # only the canonical text of a float
    ("v=1&show_test=true", "1 or 0"),
    ("v=1&layers=", "layer sizes"),
    ("v=1&layers=4,,2", "layer sizes"),
    ("v=1&layers=3,3,3,3,3,3,3", "at most 6"),
    ("v=1&features=x1,x3", "x3"),
    ("v=1&points=1.5:2", "x:y:label"),
    ("v=1&points=1.55:2:0", "multiples of 0.1"),
    ("v=1&points=7:2:0", "-6 to 6"),
    ("v=1&hide=teacher", "teacher"),
    ("v=1&dataset=plane", "regression uses plane, bumps"),
])
def test_a_bad_value_in_a_text_says_which_key_and_what_is_allowed(body, words):
    with pytest.raises(StateError, match=re.escape(words)) as info:
        decode(sign(body))
    key = body.split("&")[1].split("=")[0]
    assert key in str(info.value)


def test_empty_texts_and_wrong_types():
    for text in ["", "   ", "?", "#\n"]:
        with pytest.raises(StateError, match="empty"):
            decode(text)
    for text in [None, b"v=1", 3]:
        with pytest.raises(TypeError):
            decode(text)
    with pytest.raises(TypeError, match="State"):
        encode("v=1")
    assert issubclass(StateError, ValueError)


# --- from_query and url ----------------------------------------------------------------------

@pytest.mark.parametrize("query", ["", "  ", "voila-theme=dark",
                                   "voila-theme=dark&voila-template=lab"])
def test_a_query_without_a_state_gives_none(query):
    assert from_query(query) is None


def test_a_query_with_a_state():
    text = encode(REGRESSION_STATE)
    assert from_query(text) == REGRESSION_STATE
    assert from_query(urllib.parse.quote(text, safe="")) == REGRESSION_STATE    # %26, %3D, %2C...
    assert from_query(f"?voila-theme=dark&{text}&voila-template=lab") == REGRESSION_STATE
    with pytest.raises(StateError, match="does not match"):
        from_query(text.replace("plane", "bumps"))
    with pytest.raises(StateError):
        from_query("check=00000000")
    with pytest.raises(TypeError):
        from_query(None)


def test_url_opens_the_same_state():
    base = "http://localhost:8866/voila/render/13_playground.ipynb"
    address = url(HAND, base)
    assert address == f"{base}?{encode(HAND)}"
    assert from_query(urllib.parse.urlsplit(address).query) == HAND
    with pytest.raises(ValueError, match="query"):
        url(HAND, base + "?x=1")
    with pytest.raises(TypeError):
        url(HAND, None)
