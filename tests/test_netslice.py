"""Tests of nbtools.netslice: flattening weights, the directions of a slice, the loss of a real
network on a plane through its weight space, and training copies of one network side by side.

Expected values are computed here independently: the network is evaluated directly at the same
weights, paths are built to lie in a known plane, and fit is called directly.
"""
import copy

import numpy as np
import pytest

from nbtools import data, netslice, nn, optim, training


@pytest.fixture(scope="module")
def trained():
    X, y = data.moons(n=60, noise=0.15, seed=0)
    net = nn.MLP([2, 5, 1], hidden="tanh", seed=0)
    history = training.fit(net, X, y, optimizer=optim.Adam(lr=0.02), epochs=8, batch_size=20,
                           seed=0, snapshot_every=2, progress=False)
    return net, X, y, history.snapshots


def test_flatten_unflatten_round_trip(trained):
    net = trained[0]
    weights = net.get_weights()
    theta = netslice.flatten(weights)
    assert theta.shape == (net.n_params(),)
    for a, b in zip(netslice.unflatten(theta, weights), weights):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(netslice.flatten((7, weights)), theta)   # a fit snapshot (step, weights)


def test_pca_directions_find_the_plane_of_a_planar_path():
    rng = np.random.default_rng(0)
    like = [np.zeros((3, 2)), np.zeros(3)]
    u, v = np.linalg.qr(rng.standard_normal((9, 2)))[0].T
    path = [netslice.unflatten(a * u + b * v, like) for a, b in rng.standard_normal((12, 2))]
    d1, d2, captured = netslice.pca_directions(path, like)
    assert captured == pytest.approx(1.0)
    np.testing.assert_allclose([d1 @ d1, d2 @ d2, d1 @ d2], [1.0, 1.0, 0.0], atol=1e-12)
    basis = np.column_stack([u, v])            # d1 and d2 lie in span(u, v)
    for d in (d1, d2):
        np.testing.assert_allclose(basis @ (basis.T @ d), d, atol=1e-12)
    with pytest.raises(ValueError, match="at least 2"):
        netslice.pca_directions([like], like)


def test_random_directions_are_filter_normalized(trained):
    weights = trained[0].get_weights()
    d1, d2 = netslice.random_directions(weights, seed=1)
    for d in (d1, d2):
        parts = netslice.unflatten(d, weights)
        for w, dw in zip(weights, parts):
            if w.ndim == 1:
                assert not np.any(dw)              # biases: direction 0
            else:
                np.testing.assert_allclose(np.linalg.norm(dw, axis=1), np.linalg.norm(w, axis=1))
    np.testing.assert_array_equal(netslice.random_directions(weights, seed=1)[0], d1)
    assert not np.array_equal(netslice.random_directions(weights, seed=2)[0], d1)


def test_network_slice_values_projection_and_restored_weights(trained):
    net, X, y, path = trained
    before = net.get_weights()
    sl = netslice.slice_through(net, X, y, {"Adam": path}, center="end")
    end = path[-1][1]
    copy_net = copy.deepcopy(net)
    copy_net.set_weights(end)
    assert sl.f((0.0, 0.0)) == pytest.approx(training.evaluate(copy_net, X, y)[0])
    a, b = 0.3, -0.2
    copy_net.set_weights(netslice.unflatten(netslice.flatten(end) + a * sl.D[:, 0] + b * sl.D[:, 1], end))
    assert sl.f((a, b)) == pytest.approx(training.evaluate(copy_net, X, y)[0])
    np.testing.assert_allclose(sl.project([sl.weights_at((a, b))]), [[a, b]], atol=1e-12)
    A, B, Z = sl.grid(5)
    assert Z.shape == (5, 5) and np.all(Z >= 0)
    for w, v in zip(net.get_weights(), before):
        np.testing.assert_array_equal(w, v)
    traj = sl.trajectory(path)
    assert traj.points.shape == (len(path), 2)
    copy_net.set_weights(path[0][1])
    assert traj.losses[0] == pytest.approx(training.evaluate(copy_net, X, y)[0])
    P = traj.points
    (a0, a1), (b0, b1) = sl.bounds
    assert a0 < P[:, 0].min() and P[:, 0].max() < a1 and b0 < P[:, 1].min() and P[:, 1].max() < b1


def test_pca_slice_holds_more_of_the_path_than_a_random_one(trained):
    net, X, y, path = trained
    pca = netslice.slice_through(net, X, y, {"p": path})
    rnd = netslice.slice_through(net, X, y, {"p": path}, directions="random")
    assert 0 < rnd.captured(path) < pca.captured(path) <= 1 + 1e-12
    assert rnd.bounds == ((-1.0, 1.0), (-1.0, 1.0))
    start = netslice.slice_through(net, X, y, {"p": path}, center="start")
    np.testing.assert_allclose(start.project([path[0]]), [[0.0, 0.0]], atol=1e-12)


def test_network_slice_checks_its_inputs(trained):
    net, X, y, path = trained
    d = np.zeros(net.n_params())
    with pytest.raises(ValueError, match="parameters"):
        netslice.NetworkSlice(net, X, y, [np.zeros(3)], d, d)
    with pytest.raises(ValueError, match="entries"):
        netslice.NetworkSlice(net, X, y, net.get_weights(), d[:-1], d[:-1])
    with pytest.raises(ValueError, match="center"):
        netslice.slice_through(net, X, y, {"p": path}, center="middle")
    with pytest.raises(TypeError, match="paths"):
        netslice.slice_through(net, X, y, path)


def test_train_paths_trains_copies_from_the_same_weights(trained):
    _, X, y, _ = trained
    net = nn.MLP([2, 4, 1], hidden="tanh", seed=3)
    before = net.get_weights()
    histories = netslice.train_paths(net, X, y, {"SGD": optim.SGD(lr=0.1), "Adam": optim.Adam(lr=0.01)},
                                     epochs=3, batch_size=20, snapshot_every=3)
    for w, v in zip(net.get_weights(), before):
        np.testing.assert_array_equal(w, v)
    alone = nn.MLP([2, 4, 1], hidden="tanh", seed=3)
    expected = training.fit(alone, X, y, optimizer=optim.Adam(lr=0.01), epochs=3, batch_size=20,
                            seed=0, snapshot_every=3, progress=False)
    for w, v in zip(histories["Adam"].snapshots[-1][1], expected.snapshots[-1][1]):
        np.testing.assert_array_equal(w, v)
    for w, v in zip(histories["SGD"].snapshots[0][1], before):
        np.testing.assert_array_equal(w, v)
    with pytest.raises(TypeError, match="optimizers"):
        netslice.train_paths(net, X, y, optim.SGD(lr=0.1))
