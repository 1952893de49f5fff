"""Learning-rate schedules: the step size lr as a function of the epoch.

A schedule starts from the optimizer's learning rate base_lr and lowers it as training goes on:
large steps early to get somewhere quickly, small steps late so the noise of mini-batch gradients
stops kicking the parameters around. After ``epoch`` epochs (epoch 0 is the start):

    step decay:         lr = base_lr * gamma ** floor(epoch / step_size)
    exponential decay:  lr = base_lr * gamma ** epoch
    cosine annealing:   lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2

The functions ``step_decay``, ``exponential_decay`` and ``cosine_annealing`` compute these numbers
(for one epoch or an array of epochs, e.g. to plot them). The classes ``StepLR``, ``ExponentialLR``
and ``CosineAnnealingLR`` work as in ``torch.optim.lr_scheduler``: build one around an optimizer
of ``optim`` and call ``schedule.step()`` once at the end of each epoch; it sets ``opt.lr`` for
the next one. ``training.fit(..., schedule=...)`` makes that call for you.

    >>> from nbtools.optim import SGD
    >>> opt = SGD(lr=0.1)
    >>> schedule = ExponentialLR(opt, gamma=0.5)
    >>> [schedule.step() for epoch in range(3)]   # after each epoch of opt.step(...) calls
    [0.05, 0.025, 0.0125]
    >>> opt.lr                                    # 0.1 * 0.5 ** 3
    0.0125
"""
import numpy as np

from ._checks import as_float_array, check_lr, check_number
from .optim import Optimizer


# ---------------------------------------------------------------- checking the arguments



def _check_epochs(epoch):
    epochs = as_float_array(epoch, "epoch")
    if np.any(epochs < 0):
        raise ValueError(f"epoch must be 0 or more, got {epoch!r}; epoch 0 is the start.")
    return epochs


def _scalar_or_array(lrs):
    return float(lrs) if lrs.ndim == 0 else lrs


# ---------------------------------------------------------------- the rates, as functions

def step_decay(base_lr, epoch, step_size, gamma=0.1):
    """Learning rate after ``epoch`` epochs: base_lr * gamma ** floor(epoch / step_size).

    ``epoch`` may be a number or an array of epochs (returns an array of the same shape).

        >>> step_decay(0.1, np.arange(6), step_size=2, gamma=0.5)
        array([0.1  , 0.1  , 0.05 , 0.05 , 0.025, 0.025])
    """
    base_lr = check_lr(base_lr)
    step_size = check_number(step_size, "step_size", low=1, integer=True,
                             hint="Use the number of epochs between drops, e.g. 10.")
    gamma = check_number(gamma, "gamma", low=0, low_open=True, hint="Use a factor such as 0.1 or 0.5.")
    return _scalar_or_array(base_lr * gamma ** (_check_epochs(epoch) // step_size))


def exponential_decay(base_lr, epoch, gamma):
    """Learning rate after ``epoch`` epochs: base_lr * gamma ** epoch (number or array).

        >>> exponential_decay(1.0, 3, gamma=0.5)
        0.125
    """
    base_lr = check_lr(base_lr)
    gamma = check_number(gamma, "gamma", low=0, low_open=True, hint="Use a factor such as 0.9 or 0.99.")
    return _scalar_or_array(base_lr * gamma ** _check_epochs(epoch))


def cosine_annealing(base_lr, epoch, T_max, eta_min=0.0):
    """Learning rate after ``epoch`` epochs, half a cosine from base_lr down to eta_min at T_max:

        eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2

    Past T_max the cosine climbs back up (as in PyTorch). ``epoch`` may be a number or an array.

        >>> cosine_annealing(1.0, np.array([0, 1, 2]), T_max=2)
        array([1. , 0.5, 0. ])
    """
    base_lr = check_lr(base_lr)
    T_max = check_number(T_max, "T_max", low=1, integer=True,
                         hint="Use the number of epochs to anneal over, e.g. 50.")
    eta_min = check_number(eta_min, "eta_min", low=0, hint="Use 0 or a small learning rate.")
    # clip: on some CPUs cos(pi) rounds to just below -1, which would give a tiny negative rate
    cosine = np.clip(np.cos(np.pi * _check_epochs(epoch) / T_max), -1.0, 1.0)
    return _scalar_or_array(eta_min + (base_lr - eta_min) * (1 + cosine) / 2)


# ---------------------------------------------------------------- schedules of an optimizer

class _Schedule:
    """Base class: remember the optimizer's starting lr; ``step()`` sets lr for the next epoch."""

    def __init__(self, optimizer):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"optimizer must be an nbtools optimizer such as SGD(lr=0.1) or "
                            f"Adam(), got {type(optimizer).__name__}.")
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.epoch = 0

    def step(self):
        """Call once at the end of each epoch: sets and returns the lr for the next one."""
        self.epoch += 1
        self.optimizer.lr = self.lr_at(self.epoch)
        return self.optimizer.lr

    def __repr__(self):
        settings = ", ".join(f"{name}={value!r}" for name, value in self.settings().items())
        return f"{type(self).__name__}({settings}, base_lr={self.base_lr!r}, epoch={self.epoch})"


class StepLR(_Schedule):
    """Multiply lr by gamma every ``step_size`` epochs: lr = base_lr * gamma ** (epoch // step_size).

        >>> from nbtools.optim import SGD
        >>> opt = SGD(lr=0.1)
        >>> schedule = StepLR(opt, step_size=2, gamma=0.5)
        >>> [round(schedule.step(), 6) for _ in range(4)]
        [0.1, 0.05, 0.05, 0.025]
    """

    def __init__(self, optimizer, step_size, gamma=0.1):
        super().__init__(optimizer)
        self.step_size, self.gamma = step_size, gamma
        self.lr_at(0)  # checks step_size and gamma now rather than at the first step

    def settings(self):
        return dict(step_size=self.step_size, gamma=self.gamma)

    def lr_at(self, epoch):
        return step_decay(self.base_lr, epoch, self.step_size, self.gamma)


class ExponentialLR(_Schedule):
    """Multiply lr by gamma every epoch: lr = base_lr * gamma ** epoch."""

    def __init__(self, optimizer, gamma):
        super().__init__(optimizer)
        self.gamma = gamma
        self.lr_at(0)

    def settings(self):
        return dict(gamma=self.gamma)

    def lr_at(self, epoch):
        return exponential_decay(self.base_lr, epoch, self.gamma)


class CosineAnnealingLR(_Schedule):
    """Half a cosine from base_lr to eta_min over T_max epochs (see ``cosine_annealing``)."""

    def __init__(self, optimizer, T_max, eta_min=0.0):
        super().__init__(optimizer)
        self.T_max, self.eta_min = T_max, eta_min
        self.lr_at(0)

    def settings(self):
        return dict(T_max=self.T_max, eta_min=self.eta_min)

    def lr_at(self, epoch):
        return cosine_annealing(self.base_lr, epoch, self.T_max, self.eta_min)
