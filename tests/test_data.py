"""Tests of nbtools.data: the toy data sets and the helpers that prepare them.

Expected values come from the geometry each docstring promises (radii, lines, quadrants), not
from running the code once and copying its output.
"""
import doctest

import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

from nbtools import data

TWO_CLASS = ["linear", "v_shape", "xor", "circles", "moons", "spirals"]
ALL = TWO_CLASS + ["blobs"]


# --- shapes, dtypes, seeds, balance -----------------------------------------------------------

@pytest.mark.parametrize("name", ALL)
def test_shapes_and_dtypes(name):
    X, y = data.DATASETS[name](n=37, seed=0)
    assert X.shape == (37, 2) and X.dtype == np.float64
    assert y.shape == (37,) and y.dtype == np.int64
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize("name", ALL)
def test_same_seed_same_data_other_seed_other_data(name):
    make = data.DATASETS[name]
    X1, y1 = make(n=50, seed=7)
    X2, y2 = make(n=50, seed=7)
    X3, _ = make(n=50, seed=8)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("name", ALL)
def test_generator_is_accepted_and_used(name):
    make = data.DATASETS[name]
    X_int, y_int = make(n=40, seed=3)
    X_gen, y_gen = make(n=40, seed=np.random.default_rng(3))
    np.testing.assert_array_equal(X_int, X_gen)
    np.testing.assert_array_equal(y_int, y_gen)
    rng = np.random.default_rng(3)
    first, _ = make(n=40, seed=rng)
    second, _ = make(n=40, seed=rng)   # the same Generator moves on: new numbers
    assert not np.array_equal(first, second)


