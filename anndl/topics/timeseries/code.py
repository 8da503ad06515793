"""The 'Keras code' of the time-series page: standalone scripts of the current configuration (Keras 3)."""

from __future__ import annotations

CORES = {
    "lstm": "z = keras.layers.LSTM({u})(z)",
    "gru": "z = keras.layers.GRU({u})(z)",
    "bilstm": "z = keras.layers.Bidirectional(keras.layers.LSTM({h}))(z)",
    "cnn": ("z = keras.layers.Conv1D({u}, 5, padding='same', activation='relu')(z)\n"
            "z = keras.layers.MaxPooling1D(2)(z)\n"
            "z = keras.layers.Conv1D({u}, 5, padding='same', activation='relu')(z)\n"
            "z = keras.layers.Flatten()(keras.layers.MaxPooling1D(2)(z))"),
    "convlstm": ("z = keras.layers.Bidirectional(keras.layers.LSTM({h}, return_sequences=True))(z)\n"
                 "z = keras.layers.Conv1D({u}, 3, padding='same', activation='relu')(z)\n"
                 "z = keras.layers.MaxPooling1D(2)(z)\n"
                 "z = keras.layers.Bidirectional(keras.layers.LSTM({h}, return_sequences=True))(z)\n"
                 "z = keras.layers.Conv1D({u}, 3, padding='same', activation='relu')(z)\n"
                 "z = keras.layers.GlobalAveragePooling1D()(z)"),
}

LOADERS = {
    "co2": "sm.datasets.co2.load_pandas().data['co2'].interpolate().to_numpy('float32')",
    "sunspots": "sm.datasets.sunspots.load_pandas().data['SUNACTIVITY'].to_numpy('float32')",
    "nile": "sm.datasets.nile.load_pandas().data['volume'].to_numpy('float32')",
}


def forecast_code(params: dict) -> str:
    """A runnable script: load, split in time, build_sequences, window-relative normalisation, train, compare."""
    src = params.get("series", "co2")
    if isinstance(src, dict):  # an upload: the script reads the user's file, first target column
        name, imp = "your series", "import pandas as pd"
        load = f"pd.read_csv('my_series.csv')[{src['targets'][0]!r}].interpolate().to_numpy('float32')"
    else:
        name = src
        load = LOADERS.get(name, "load_airline().to_numpy('float32')")
        imp = "from sktime.datasets import load_airline" if name == "airline" else "import statsmodels.api as sm"
    u = int(params.get("units", 32))
    core = CORES[params.get("kind", "lstm")].format(u=u, h=max(1, u // 2))
    relative = params.get("norm", "relative") == "relative"
    ref = "x[:, -1:, :]" if relative else "mean"
    title = f"Forecast {name}: window {params.get('window', 104)}, telescope {params.get('telescope', 52)}"
    return f'''"""{title} (course §24.4)."""
import numpy as np
import keras
{imp}

WINDOW, TELESCOPE, STRIDE = {params.get("window", 104)}, {params.get("telescope", 52)}, {params.get("stride", 1)}
series = {load}[:, None]  # (n, 1)
n = len(series)
a, b = int(n * 0.70), int(n * 0.85)  # train | validation | test, in time order


def build_sequences(values, window, stride, telescope, first_target=0):
    starts = [s for s in range(0, len(values) - window - telescope + 1, stride) if s + window >= first_target]
    x = np.stack([values[s:s + window] for s in starts])
    y = np.stack([values[s + window:s + window + telescope] for s in starts])
    return x, y


x_tr, y_tr = build_sequences(series[:a], WINDOW, STRIDE, TELESCOPE)
x_va, y_va = build_sequences(series[:b], WINDOW, 1, TELESCOPE, first_target=a)
x_te, y_te = build_sequences(series, WINDOW, 1, TELESCOPE, first_target=b)
mean, std = series[:a].mean(), series[:a].std()  # training statistics only (§4.7)


def norm(x, y):  # {"relative to each window's last value" if relative else "global standardisation"}
    return (x - {ref}) / std, (y - {ref}) / std


keras.utils.set_random_seed({params.get("seed", 0)})
inputs = keras.Input((WINDOW, 1))
z = inputs
{core}
outputs = keras.layers.Reshape((TELESCOPE, 1))(keras.layers.Dense(TELESCOPE)(z))
model = keras.Model(inputs, outputs)
model.compile(keras.optimizers.Adam(2e-3), loss="mse", metrics=["mae"])
model.fit(*norm(x_tr, y_tr), validation_data=norm(x_va, y_va), epochs={params.get("epochs", 30)}, batch_size=64,
          callbacks=[keras.callbacks.EarlyStopping(patience=8, restore_best_weights=True)])
x = x_te
pred = model.predict(norm(x_te, y_te)[0]) * std + ({ref})
print("test MAE", np.abs(pred - y_te).mean(), "last value", np.abs(x_te[:, -1:] - y_te).mean())
'''


CLASSIFIERS = {
    "cnn": ("for _ in range(2):\n"
            "    z = keras.layers.Conv1D({u}, 5, padding='same')(z)\n"
            "    z = keras.layers.ReLU()(keras.layers.BatchNormalization()(z))\n"
            "    z = keras.layers.MaxPooling1D(2)(z)\n"
            "z = keras.layers.GlobalAveragePooling1D()(z)"),
    "lstm": ("z = keras.layers.BatchNormalization()(keras.layers.LSTM({u}, return_sequences=True)(z))\n"
             "z = keras.layers.BatchNormalization()(keras.layers.LSTM({u})(z))"),
    "bilstm": "z = keras.layers.Bidirectional(keras.layers.LSTM({h}))(z)",
}


def classifier_code(params: dict) -> str:
    """A runnable script: BasicMotions, zero-padded windows with a stride, the chosen classifier."""
    u = int(params.get("units", 64))
    body = CLASSIFIERS[params.get("kind", "cnn")].format(u=u, h=max(1, u // 2))
    title = f"Classify BasicMotions activities: window {params.get('window', 100)}, stride {params.get('stride', 100)}"
    return f'''"""{title} (course §24.3)."""
import numpy as np
import keras
from sktime.datasets import load_basic_motions

WINDOW, STRIDE = {params.get("window", 100)}, {params.get("stride", 100)}
classes = ["badminton", "running", "standing", "walking"]


def windows(split):
    x, y = load_basic_motions(split=split, return_type="numpy3D")  # (n, 6, 100)
    xs, ys = [], []
    for rec, label in zip(x.transpose(0, 2, 1), y):
        rec = np.concatenate([rec, np.zeros(((-len(rec)) % WINDOW, rec.shape[1]))])  # zero padding (§24.3.2)
        for s in range(0, len(rec) - WINDOW + 1, STRIDE):
            xs.append(rec[s:s + WINDOW])
            ys.append(classes.index(label))
    return np.array(xs, "float32"), np.array(ys)


x_tr, y_tr = windows("train")
x_te, y_te = windows("test")
mean, std = x_tr.mean((0, 1)), x_tr.std((0, 1))  # training statistics only
keras.utils.set_random_seed({params.get("seed", 0)})
inputs = keras.Input((WINDOW, x_tr.shape[-1]))
z = inputs
{body}
z = keras.layers.Dropout(0.3)(z)
model = keras.Model(inputs, keras.layers.Dense(len(classes), activation="softmax")(z))
model.compile(keras.optimizers.Adam(3e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit((x_tr - mean) / std, y_tr, epochs={params.get("epochs", 40)}, batch_size=8)
print("test accuracy", model.evaluate((x_te - mean) / std, y_te, verbose=0)[1])
'''
