"""Feed-forward networks (course §3–§5): dense layers, activations, losses, optimisers, regularisation."""

from __future__ import annotations

from dataclasses import dataclass, field

import keras

from anndl import backend
from anndl.config import DictConfig
from anndl.nets.budget import check_budget, dense_cost

ACTIVATIONS = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "silu", "softplus"]
OPTIMIZERS = ["sgd", "momentum", "nesterov", "rmsprop", "adagrad", "adadelta", "adam", "adamw"]
INITIALIZERS = {"zeros": "zeros", "normal_0.01": None, "glorot_normal": "glorot_normal", "he_normal": "he_normal"}
TASKS = ["binary", "multiclass", "regression"]


@dataclass
class FFNNConfig(DictConfig):
    """A dense network and its training choices, as the lecture's knobs."""

    inputs: int = 2  # two features: the playground's plane
    hidden: tuple[int, ...] = (16, 16)  # two hidden layers are enough for the spiral
    activations: tuple[str, ...] = ("relu", "relu")  # one per hidden layer; ReLU avoids vanishing gradients
    task: str = "binary"  # decides the output layer and the loss
    n_classes: int = 2  # used for multiclass
    outputs: int = 1  # regression targets
    one_hot: bool = False  # multiclass: categorical (one-hot) instead of sparse categorical cross-entropy
    initializer: str = "glorot_normal"  # Xavier: keeps the variance of activations across layers
    l2: float = 0.0  # weight decay γ on every kernel (§4.4)
    dropout: float = 0.0  # dropout rate after each hidden layer (§4.5)
    batchnorm: bool = False  # batch normalisation before each activation
    optimizer: str = "adam"  # adaptive steps work without tuning for a class demo
    learning_rate: float = 0.01  # larger than Keras' 1e-3 default: small nets converge in seconds
    seed: int = 0  # initialisation seed
    norm_mean: tuple[float, ...] | None = None  # feature standardisation from the training split (§4.7),
    norm_var: tuple[float, ...] | None = None  # kept inside the model so the download works on raw inputs


def make_initializer(name: str, seed: int):
    if name == "normal_0.01":
        return keras.initializers.RandomNormal(0.0, 0.01, seed=seed)
    if name == "zeros":
        return keras.initializers.Zeros()
    return keras.initializers.get({"class_name": INITIALIZERS[name], "config": {"seed": seed}})


def make_optimizer(name: str, learning_rate: float) -> keras.optimizers.Optimizer:
    """The lecture's optimisers by name (§4.3): SGD, momentum, Nesterov, RMSprop, Adagrad, Adadelta, Adam, AdamW."""
    opt = keras.optimizers
    makers = {
        "sgd": lambda: opt.SGD(learning_rate),
        "momentum": lambda: opt.SGD(learning_rate, momentum=0.9),
        "nesterov": lambda: opt.SGD(learning_rate, momentum=0.9, nesterov=True),
        "rmsprop": lambda: opt.RMSprop(learning_rate),
        "adagrad": lambda: opt.Adagrad(learning_rate),
        "adadelta": lambda: opt.Adadelta(learning_rate),
        "adam": lambda: opt.Adam(learning_rate),
        "adamw": lambda: opt.AdamW(learning_rate),
    }
    if name not in makers:
        raise ValueError(f"Unknown optimiser {name!r}; choose one of {', '.join(makers)}")
    return makers[name]()


def head(config: FFNNConfig) -> tuple[int, str, str, list[str]]:
    """Output units, output activation, loss and metrics matched to the task (§3.4)."""
    if config.task == "regression":
        return config.outputs, "linear", "mse", ["mae"]
    if config.task == "binary":
        return 1, "sigmoid", "binary_crossentropy", ["accuracy"]
    loss = "categorical_crossentropy" if config.one_hot else "sparse_categorical_crossentropy"
    return config.n_classes, "softmax", loss, ["accuracy"]


