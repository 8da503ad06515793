"""Tabular sets from scikit-learn (bundled with the wheel, so offline): iris, wine, breast cancer."""

from __future__ import annotations

import numpy as np

from . import Dataset, register


def _from_sklearn(name: str, bunch) -> Dataset:
    classes = [str(c) for c in bunch.target_names]
    task = "binary" if len(classes) == 2 else "multiclass"
    return Dataset(name, np.asarray(bunch.data, "float32"), np.asarray(bunch.target, "int64"), task,
                   [str(f) for f in bunch.feature_names], classes, source="scikit-learn (bundled)")


@register("iris", "tabular", "Iris: 150 flowers, 4 measurements, 3 species")
def iris(**_) -> Dataset:
    from sklearn.datasets import load_iris

    return _from_sklearn("iris", load_iris())


@register("wine", "tabular", "Wine: 178 wines, 13 chemical features, 3 cultivars")
def wine(**_) -> Dataset:
    from sklearn.datasets import load_wine

    return _from_sklearn("wine", load_wine())


@register("breast_cancer", "tabular", "Breast cancer: 569 tumours, 30 features, benign / malignant")
def breast_cancer(**_) -> Dataset:
    from sklearn.datasets import load_breast_cancer

    return _from_sklearn("breast_cancer", load_breast_cancer())