@pytest.mark.parametrize("name", TWO_CLASS)
@pytest.mark.parametrize("n", [2, 3, 101, 200])
def test_two_classes_balanced(name, n):
    _, y = data.DATASETS[name](n=n, seed=0)
    counts = np.bincount(y, minlength=2)
    assert len(counts) == 2
    assert sorted(counts.tolist()) == [n // 2, n - n // 2]


@pytest.mark.parametrize("n, k", [(10, 3), (12, 4), (7, 7), (200, 5)])
def test_blobs_balanced_over_k_classes(n, k):
    _, y = data.blobs(n=n, k=k, seed=0)
    counts = np.bincount(y, minlength=k)
    assert len(counts) == k
    assert counts.max() - counts.min() <= 1 and counts.sum() == n


@pytest.mark.parametrize("name", ALL)
def test_rows_are_shuffled_so_a_prefix_is_a_fair_sample(name):
    _, y = data.DATASETS[name](n=1000, seed=0)
    prefix = y[:100]
    k = y.max() + 1
    share = np.bincount(prefix, minlength=k) / len(prefix)
    assert np.all(np.abs(share - 1 / k) < 0.15)


@pytest.mark.parametrize("name", ALL)
def test_coordinates_are_plot_sized(name):
    X, _ = data.DATASETS[name](n=500, seed=0)
    assert np.all(np.abs(X) < 3.0)


# --- geometry promised with noise=0 -----------------------------------------------------------

def test_circles_radii_are_one_and_factor():
    X, y = data.circles(n=300, noise=0.0, seed=1, factor=0.3)
    r = np.sqrt(X[:, 0] ** 2 + X[:, 1] ** 2)
    np.testing.assert_allclose(r[y == 0], 1.0)
    np.testing.assert_allclose(r[y == 1], 0.3)


def test_noise_is_the_standard_deviation_of_the_jitter():
    X, y = data.circles(n=20000, noise=0.05, seed=2, factor=0.5)
    r = np.sqrt(X[:, 0] ** 2 + X[:, 1] ** 2)
    residual = r - np.where(y == 0, 1.0, 0.5)
    # The radial part of 2-D isotropic noise has the same standard deviation.
    assert abs(residual.std() - 0.05) < 0.005


def test_moons_lie_on_unit_half_circles():
    X, y = data.moons(n=300, noise=0.0, seed=4)
    upper, lower = X[y == 0], X[y == 1]
    c0, c1 = np.array([-0.5, -0.25]), np.array([0.5, 0.25])
    np.testing.assert_allclose(np.linalg.norm(upper - c0, axis=1), 1.0)
    np.testing.assert_allclose(np.linalg.norm(lower - c1, axis=1), 1.0)
    assert np.all(upper[:, 1] >= c0[1] - 1e-12)   # upper half of its circle
    assert np.all(lower[:, 1] <= c1[1] + 1e-12)   # lower half of its circle


def perceptron_separates(X, y, epochs=1000):
    """Rosenblatt's perceptron: it finds a separating line in finitely many steps if one exists."""
    Xb = np.column_stack([X, np.ones(len(X))])
    s = np.where(y == 1, 1.0, -1.0)
    w = np.zeros(3)
    for _ in range(epochs):
        mistakes = 0
        for x_i, s_i in zip(Xb, s):
            if s_i * (x_i @ w) <= 0:
                w += s_i * x_i
                mistakes += 1
        if mistakes == 0:
            return True
    return False


def test_linear_is_separable_by_a_line_found_independently():
    X, y = data.linear(n=200, noise=0.0, seed=5)
    assert perceptron_separates(X, y)


def test_linear_keeps_an_empty_band_around_its_line():
    margin = 0.3
    X, y = data.linear(n=400, noise=0.0, seed=6, margin=margin)
    # Signed distance to the documented line 0.6*x1 + 0.8*x2 = 0.25 (its normal has length 1).
    d = 0.6 * X[:, 0] + 0.8 * X[:, 1] - 0.25
    assert d[y == 1].min() > margin
    assert d[y == 0].max() < -margin


def test_xor_labels_follow_the_quadrant_rule():
    X, y = data.xor(n=400, noise=0.0, seed=7, gap=0.25)
    expected = (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(int)
    np.testing.assert_array_equal(y, expected)
    assert np.all(np.abs(X) >= 0.25) and np.all(np.abs(X) <= 2.0)
    quadrants = {(bool(a), bool(b)) for a, b in X > 0}
    assert len(quadrants) == 4


def test_v_shape_class_one_is_inside_the_wedge_of_two_lines():
    margin = 0.2
    X, y = data.v_shape(n=500, noise=0.0, seed=8, margin=margin)
    x1, x2 = X[:, 0], X[:, 1]
    # The wedge is the region above both lines x2 = x1 - 1 and x2 = -x1 - 1.
    above_first = x2 - x1 + 1 > 0
    above_second = x2 + x1 + 1 > 0
    np.testing.assert_array_equal(y, (above_first & above_second).astype(int))
    # Every point keeps at least `margin` from the V (distances to the lines, normals of length sqrt 2).
    dist_first = (x2 - x1 + 1) / np.sqrt(2)
    dist_second = (x2 + x1 + 1) / np.sqrt(2)
    inside = y == 1
    assert np.minimum(dist_first, dist_second)[inside].min() >= margin
    assert (-np.minimum(dist_first, dist_second))[~inside].min() >= margin


def test_v_shape_is_solved_by_a_two_two_one_network_but_not_by_one_line():
    X, y = data.v_shape(n=400, noise=0.0, seed=9)
    step = lambda z: (z > 0).astype(float)
    h1 = step(X[:, 1] - X[:, 0] + 1)      # hidden unit for one arm of the V
    h2 = step(X[:, 1] + X[:, 0] + 1)      # hidden unit for the other arm
    out = step(h1 + h2 - 1.5)             # fires when both do
    np.testing.assert_array_equal(out, y)
    # Class 0 holds points on both sides, level with class-1 points between them: no line works.
    assert not perceptron_separates(X, y, epochs=200)


def test_spirals_follow_their_formula():
    turns = 1.5
    X, y = data.spirals(n=300, noise=0.0, seed=10, turns=turns)
    r = np.sqrt(X[:, 0] ** 2 + X[:, 1] ** 2)
    assert np.all((r >= 0.2 - 1e-12) & (r <= 2.0 + 1e-12))
    theta = 2 * np.pi * turns * (r / 2) + y * np.pi   # r = 2t, theta = 2 pi turns t + c pi
    np.testing.assert_allclose(X[:, 0], r * np.cos(theta), atol=1e-9)
    np.testing.assert_allclose(X[:, 1], r * np.sin(theta), atol=1e-9)


def test_blobs_without_noise_sit_on_their_centres():
    k = 4
    X, y = data.blobs(n=40, k=k, noise=0.0, seed=11)
    # Documented centres for k = 4: radius 1.5 at angles 0, 90, 180, 270 degrees.
    centres = np.array([[1.5, 0.0], [0.0, 1.5], [-1.5, 0.0], [0.0, -1.5]])
    np.testing.assert_allclose(X, centres[y], atol=1e-12)


# --- load and DATASETS ------------------------------------------------------------------------

def test_datasets_lists_every_generator():
    assert set(data.DATASETS) == set(ALL)


def test_load_passes_keywords_to_the_generator():
    X1, y1 = data.load("moons", n=30, noise=0.2, seed=4)
    X2, y2 = data.moons(n=30, noise=0.2, seed=4)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert data.load("blobs", n=12, k=4)[1].max() == 3


def test_load_unknown_name_lists_the_valid_names():
    with pytest.raises(ValueError) as err:
        data.load("moon")
    message = str(err.value)
    assert "moon" in message
    for name in ALL:
        assert name in message


# --- standardize ------------------------------------------------------------------------------

def test_standardize_gives_mean_zero_std_one():
    X, _ = data.blobs(n=300, noise=0.4, seed=12)
    X = X * [3.0, 0.5] + [10.0, -4.0]
    X_std, mean, std = data.standardize(X)
    np.testing.assert_allclose(X_std.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(X_std.std(axis=0), 1.0)
    np.testing.assert_allclose(mean, [X[:, 0].mean(), X[:, 1].mean()])


def test_standardize_reuses_training_statistics():
    X_train = np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0]])
    X_val = np.array([[3.0, 3.0], [-1.0, 9.0]])
    _, mean, std = data.standardize(X_train)
    # By hand: column means 3 and 4; both columns have std sqrt(5).
    np.testing.assert_allclose(mean, [3.0, 4.0])
    np.testing.assert_allclose(std, [np.sqrt(5.0), np.sqrt(5.0)])
    X_val_std, mean_out, std_out = data.standardize(X_val, mean, std)
    expected = (X_val - [3.0, 4.0]) / np.sqrt(5.0)
    np.testing.assert_allclose(X_val_std, expected)
    np.testing.assert_array_equal(mean_out, mean)
    np.testing.assert_array_equal(std_out, std)


