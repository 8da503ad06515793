"""The topics of anndl, one package each: `anndl/topics/<topic>/{job,zoo,bench,code}.py`.

A topic joins the command line and the app by one entry in TOPICS: its key (the page's URL path and
`python -m anndl.bench KEY`) and the names of its shipped artifacts (`python -m anndl.zoo build NAME`).
By convention the job is `anndl.topics.<key>.job:train_job`, the artifact NAME is built by the function
`anndl.topics.<key>.zoo:NAME(seed)` and the benchmark is `anndl.topics.<key>.bench:bench(quick)`.
"""

from __future__ import annotations

TOPICS: dict[str, tuple[str, ...]] = {  # topic key -> names of its artifacts in models/
    "perceptron": ("ffnn_spiral", "ffnn_iris"),
    "cnn": ("cnn_mnist", "cnn_fashion"),
    "timeseries": ("ts_co2", "ts_co2_ar", "ts_basicmotions"),
    "embeddings": ("w2v_grammar", "nlm_grammar", "w2v_fortunes"),
    "transformer": ("transformer_en_it",),
    "unet": ("unet_shapes", "fcn_shapes"),
    "autoencoder": ("ae_mnist2", "ae_mnist64", "ae_mnist64_deform", "ae_fashion2", "ae_fashion64"),
    "localization": ("loc_shapes",),
    "detection": ("det_yolov8", "det_shapes"),
    "siamese": ("siamese_triplet", "siamese_contrastive", "siamese_softmax"),
    "transfer": ("transfer_digits59",),
    "gan": ("gan_judge_mnist", "gan_cgan_mnist", "gan_mnist", "gan_judge_fashion", "gan_cgan_fashion",
            "gan_fashion"),
}


# topic -> (backend its bench measured fastest on CPU, on GPU): the worker that trains its jobs (anndl.jobenv).
# CPU: `python -m anndl.bench TOPIC --backends tensorflow,jax` (README "Backends"); a topic not measured faster on
# JAX, or not running there yet, stays on TensorFlow. GPU: JAX, the one backend of the lent GPU machine (no GPU
# was lent in issue 22's session, so no GPU figure backs it); where JAX is not installed TensorFlow is used.
BACKEND: dict[str, tuple[str, str]] = {topic: ("tensorflow", "jax") for topic in TOPICS}
# perceptron --quick, both backends in one run (2026-11-29, 2 loaded cores): anndl's iris net 381 samples/s on JAX
# against 121 on TensorFlow (3.1x), time to 0.95 11.9 s against 27.1 s, same test accuracy (1.0)
BACKEND["perceptron"] = ("jax", "jax")


def backend(topic: str, device: str = "cpu") -> str | None:
    """The backend declared fastest for `topic` on `device` ("cpu" or "gpu"), None for an unknown topic."""
    pair = BACKEND.get(topic)
    return None if pair is None else pair[device == "gpu"]


def job(topic: str) -> str:
    """The "module:function" of a topic's training job (what `anndl.jobs` runs in a worker)."""
    return f"anndl.topics.{topic}.job:train_job"


def bench(topic: str) -> str:
    """The "module:function(quick) -> BenchResult" of a topic's benchmark."""
    return f"anndl.topics.{topic}.bench:bench"


def artifacts() -> dict[str, str]:
    """Artifact name -> "module:function(seed) -> (keras.Model, info)" of every topic."""
    return {name: f"anndl.topics.{topic}.zoo:{name}" for topic, names in TOPICS.items() for name in names}