def build_ffnn(config: FFNNConfig, compile: bool = True) -> keras.Model:
    """Input → [Dense → (BatchNorm) → activation → (Dropout)] × L → task head; compiled with its loss."""
    if len(config.activations) != len(config.hidden):
        raise ValueError("Give one activation per hidden layer.")
    if not 0 <= config.dropout < 1:
        raise ValueError("Dropout must be in [0, 1).")
    outputs = config.n_classes if config.task == "multiclass" else config.outputs
    check_budget("network", *dense_cost([config.inputs, *config.hidden, outputs]))
    reg = keras.regularizers.L2(config.l2) if config.l2 > 0 else None
    inputs = keras.Input((config.inputs,), name="x")
    h = inputs
    if config.norm_mean is not None:
        h = keras.layers.Normalization(mean=list(config.norm_mean), variance=list(config.norm_var),
                                       name="standardise")(h)
    for i, (units, act) in enumerate(zip(config.hidden, config.activations), start=1):
        h = keras.layers.Dense(units, kernel_initializer=make_initializer(config.initializer, config.seed + i),
                               bias_initializer="zeros", kernel_regularizer=reg, name=f"hidden{i}")(h)
        if config.batchnorm:
            h = keras.layers.BatchNormalization(name=f"bn{i}")(h)
        h = keras.layers.Activation(act, name=f"act{i}")(h)
        if config.dropout > 0:
            h = keras.layers.Dropout(config.dropout, seed=config.seed + i, name=f"dropout{i}")(h)
    units, out_act, loss, metrics = head(config)
    outputs = keras.layers.Dense(units, activation=out_act, kernel_regularizer=reg,
                                 kernel_initializer=make_initializer(config.initializer, config.seed),
                                 name="output")(h)
    model = keras.Model(inputs, outputs, name="ffnn")
    if compile:
        model.compile(make_optimizer(config.optimizer, config.learning_rate), loss=loss, metrics=metrics,
                      steps_per_execution=backend.steps_per_execution(8))  # small nets are overhead-bound (§8)
    return model


def predict_classes(model: keras.Model, x, task: str):
    """Class ids (or values for regression) from the network's outputs."""

    p = model.predict(x, verbose=0, batch_size=4096)
    if task == "regression":
        return p[:, 0] if p.shape[1] == 1 else p
    return (p[:, 0] > 0.5).astype(int) if task == "binary" else p.argmax(1)


@dataclass
class TrainChoices:
    """The training knobs that go into the generated Keras code."""

    epochs: int = 100
    batch_size: int = 32
    early_stopping: int = 0
    reduce_lr: int = 0
    extra: dict = field(default_factory=dict)


def keras_code(config: FFNNConfig, train: TrainChoices, dataset: str) -> str:
    """A standalone Keras script for this configuration (the page's 'Keras code' expander)."""
    units, out_act, loss, metrics = head(config)
    init = {"zeros": '"zeros"', "normal_0.01": "keras.initializers.RandomNormal(0.0, 0.01)",
            "glorot_normal": '"glorot_normal"', "he_normal": '"he_normal"'}[config.initializer]
    reg = f"keras.regularizers.L2({config.l2})" if config.l2 > 0 else "None"
    opt = {"sgd": "SGD(lr)", "momentum": "SGD(lr, momentum=0.9)", "nesterov": "SGD(lr, momentum=0.9, nesterov=True)",
           "rmsprop": "RMSprop(lr)", "adagrad": "Adagrad(lr)", "adadelta": "Adadelta(lr)", "adam": "Adam(lr)",
           "adamw": "AdamW(lr)"}[config.optimizer]
    lines = ["import keras", "from anndl.data import load, split  # or your own arrays x_train, y_train, ...", "",
             f"ds = load({dataset!r})", "s = split(ds, test=0.2, val=0.2, seed=0)",
             "mu, sd = s.x_train.mean(0), s.x_train.std(0) + 1e-8  # standardise with training statistics",
             "", f"keras.utils.set_random_seed({config.seed})", f"inputs = keras.Input(({config.inputs},))",
             "h = inputs"]
    for i, (n, act) in enumerate(zip(config.hidden, config.activations), start=1):
        lines.append(f"h = keras.layers.Dense({n}, kernel_initializer={init}, kernel_regularizer={reg})(h)")
        if config.batchnorm:
            lines.append("h = keras.layers.BatchNormalization()(h)")
        lines.append(f'h = keras.layers.Activation("{act}")(h)')
        if config.dropout > 0:
            lines.append(f"h = keras.layers.Dropout({config.dropout})(h)")
    lines += [f'outputs = keras.layers.Dense({units}, activation="{out_act}")(h)',
              "model = keras.Model(inputs, outputs)", f"lr = {config.learning_rate}",
              f'model.compile(keras.optimizers.{opt}, loss="{loss}", metrics={metrics})', "callbacks = []"]
    if train.early_stopping:
        lines.append(f"callbacks.append(keras.callbacks.EarlyStopping(patience={train.early_stopping}, "
                     "restore_best_weights=True))")
    if train.reduce_lr:
        lines.append(f"callbacks.append(keras.callbacks.ReduceLROnPlateau(patience={train.reduce_lr}))")
    y = ["s.y_train", "s.y_val", "s.y_test"]
    if config.task == "multiclass" and config.one_hot:
        y = [f"keras.utils.to_categorical({v}, {config.n_classes})" for v in y]
    lines += [f"model.fit((s.x_train - mu) / sd, {y[0]}, epochs={train.epochs}, batch_size={train.batch_size},",
              f"          validation_data=((s.x_val - mu) / sd, {y[1]}), callbacks=callbacks)",
              f"print(model.evaluate((s.x_test - mu) / sd, {y[2]}, return_dict=True))"]
    return "\n".join(lines) + "\n"
