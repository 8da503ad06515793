"""Beyond the course: a per-layer linear probe — a logistic regression on the frozen features of each block of the
backbone, scored on the target task's test set: where the transferred features stop helping the new task."""

from __future__ import annotations

import numpy as np

from .job import few, pick_backbone, settings, task_data

# block outputs of the project's MobileNet, input side to top: (layer, what the page calls it)
BLOCKS = [("Conv1_relu", "stem 14×14×16"), ("expanded_conv_add", "block 0, 14×14×16"),
          ("block_1_project_BN", "block 1, 7×7×24"), ("block_2_add", "block 2, 7×7×24"),
          ("block_3_project_BN", "block 3, 4×4×48"), ("block_4_add", "block 4, 4×4×48"),
          ("out_relu", "top 1×1 conv, 4×4×96"), ("avg_pool", "pooled, 96")]


def linear_probe(params: dict, blocks=BLOCKS, report=None) -> list[dict]:
    """Test accuracy of a logistic regression on each block's frozen features (raw pixels first, for reference)."""
    import keras
    from sklearn.linear_model import LogisticRegression

    from anndl import zoo

    p = settings(params)
    ds, sp = task_data(p)
    name, _ = pick_backbone(p, sp)
    idx = few(sp.y_train, int(p["per_class"] or 0), int(p["seed"]))
    model = zoo.load(name)
    outputs = [model.get_layer(layer).output for layer, _ in blocks]
    features = keras.Model(model.inputs, outputs)
    f_train = features.predict(sp.x_train[idx], batch_size=256, verbose=0)
    f_test = features.predict(sp.x_test, batch_size=256, verbose=0)

    def score(a, b) -> float:
        a, b = a.reshape(len(a), -1), b.reshape(len(b), -1)
        probe = LogisticRegression(max_iter=1000, C=0.1).fit(a, sp.y_train[idx])
        return float(probe.score(b, sp.y_test))

    rows: list[dict] = []
    layers = [("pixels", "raw pixels 28×28", sp.x_train[idx], sp.x_test)]
    layers += [(layer, label, a, b) for (layer, label), a, b in zip(blocks, f_train, f_test)]
    for depth, (layer, label, a, b) in enumerate(layers):
        rows.append({"layer": layer, "block": label, "depth": depth, "features": int(np.prod(a.shape[1:])),
                     "test_accuracy": score(a, b)})
        if report is not None:
            report({"kind": "epoch", "epoch": depth + 1, "epochs": len(layers), "logs": {}, "elapsed": 0.0,
                    "extra": {"rows": rows}})
    return rows


def probe_job(params: dict, ctx) -> dict:
    """The probe as a job (a logistic regression per block; the rows grow live)."""
    return {"rows": linear_probe(params, report=ctx.report), "params": params}
