"""Tests of nbtools.expressivity: every hand-built network against an independent computation
(the function itself, np.interp, a brute-force grid, the closed-form counts), and bad input."""
import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nbtools import expressivity as ex, nn
from nbtools.gradcheck import check_network


def composed_tent(x, k):
    for _ in range(k):
        x = np.where(x <= 0.5, 2 * x, 2 - 2 * x)
    return x


def kinks_on_grid(net, lo, hi, n=400_001):
    """Brute force: the number of places on a fine grid where the output's slope changes."""
    x = np.linspace(lo, hi, n)
    y = net.forward(x[:, None])[:, 0]
    bent = np.abs(np.diff(y, 2)) > 1e-9 * max(1.0, np.abs(np.diff(y)).max() * n)
    # a kink between grid points bends one or two second differences next to each other
    starts = bent & ~np.concatenate([[False], bent[:-1]])
    return int(np.count_nonzero(starts))


# ---- bumps and straight pieces --------------------------------------------------------------------

@pytest.mark.parametrize("kind, per_bump", [("sigmoid", 2), ("relu", 4)])
def test_bumps_are_an_mlp_whose_sharp_staircase_takes_f_at_each_centre(kind, per_bump):
    f = ex.sine(1.5)
    net = ex.bump_network(f, 6, interval=(-1.0, 2.0), kind=kind, sharpness=200.0)
    assert isinstance(net, nn.MLP) and net.sizes == [1, per_bump * 6, 1] and net.hidden == kind
    edges = np.linspace(-1, 2, 7)
    centres = (edges[:-1] + edges[1:]) / 2
    assert np.allclose(net.forward(centres[:, None])[:, 0], f(centres), atol=1e-9)
    inside = centres[:, None] + np.linspace(-0.2, 0.2, 5)        # well inside each piece (w = 0.5)
    assert np.allclose(net.forward(inside.reshape(-1, 1))[:, 0], np.repeat(f(centres), 5), atol=1e-6)


def test_more_bumps_give_a_smaller_error():
    f = ex.sine(2)
    errors = [ex.rms_error(ex.bump_network(f, n), f) for n in (5, 10, 20, 40, 80)]
    assert all(a > b for a, b in zip(errors, errors[1:]))


def test_relu_interpolation_joins_the_values_of_f_with_straight_lines():
    f = np.cos
    net = ex.relu_interpolation(f, 7, interval=(-2.0, 1.5))
    assert net.sizes == [1, 7, 1] and net.hidden == "relu"
    knots = np.linspace(-2, 1.5, 8)
    x = np.linspace(-2, 1.5, 999)
    assert np.allclose(net.forward(x[:, None])[:, 0], np.interp(x, knots, np.cos(knots)), atol=1e-12)


@pytest.mark.parametrize("build", [ex.bump_network, ex.relu_interpolation])
def test_units_needed_agrees_with_trying_every_size(build):
    f, tol = ex.sine(3), 0.05
    size, units = ex.units_needed(build, f, tol)
    by_search = next(n for n in itertools.count(1) if ex.rms_error(build(f, n), f) <= tol)
    assert size == by_search and units == build(f, size).sizes[1]
    assert ex.units_needed(build, f, 1e-9, max_size=8) == (None, None)


def test_trained_one_hidden_layer_fits_a_smooth_wave():
    f = ex.sine(1)
    assert ex.rms_error(ex.fit_one_hidden_layer(f, 8, epochs=600), f) < 0.05
    assert ex.rms_error(ex.fit_one_hidden_layer(f, 8, epochs=0), f) > 0.1   # untrained: not yet


# ---- boolean functions ----------------------------------------------------------------------------

def test_all_inputs_count_in_binary_and_parity_is_xor():
    bits = ex.all_inputs(4)
    assert [int("".join(str(int(b)) for b in row), 2) for row in bits] == list(range(16))
    assert ex.parity(2).tolist() == [0, 1, 1, 0]
    assert ex.parity(3).tolist() == [bin(k).count("1") % 2 for k in range(8)]


@pytest.mark.parametrize("table", list(itertools.product([0, 1], repeat=4)))
def test_boolean_network_computes_every_function_of_two_bits_exactly(table):
    net = ex.boolean_network(table)
    assert net.sizes == [2, max(1, sum(table)), 1]
    assert net.forward(ex.all_inputs(2))[:, 0].tolist() == list(map(float, table))


def test_boolean_network_on_random_tables_of_five_bits_and_parity_needs_half_the_patterns():
    rng = np.random.default_rng(0)
    for _ in range(5):
        table = rng.integers(0, 2, 32)
        assert np.array_equal(ex.boolean_network(table).forward(ex.all_inputs(5))[:, 0], table)
    for n in range(2, 8):
        assert ex.boolean_network(ex.parity(n)).sizes[1] == 2 ** (n - 1)


