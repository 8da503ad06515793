"""Recurrent and convolutional nets for sequences (course §23–§24): forecasters and activity classifiers."""

from __future__ import annotations

from dataclasses import dataclass, field

import keras
from keras import layers, ops

from anndl.config import DictConfig
from anndl.nets.budget import check_budget, recurrent_cost

FORECASTERS = ["lstm", "gru", "bilstm", "cnn", "convlstm"]
CLASSIFIERS = ["cnn", "lstm", "bilstm"]
NORMS = ["relative", "global"]


@keras.saving.register_keras_serializable(package="anndl")
class WindowNorm(layers.Layer):
    """Normalise a window with TRAINING statistics (§4.7); "relative" also subtracts the window's last value."""

    def __init__(self, mode: str = "relative", mean=(0.0,), std=(1.0,), **kwargs):
        super().__init__(**kwargs)
        self.mode, self.mean, self.std = mode, [float(m) for m in mean], [float(s) for s in std]

    def call(self, x):  # x (batch, window, channels) in the data's units
        ref = x[:, -1:, :] if self.mode == "relative" else ops.convert_to_tensor(self.mean, x.dtype)
        return (x - ref) / ops.convert_to_tensor(self.std, x.dtype)

    def get_config(self):
        return {**super().get_config(), "mode": self.mode, "mean": self.mean, "std": self.std}


@keras.saving.register_keras_serializable(package="anndl")
class WindowDenorm(layers.Layer):
    """Back to the data's units: y·std + (last value of the window | training mean), per target channel."""

    def __init__(self, mode: str = "relative", mean=(0.0,), std=(1.0,), target_idx=(0,), **kwargs):
        super().__init__(**kwargs)
        self.mode, self.mean, self.std = mode, [float(m) for m in mean], [float(s) for s in std]
        self.target_idx = [int(i) for i in target_idx]

    def call(self, inputs):
        y, x = inputs  # y (batch, telescope, targets) normalised; x (batch, window, channels) raw
        std = ops.convert_to_tensor([self.std[i] for i in self.target_idx], y.dtype)
        if self.mode == "relative":
            ref = ops.take(x[:, -1:, :], self.target_idx, axis=2)
        else:
            ref = ops.convert_to_tensor([self.mean[i] for i in self.target_idx], y.dtype)
        return y * std + ref

    def get_config(self):
        return {**super().get_config(), "mode": self.mode, "mean": self.mean, "std": self.std,
                "target_idx": self.target_idx}


@dataclass
class ForecastConfig(DictConfig):
    """A forecaster of the next `telescope` steps from a `window` of past steps (§24.4)."""

    window: int = 104  # two years of weekly co2: two full seasons to compare
    channels: int = 1  # input variables per step
    telescope: int = 52  # one year ahead, predicted at once (direct)
    target_idx: list[int] = field(default_factory=lambda: [0])  # which input channels are forecast
    kind: str = "lstm"  # lstm | gru | bilstm | cnn | convlstm
    units: int = 32  # recurrent units / filters: enough for a season's shape, and 2-3× faster than 64 on a CPU
    dropout: float = 0.0  # small series: regularise with early stopping instead
    norm: str = "relative"  # relative to each window's last value: the trend cannot leave the training range
    mean: list[float] = field(default_factory=lambda: [0.0])  # training mean per channel
    std: list[float] = field(default_factory=lambda: [1.0])  # training std per channel
    learning_rate: float = 2e-3  # twice Adam's default: batches of 64 windows
    seed: int = 0



