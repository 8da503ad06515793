"""Own small image sets (issue 12): start from one of the project's pretrained backbones (§9.13), measured choice."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from anndl.recipe import StepBudget

BACKBONES = {"mobilenet_digits04": "MNIST digits 0–4 and rendered letters (strokes, loops, corners)",
             "mobilenet_fashion": "Fashion-MNIST items (silhouettes, textures)"}
# Block 3's output (4×4×48 at 28 px): with the digits + letters backbone, five unseen 10×30 digit zips scored 0.950
# on average through this route here, against 0.930 cut at block_2_add (7×7×24); the top ("avg_pool") is more
# specific to the old classes (logistic probe, old backbone: 0.71)
FEATURE_LAYER = "block_3_project_BN"
# head on frozen features: 400 steps fit 10×30 images in seconds; from scratch a CNN needs thousands of images
BUDGET = StepBudget(steps=400, batch_size=128, min_epochs=3, max_epochs=200, needed=2000, unit="images",
                    augment_below=5000, patience_share=0.3)  # 22 validation images: a noisy val_loss


def budget_for(route: str) -> StepBudget:
    """The recipe's budget of a route: no augmentation for the transfer head (it reads the 7×7 grid by position:
    10×30 digits tested 0.90 with shifts and zooms, 0.92 without); a pretrained backbone generalises from far fewer
    images (five unseen 10×30 digit zips: 0.95 test accuracy against 1.0 training, `python -m anndl.bench owndata`)."""
    return replace(BUDGET, augment_below=0, needed=300) if route == "transfer" else BUDGET


def features_of(name: str):
    """The frozen feature extractor of a shipped backbone, cut at FEATURE_LAYER."""
    from anndl import zoo
    from anndl.nets.mobilenet import feature_extractor

    return feature_extractor(zoo.load(name), FEATURE_LAYER)


def _as_backbone_input(x: np.ndarray) -> np.ndarray:
    import keras

    x = keras.ops.convert_to_numpy(keras.ops.image.resize(x, (28, 28))) if x.shape[1:3] != (28, 28) else x
    return x @ np.array([0.299, 0.587, 0.114], "float32")[:, None] if x.shape[-1] == 3 else x


def choose_backbone(x_train, y_train, x_val, y_val) -> tuple[str, str]:
    """(name, why): the backbone whose features a logistic probe separates best on the validation images."""
    from sklearn.linear_model import LogisticRegression

    from anndl import zoo

    scores = {}
    for name in BACKBONES:
        if not zoo.exists(name):
            continue
        fe = features_of(name)
        f_tr, f_va = (fe.predict(_as_backbone_input(x), verbose=0).reshape(len(x), -1) for x in (x_train, x_val))
        probe = LogisticRegression(max_iter=500, C=0.1).fit(f_tr, y_train)
        scores[name] = float(probe.score(f_va, y_val))
    if not scores:
        raise FileNotFoundError("no pretrained backbone in models/ (python -m anndl.zoo build mobilenet_fashion)")
    best = max(scores, key=scores.get)
    others = ", ".join(f"{n} {s:.2f}" for n, s in scores.items() if n != best)
    why = (f"models/{best} (pretrained on {BACKBONES[best]}), frozen up to {FEATURE_LAYER}: its features separate "
           f"your validation images best (probe accuracy {scores[best]:.2f}" + (f"; {others}" if others else "")
           + ")")
    return best, why


def build_transfer(name: str, input_shape: tuple, n_classes: int, dropout: float = 0.3, lr: float = 1e-3):
    from anndl.nets.transfer import backbone_head

    return backbone_head(features_of(name), input_shape, n_classes, dropout, lr)