@pytest.mark.parametrize("n", range(1, 9))
def test_parity_by_counting_uses_n_units(n):
    net = ex.parity_by_counting(n)
    assert net.sizes == [n, n, 1]
    assert np.array_equal(net.forward(ex.all_inputs(n))[:, 0], ex.parity(n))


def test_training_solves_xor_with_three_units_but_never_with_one():
    X, y = ex.all_inputs(2), ex.parity(2)
    steps = ex.train_until_perfect(X, y, 3, seed=0, lr=0.1, max_steps=1000)
    assert steps is not None and steps % 50 == 0
    # one tanh unit: the output is monotone in w.x + b, and no line puts 01, 10 on one side of 00, 11
    assert all(ex.train_until_perfect(X, y, 1, seed=s, max_steps=300) is None for s in range(3))


# ---- depth --------------------------------------------------------------------------------------

def test_linear_layers_collapse_to_their_matrix_product():
    net = nn.MLP([3, 4, 5, 2], hidden="identity", output="identity", seed=1)
    for dense in net.dense:
        dense.params["b"][:] = np.arange(dense.n_out) + 0.5
    W, b = ex.collapse_linear(net)
    W1, W2, W3 = (d.params["W"] for d in net.dense)
    assert np.allclose(W, W3 @ W2 @ W1)
    X = np.random.default_rng(0).normal(size=(10, 3))
    assert np.allclose(net.forward(X), X @ W.T + b)


@pytest.mark.parametrize("k", [1, 2, 3, 6, 10])
def test_the_tent_network_is_the_composed_tent_map_with_2_to_the_k_pieces(k):
    net = ex.tent_network(k)
    x = np.linspace(0, 1, 2001)
    assert np.allclose(net.forward(x[:, None])[:, 0], composed_tent(x, k), atol=1e-9)
    assert np.allclose(ex.tent(x), composed_tent(x, 1))
    assert net.n_params() == 6 * k + 1
    assert ex.count_linear_regions(net, 0.0, 1.0) == 2 ** k


@pytest.mark.parametrize("sizes, seed", [([1, 20, 1], 0), ([1, 8, 8, 8, 1], 1), ([1, 6, 6, 6, 6, 6, 1], 2)])
def test_exact_breakpoints_agree_with_a_brute_force_grid(sizes, seed):
    net = nn.MLP(sizes, hidden="relu", output="identity", seed=seed)
    rng = np.random.default_rng(seed + 100)     # not the weights' seed: b_j / W_j would be constant
    for dense in net.dense:
        dense.params["b"][:] = rng.normal(size=dense.n_out)
    pieces = ex.count_linear_regions(net, -2.0, 2.0)
    assert pieces > 3
    assert pieces == 1 + kinks_on_grid(net, -2.0, 2.0)
    t, z = ex.linear_pieces(net, -2.0, 2.0)          # between breakpoints the output is straight
    middle = (t[:-1] + t[1:]) / 2
    assert np.allclose(net.forward((-2 + 4 * middle)[:, None]), (z[:-1] + z[1:]) / 2, atol=1e-9)


def test_linear_pieces_along_a_segment_in_the_plane_match_a_one_input_network():
    net2 = nn.MLP([2, 10, 10, 1], hidden="relu", output="identity", seed=3)
    start, end = np.array([-1.0, 0.5]), np.array([2.0, -1.5])
    net1 = nn.MLP([1, 10, 10, 1], hidden="relu", output="identity", seed=0)   # x(t) folded into layer 1
    W, b = net2.dense[0].params["W"], net2.dense[0].params["b"]
    net1.set_weights([W @ (end - start)[:, None], W @ start + b] + net2.get_weights()[2:])
    assert ex.count_linear_regions(net2, start, end) == ex.count_linear_regions(net1, 0.0, 1.0)


def test_zero_biases_leave_two_pieces_and_a_linear_network_one():
    assert ex.count_linear_regions(nn.MLP([1, 16, 16, 1], output="identity", seed=0), -3, 3) == 2
    linear = nn.MLP([1, 5, 1], hidden="identity", output="identity", seed=0)
    assert ex.count_linear_regions(linear, -3, 3) == 1


@pytest.mark.parametrize("n", [2, 4, 8])
def test_the_product_network_multiplies_with_4_units_per_gate(n):
    net = ex.product_network(n)
    assert sum(net.sizes[1:-1]) == 4 * (n - 1) and len(net.dense) - 1 == int(math.log2(n))
    X = np.random.default_rng(n).uniform(-1, 1, size=(500, n))
    assert np.abs(net.forward(X)[:, 0] - X.prod(axis=1)).max() < 1e-3
    coarse = ex.product_network(n, scale=0.1)      # the error grows like scale^2
    assert np.abs(coarse.forward(X)[:, 0] - X.prod(axis=1)).max() > 1e-3


