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
# CPU: `python -m anndl.bench TOPIC --backends tensorflow,jax --quick` (README "Keras backends"), every topic in one
# run (2026-11-30, 2 quiet cores): JAX's training samples/s over TensorFlow's — perceptron 2.18, detection 1.10,
# timeseries 0.95, embeddings 0.85, transformer 0.74, unet 0.67, siamese 0.52, cnn 0.43, autoencoder 0.43,
# transfer 0.34, localization 0.30 (gan: its quick bench trains none of our GANs). At full size (the same command
# without --quick; compiling dominates the quick sizes on JAX) the sequence models are faster on JAX with the same
# quality: the time series' 30-epoch LSTM 1.66x (test MAE 0.570 vs 0.588), the translator's shipped recipe 2.13x
# (145 vs 308 s, exact match 0.9996 on both). A topic moves to JAX only when clearly faster there (≥ 1.2x): the
# perceptron, the time series and the translator (detection's 1.10 is one run each, and keras-cv's YOLOv8 imports
# TensorFlow anyway; the other topics were not run at full size on both).
# GPU: JAX, the one backend of the lent GPU machine (no GPU was lent in issue 22's sessions, so no GPU figure backs
# it); where JAX is not installed TensorFlow is used.
BACKEND: dict[str, tuple[str, str]] = {topic: ("tensorflow", "jax") for topic in TOPICS}
BACKEND["perceptron"] = ("jax", "jax")
BACKEND["timeseries"] = ("jax", "jax")
BACKEND["transformer"] = ("jax", "jax")


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