def test_standardize_guards_a_constant_column():
    X = np.array([[1.0, 5.0], [3.0, 5.0]])
    X_std, _, std = data.standardize(X)
    assert np.all(np.isfinite(X_std))
    np.testing.assert_allclose(X_std[:, 1], 0.0)
    assert std[1] == 1.0


def test_standardize_rejects_bad_statistics():
    X = np.zeros((3, 2))
    with pytest.raises(ValueError, match="mean and std"):
        data.standardize(X, mean=np.zeros(2))
    with pytest.raises(ValueError, match="std"):
        data.standardize(X, mean=np.zeros(2), std=np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match="mean"):
        data.standardize(X, mean=np.zeros(3), std=np.ones(3))


# --- train_val_split --------------------------------------------------------------------------

def indexed_data(n, k=2):
    """Rows whose first column is their own row number, so we can track where each row went."""
    X = np.column_stack([np.arange(n, dtype=float), np.zeros(n)])
    y = np.arange(n) % k
    return X, y


@pytest.mark.parametrize("stratify", [True, False])
def test_split_sizes_disjoint_and_covering(stratify):
    X, y = indexed_data(100)
    X_tr, X_va, y_tr, y_va = data.train_val_split(X, y, val_fraction=0.25, seed=0, stratify=stratify)
    assert X_tr.shape == (75, 2) and X_va.shape == (25, 2)
    assert y_tr.shape == (75,) and y_va.shape == (25,)
    rows_tr = X_tr[:, 0].astype(int)
    rows_va = X_va[:, 0].astype(int)
    assert set(rows_tr).isdisjoint(rows_va)
    assert sorted(np.concatenate([rows_tr, rows_va]).tolist()) == list(range(100))
    # Labels travel with their rows.
    np.testing.assert_array_equal(y_tr, rows_tr % 2)
    np.testing.assert_array_equal(y_va, rows_va % 2)