def test_hand_built_networks_are_ordinary_networks_with_correct_gradients():
    X = np.random.default_rng(0).uniform(-0.9, 0.9, size=(6, 4))
    for net, inputs in [(ex.product_network(4, scale=0.3), X),
                        (ex.bump_network(np.sin, 3, sharpness=2.0), X[:, :1])]:
        errors = check_network(net, inputs, np.ones((len(inputs), 1)), "mse")
        assert max(errors.values()) < 1e-6, errors


def test_the_introductions_counts():
    assert ex.log10_inputs(200 * 200) == pytest.approx(40000 * 8 * math.log10(2))
    assert ex.log10_configurations(10 ** 6, 100) == pytest.approx(2 * 10 ** 6)


# ---- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("call, error, words", [
    (lambda: ex.bump_network(3.0, 5), TypeError, "function"),
    (lambda: ex.bump_network(np.sin, 0), ValueError, "n_bumps"),
    (lambda: ex.bump_network(np.sin, 5, interval=(1, -1)), ValueError, "a < b"),
    (lambda: ex.bump_network(np.sin, 5, interval=3), TypeError, "pair"),
    (lambda: ex.bump_network(np.sin, 5, kind="tanh"), ValueError, "kind"),
    (lambda: ex.bump_network(np.sin, 5, sharpness=0), ValueError, "sharpness"),
    (lambda: ex.bump_network(lambda x: 1.0, 5), ValueError, "one number per input"),
    (lambda: ex.bump_network(lambda x: np.full_like(x, np.nan), 5), ValueError, "NaN"),
    (lambda: ex.relu_interpolation(np.sin, 2.5), TypeError, "n_pieces"),
    (lambda: ex.units_needed(ex.bump_network, np.sin, -0.1), ValueError, "tol"),
    (lambda: ex.rms_error(ex.tent_network(1), np.sin, n_points=1), ValueError, "n_points"),
    (lambda: ex.boolean_network([0, 1, 1]), ValueError, r"2\^n answers"),
    (lambda: ex.boolean_network([0, 2, 1, 0]), ValueError, "0s and 1s"),
    (lambda: ex.boolean_network("0110"), TypeError, "truth_table"),
    (lambda: ex.all_inputs(0), ValueError, "n"),
    (lambda: ex.parity_by_counting(30), ValueError, "n"),
    (lambda: ex.train_until_perfect(ex.all_inputs(2), [0, 1, 1], 3), ValueError, "one per row"),
    (lambda: ex.train_until_perfect(ex.all_inputs(2), ex.parity(2), 0), ValueError, "width"),
    (lambda: ex.collapse_linear(nn.MLP([2, 3, 1])), ValueError, "identity"),
    (lambda: ex.collapse_linear("net"), TypeError, "Sequential"),
    (lambda: ex.tent_network(0), ValueError, "k"),
    (lambda: ex.tent(None), TypeError, "x"),
    (lambda: ex.count_linear_regions(nn.MLP([1, 3, 1], hidden="tanh")), ValueError, "piecewise"),
    (lambda: ex.linear_pieces(nn.MLP([2, 3, 1]), 0.0, 1.0), ValueError, "2 coordinate"),
    (lambda: ex.linear_pieces(nn.MLP([1, 3, 1]), [0.0, np.nan], 1.0), ValueError, "NaN"),
    (lambda: ex.product_network(3), ValueError, "power of 2"),
    (lambda: ex.product_network(4, scale=0), ValueError, "scale"),
    (lambda: ex.log10_configurations(10, 1), ValueError, "values_per_weight"),
    (lambda: ex.log10_inputs("big"), TypeError, "n_bytes"),
    (lambda: ex.sine("2"), TypeError, "frequency"),
])
def test_bad_input_says_what_was_expected(call, error, words):
    with pytest.raises(error, match=words):
        call()


# ---- a sweep of malformed arrays (as tests/test_bad_input_sweep.py does for the other modules) ----

JUNK = st.one_of(
    hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
               elements=st.floats(allow_nan=True, allow_infinity=True, width=64)),
    st.sampled_from([None, "x", [[1.0, 2.0], [3.0]], [[None, 1.0]], 3.0, [1j, 2j]]),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(junk=JUNK)
def test_malformed_arrays_give_a_result_or_a_clear_error(junk):
    net = nn.MLP([1, 4, 4, 1], output="identity", seed=0)
    for call in (lambda: ex.boolean_network(junk), lambda: ex.tent(junk),
                 lambda: ex.count_linear_regions(net, junk, 1.0),
                 lambda: ex.train_until_perfect(junk, [0.0, 1.0], 2, max_steps=1)):
        try:
            call()
        except (ValueError, TypeError):
            pass
