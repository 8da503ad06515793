"""anndl.train: TimeToTarget (the one time-to-target callback of the benchmarks) and fit's early stopping."""

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


class _WritesScore(keras.callbacks.Callback):
    """A caller's callback writing a score into the logs (as the U-Net's val_mean_iou) and keeping each epoch's
    weights."""

    def __init__(self, scores):
        super().__init__()
        self.scores, self.weights = iter(scores), []

    def on_epoch_end(self, epoch, logs=None):
        logs["val_score"] = next(self.scores)
        self.weights.append([w.copy() for w in self.model.get_weights()])


def test_fit_early_stops_on_a_metric_a_callers_callback_writes_and_keeps_the_best_weights():
    from anndl.train import FitConfig, fit

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x = np.random.default_rng(0).normal(size=(16, 2)).astype("float32")
    writer = _WritesScore([0.1, 0.5, 0.9, 0.3, 0.2, 0.1, 0.0, 0.0, 0.0, 0.0])
    cfg = FitConfig(epochs=10, batch_size=8, early_stopping=3, monitor="val_score", mode="max")
    out = fit(model, x, x.sum(1, keepdims=True), cfg, callbacks=[writer])
    assert out["epochs_run"] == 6 and out["stopped_early"] and out["best_epoch"] == 3
    assert out["history"]["val_score"] == [0.1, 0.5, 0.9, 0.3, 0.2, 0.1]
    for kept, best, last in zip(model.get_weights(), writer.weights[2], writer.weights[-1]):
        np.testing.assert_array_equal(kept, best)
        assert not np.array_equal(best, last)


def test_a_scored_target_can_log_its_score_for_the_stopper_without_scoring_twice():
    scores, calls = iter([0.3, 0.6, 0.5, 0.4, 0.2, 0.1]), []

    def score(model):
        calls.append(1)
        return next(scores)

    timer = TimeToTarget(None, score=score, log_as="val_score")
    stopper = keras.callbacks.EarlyStopping("val_score", mode="max", patience=2)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x = np.zeros((8, 2), "float32")
    hist = model.fit(x, x[:, :1], epochs=6, verbose=0, callbacks=[timer, stopper])
    assert hist.history["val_score"] == [0.3, 0.6, 0.5, 0.4]  # stopped two epochs after the best
    assert len(calls) == 4 and timer.curve == [0.3, 0.6, 0.5, 0.4]