def test_split_is_stratified():
    X, y = indexed_data(120, k=3)                 # 40 rows of each class
    _, _, y_tr, y_va = data.train_val_split(X, y, val_fraction=0.25, seed=1)
    assert np.bincount(y_va).tolist() == [10, 10, 10]
    assert np.bincount(y_tr).tolist() == [30, 30, 30]


def test_split_is_random_but_reproducible():
    X, y = indexed_data(60)
    a = data.train_val_split(X, y, seed=2)
    b = data.train_val_split(X, y, seed=2)
    c = data.train_val_split(X, y, seed=3)
    for part_a, part_b in zip(a, b):
        np.testing.assert_array_equal(part_a, part_b)
    assert set(a[1][:, 0]) != set(c[1][:, 0])
    assert not np.all(np.diff(a[0][:, 0]) > 0)   # training rows come shuffled


def test_split_keeps_at_least_one_row_on_each_side():
    X, y = indexed_data(2)
    X_tr, X_va, _, _ = data.train_val_split(X, y, val_fraction=0.1, seed=0)
    assert len(X_tr) == 1 and len(X_va) == 1


def test_split_checks_its_arguments():
    X, y = indexed_data(10)
    with pytest.raises(ValueError, match="y"):
        data.train_val_split(X, y[:9])
    with pytest.raises(ValueError, match="val_fraction"):
        data.train_val_split(X, y, val_fraction=1.0)
    with pytest.raises(ValueError, match="val_fraction"):
        data.train_val_split(X, y, val_fraction=0.0)
    with pytest.raises(ValueError, match="X"):
        data.train_val_split(X[:, 0], y)


# --- one_hot and grid -------------------------------------------------------------------------

def test_one_hot_rows_sum_to_one_and_point_at_the_label():
    y = np.array([2, 0, 1, 2, 1])
    Y = data.one_hot(y)
    assert Y.shape == (5, 3) and Y.dtype == np.float64
    np.testing.assert_array_equal(Y.sum(axis=1), np.ones(5))
    np.testing.assert_array_equal(Y.argmax(axis=1), y)
    np.testing.assert_array_equal(Y[0], [0.0, 0.0, 1.0])


def test_one_hot_with_more_classes_and_out_of_range_labels():
    assert data.one_hot([0, 1], n_classes=4).shape == (2, 4)
    with pytest.raises(ValueError, match="y"):
        data.one_hot([0, 3], n_classes=3)
    with pytest.raises(TypeError, match="y"):
        data.one_hot([0.5, 1.0])


def test_grid_covers_the_data_with_a_margin():
    X = np.array([[-1.0, 0.0], [2.0, 4.0], [0.0, 1.0]])
    xx, yy, points = data.grid(X, resolution=7, margin=0.5)
    assert xx.shape == yy.shape == (7, 7)
    assert points.shape == (49, 2)
    assert xx.min() == -1.5 and xx.max() == 2.5
    assert yy.min() == -0.5 and yy.max() == 4.5
    # np.meshgrid layout, as contourf expects: x changes along a row, y down a column.
    np.testing.assert_allclose(xx[0], np.linspace(-1.5, 2.5, 7))
    np.testing.assert_allclose(yy[:, 0], np.linspace(-0.5, 4.5, 7))
    np.testing.assert_array_equal(points[:, 0], xx.ravel())
    np.testing.assert_array_equal(points[:, 1], yy.ravel())
    assert len(np.unique(points, axis=0)) == 49


def test_grid_rejects_data_that_is_not_two_dimensional_points():
    with pytest.raises(ValueError, match="X"):
        data.grid(np.zeros((5, 3)))
    with pytest.raises(ValueError, match="resolution"):
        data.grid(np.zeros((5, 2)), resolution=1)


# --- bad input to the generators --------------------------------------------------------------

@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("kwargs, error, argument", [
    ({"n": 1}, ValueError, "n"),
    ({"n": 0}, ValueError, "n"),
    ({"n": 10.5}, TypeError, "n"),
    ({"n": "100"}, TypeError, "n"),
    ({"noise": -0.1}, ValueError, "noise"),
    ({"noise": float("nan")}, ValueError, "noise"),
    ({"noise": float("inf")}, ValueError, "noise"),
    ({"seed": None}, TypeError, "seed"),
    ({"seed": -1}, ValueError, "seed"),
])
def test_generators_reject_bad_arguments(name, kwargs, error, argument):
    with pytest.raises(error) as err:
        data.DATASETS[name](**kwargs)
    assert str(err.value).startswith(argument)


