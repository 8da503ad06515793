"""anndl.train.TimeToTarget: the one time-to-target callback of the benchmarks."""

import keras
import numpy as np

from anndl.train import TimeToTarget


def _fit(callback, epochs=6):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x = np.zeros((8, 2), "float32")
    return model.fit(x, x[:, :1], epochs=epochs, verbose=0, callbacks=[callback])


def test_records_the_first_epoch_at_the_target_and_the_whole_curve():
    scores = iter([0.2, 0.5, 0.9, 0.4, 0.95, 0.97])
    timer = TimeToTarget(0.9, score=lambda model: next(scores))
    _fit(timer)
    assert timer.epoch == 3 and 0 < timer.seconds <= timer.train_s
    assert timer.curve == [0.2, 0.5, 0.9, 0.4, 0.95, 0.97]


def test_stop_at_target_and_min_mode_on_a_logged_metric():
    timer = TimeToTarget(1e9, monitor="loss", mode="min", stop=True)
    hist = _fit(timer)
    assert timer.epoch == 1 and len(hist.history["loss"]) == 1


def test_target_never_reached_and_budget_stops_training():
    timer = TimeToTarget(2.0, score=lambda model: 0.5, budget_s=0.0)
    hist = _fit(timer)
    assert timer.seconds is None and timer.epoch is None and len(hist.history["loss"]) == 1