def _core(config: ForecastConfig, z):
    """The lecture's sequence encoders; z (batch, window, channels) -> (batch, features)."""
    u, kind = config.units, config.kind
    if kind == "lstm":
        return layers.LSTM(u, name="lstm")(z)
    if kind == "gru":
        return layers.GRU(u, name="gru")(z)
    if kind == "bilstm":
        return layers.Bidirectional(layers.LSTM(u // 2), name="bilstm")(z)
    if kind == "cnn":
        z = layers.Conv1D(u, 5, padding="same", activation="relu", name="conv1")(z)
        z = layers.MaxPooling1D(2, name="pool1")(z)
        z = layers.Conv1D(u, 5, padding="same", activation="relu", name="conv2")(z)
        return layers.Flatten(name="flatten")(layers.MaxPooling1D(2, name="pool2")(z))
    if kind == "convlstm":  # §24.4.3: BiLSTM -> Conv1D -> pool -> BiLSTM -> Conv1D -> GAP
        z = layers.Bidirectional(layers.LSTM(u // 2, return_sequences=True), name="bilstm1")(z)
        z = layers.Conv1D(u, 3, padding="same", activation="relu", name="conv1")(z)
        z = layers.MaxPooling1D(2, name="pool")(z)
        z = layers.Bidirectional(layers.LSTM(u // 2, return_sequences=True), name="bilstm2")(z)
        z = layers.Conv1D(u, 3, padding="same", activation="relu", name="conv2")(z)
        return layers.GlobalAveragePooling1D(name="gap")(z)
    raise ValueError(f"Unknown forecaster {kind!r}; choose one of {', '.join(FORECASTERS)}")


def build_forecaster(config: ForecastConfig) -> keras.Model:
    """Window (data units) -> telescope (data units); normalisation lives inside, so the .keras file is whole."""
    k = len(config.target_idx)
    check_budget("forecaster", *recurrent_cost(config.window, config.channels, config.units, 2, config.telescope * k))
    keras.utils.set_random_seed(config.seed)
    x = keras.Input((config.window, config.channels), name="window")
    z = WindowNorm(config.norm, config.mean, config.std, name="norm")(x)
    h = _core(config, z)
    if config.dropout:
        h = layers.Dropout(config.dropout, name="dropout")(h)
    y = layers.Dense(config.telescope * k, name="telescope")(h)
    y = layers.Reshape((config.telescope, k), name="steps")(y)  # (batch, telescope, targets)
    if config.kind == "convlstm":
        y = layers.Conv1D(k, 1, name="pointwise")(y)
    y = WindowDenorm(config.norm, config.mean, config.std, config.target_idx, name="denorm")([y, x])
    model = keras.Model(x, y, name=f"{config.kind}_forecaster")
    model.compile(keras.optimizers.Adam(config.learning_rate), loss="mse", metrics=["mae"])
    return model


@dataclass
class ClassifierConfig(DictConfig):
    """An activity classifier over fixed windows (§24.3.3–4)."""

    window: int = 100  # one BasicMotions recording: 10 s at 10 Hz
    channels: int = 6  # accelerometer and gyroscope, x y z
    n_classes: int = 4
    kind: str = "cnn"  # cnn (1-D CNN + GAP) | lstm (stacked, batch norm) | bilstm
    units: int = 64  # filters / recurrent units
    dropout: float = 0.3  # 80 recordings overfit quickly
    mean: list[float] = field(default_factory=lambda: [0.0] * 6)  # training mean per channel
    std: list[float] = field(default_factory=lambda: [1.0] * 6)  # training std per channel
    learning_rate: float = 3e-3  # a little above Adam's default: small data, batch norm
    seed: int = 0



def build_classifier(config: ClassifierConfig) -> keras.Model:
    """Window of sensor readings (raw units) -> activity probabilities."""
    check_budget("classifier", *recurrent_cost(config.window, config.channels, config.units, 2, config.n_classes))
    keras.utils.set_random_seed(config.seed)
    u = config.units
    x = keras.Input((config.window, config.channels), name="window")
    z = WindowNorm("global", config.mean, config.std, name="norm")(x)
    if config.kind == "cnn":  # §24.3.4: Conv1D blocks, then global average pooling over time
        for i in (1, 2):
            z = layers.Conv1D(u, 5, padding="same", name=f"conv{i}")(z)
            z = layers.BatchNormalization(name=f"bn{i}")(z)
            z = layers.Activation("relu", name=f"relu{i}")(z)
            z = layers.MaxPooling1D(2, name=f"pool{i}")(z)
        h = layers.GlobalAveragePooling1D(name="gap")(z)
    elif config.kind == "lstm":  # §24.3.3: stacked LSTM with batch normalisation
        z = layers.LSTM(u, return_sequences=True, name="lstm1")(z)
        z = layers.BatchNormalization(name="bn1")(z)
        h = layers.BatchNormalization(name="bn2")(layers.LSTM(u, name="lstm2")(z))
    elif config.kind == "bilstm":
        h = layers.Bidirectional(layers.LSTM(u // 2), name="bilstm")(z)
    else:
        raise ValueError(f"Unknown classifier {config.kind!r}; choose one of {', '.join(CLASSIFIERS)}")
    h = layers.Dropout(config.dropout, name="dropout")(h)
    y = layers.Dense(config.n_classes, activation="softmax", name="activity")(h)
    model = keras.Model(x, y, name=f"{config.kind}_classifier")
    model.compile(keras.optimizers.Adam(config.learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model