@pytest.mark.parametrize("call, error, argument", [
    (lambda: data.blobs(k=1), ValueError, "k"),
    (lambda: data.blobs(n=3, k=4), ValueError, "n"),
    (lambda: data.circles(factor=0.0), ValueError, "factor"),
    (lambda: data.circles(factor=1.5), ValueError, "factor"),
    (lambda: data.linear(margin=-0.1), ValueError, "margin"),
    (lambda: data.v_shape(margin=2.0), ValueError, "margin"),
    (lambda: data.xor(gap=-1.0), ValueError, "gap"),
    (lambda: data.spirals(turns=0), ValueError, "turns"),
    (lambda: data.standardize([1.0, 2.0]), ValueError, "X"),
    (lambda: data.standardize([[1.0, np.nan]]), ValueError, "X"),
    (lambda: data.load(3), TypeError, "data set name"),
])
def test_other_bad_arguments_name_themselves(call, error, argument):
    with pytest.raises(error) as err:
        call()
    assert argument in str(err.value)


# --- docstring examples ----------------------------------------------------------------------

def test_docstring_examples_run():
    result = doctest.testmod(data)
    assert result.attempted > 0 and result.failed == 0


# --- property test ----------------------------------------------------------------------------

@settings(max_examples=80, deadline=None)
@given(name=st.sampled_from(ALL),
       n=st.integers(min_value=2, max_value=500),
       noise=st.floats(min_value=0.0, max_value=1.0),
       seed=st.integers(min_value=0, max_value=2**32 - 1),
       k=st.integers(min_value=2, max_value=6))
def test_any_valid_arguments_give_a_valid_data_set(name, n, noise, seed, k):
    if name == "blobs":
        assume(n >= k)                    # blobs needs a point for every class
        X, y = data.blobs(n=n, k=k, noise=noise, seed=seed)
    else:
        k = 2
        X, y = data.DATASETS[name](n=n, noise=noise, seed=seed)
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    assert np.all(np.isfinite(X))
    assert y.min() >= 0 and y.max() < k
    counts = np.bincount(y, minlength=k)
    assert len(counts) == k and counts.max() - counts.min() <= 1


def test_one_hot_refuses_to_guess_a_huge_number_of_classes():
    """Labels like 3e9 (regression targets, pixel counts) would ask for an (n, 3e9) array that
    fills the memory; one_hot says what is wrong instead, and n_classes still lets you insist."""
    with pytest.raises(ValueError, match="largest label is 3000000000.*n_classes"):
        data.one_hot(np.array([3e9, 0.0]))
    assert data.one_hot([0, data.MAX_CLASSES - 1]).shape == (2, data.MAX_CLASSES)


# ---- the handwritten digits (data/digits.csv.gz) ------------------------------------------------

def test_digits_file_is_the_documented_one():
    import hashlib
    digest = hashlib.sha256(data.DIGITS_FILE.read_bytes()).hexdigest()
    assert digest == "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"  # data/README.md


def test_digits_have_the_uci_test_set_class_counts_and_pixel_range():
    X, y = data.digits(scale=False)
    assert X.shape == (1797, 64) and y.shape == (1797,) and y.dtype == np.int64
    # the class distribution of the test set in the UCI data set's description (optdigits.names)
    assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert np.array_equal(X, np.round(X)) and X.min() == 0 and X.max() == 16


def test_digits_scaled_to_the_unit_interval_and_the_first_is_a_zero_with_a_hole():
    X, y = data.digits()
    raw, _ = data.digits(scale=False)
    assert np.allclose(X * 16, raw)
    first = X[0].reshape(8, 8)
    assert y[0] == 0
    assert first[3:5, 3:5].max() == 0 and first[3:5, [2, 5]].min() > 0.3  # ink around an empty middle


def test_digits_refuses_a_scale_that_is_not_a_bool():
    with pytest.raises(TypeError, match="scale must be True or False"):
        data.digits(scale="yes")
