"""The model zoo: small trained artifacts in models/ so every page opens on a working model.

`python -m anndl.zoo build NAME|all` trains and writes models/NAME.keras and models/NAME.json
(config, data, seed, metrics, library versions, training time); `load(NAME)` returns the model.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from .topics import artifacts, job

# name -> "module:function"; the function takes a seed and returns (keras.Model, info dict): every topic's
# artifacts (anndl.topics.TOPICS), then those of shared pieces (pretrained backbones)
ARTIFACTS: dict[str, str] = {**artifacts(), "mobilenet_fashion": "anndl.backbones:zoo_fashion",
                             "mobilenet_digits04": "anndl.backbones:zoo_digits04"}

MAX_BYTES = 5 * 1024 * 1024  # an artifact ships in git: keep it small
SIDECAR_KEYS = ("config", "data", "metrics")  # what a builder's info must say besides seed, versions, time

MODELS_DIR = Path(os.environ.get("ANNDL_MODELS", Path(__file__).resolve().parent.parent / "models"))


def _target(name: str) -> str:
    if name not in ARTIFACTS:
        raise KeyError(f"Unknown artifact {name!r}; known: {', '.join(ARTIFACTS)}")
    return ARTIFACTS[name]


def _import_module(name: str):
    """Import the artifact's module: it registers the custom layers the .keras file needs."""
    return importlib.import_module(_target(name).partition(":")[0])


def versions() -> dict[str, str]:
    import keras
    import numpy

    from .backend import name, version

    return {"python": platform.python_version(), name(): version(), "keras": keras.__version__,
            "numpy": numpy.__version__}


def build(name: str, seed: int = 0, out_dir: Path | None = None) -> dict:
    """Train artifact `name` with `seed` and write NAME.keras + NAME.json; return the JSON sidecar."""
    from .device import backend_device
    from .jobenv import running_backend
    from .train import set_seed

    out_dir = Path(out_dir or MODELS_DIR)
    out_dir.mkdir(parents=True, exist_ok=True)
    module = _import_module(name)
    set_seed(seed)
    t0 = time.perf_counter()
    model, info = getattr(module, _target(name).partition(":")[2])(seed)
    info = {"name": name, "seed": seed, "train_s": round(time.perf_counter() - t0, 2), "device": backend_device(),
            "backend": running_backend(), "versions": versions(), "built": time.strftime("%Y-%m-%d %H:%M:%S"), **info}
    model.save(out_dir / f"{name}.keras")
    (out_dir / f"{name}.json").write_text(json.dumps(info, indent=2, default=_plain) + "\n")
    return info


def _plain(value):
    """JSON for NumPy scalars and arrays, tuples of dataclass configs and anything else printable."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "__dataclass_fields__"):
        from dataclasses import asdict

        return asdict(value)
    return str(value)


def path(name: str, models_dir: Path | None = None) -> Path:
    return Path(models_dir or MODELS_DIR) / f"{name}.keras"


def exists(name: str, models_dir: Path | None = None) -> bool:
    return path(name, models_dir).exists()


def info(name: str, models_dir: Path | None = None) -> dict:
    return json.loads((Path(models_dir or MODELS_DIR) / f"{name}.json").read_text())


def require(name: str, models_dir: Path | None = None) -> Path:
    """The artifact's file; FileNotFoundError with the command that builds it when it is missing."""
    file = path(name, models_dir)
    if not file.exists():
        raise FileNotFoundError(f"{file} is missing: run `python -m anndl.zoo build {name}`.")
    return file


def load(name: str, models_dir: Path | None = None):
    """Load a shipped artifact (a file we built, never a user upload)."""
    _import_module(name)
    return load_file(require(name, models_dir))


def load_file(file: str | Path, topic: str | None = None):
    """The one model loader: a .keras file this app wrote (an artifact or a job's model), never a user upload.

    `topic` imports that topic's job module first, which registers the custom layers its models use.
    """
    import keras

    if topic is not None:
        importlib.import_module(job(topic).partition(":")[0])
    return keras.saving.load_model(file, compile=False)


def trained(topic: str, params: dict) -> tuple[dict, object]:
    """(result, model) of the topic's own training job run in this process: how every artifact is trained.

    The job runs without the server's epoch and time caps; its folder is removed once the model is read back.
    """
    from .jobs import Limits, run_inline

    with tempfile.TemporaryDirectory(prefix=f"anndl-zoo-{topic}-") as tmp:
        result = run_inline(job(topic), params, Limits(time_limit_s=86_400.0, max_epochs=100_000), workdir=tmp)
        return result, load_file(result["model_path"], topic)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m anndl.zoo", description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="train and write artifacts")
    b.add_argument("names", nargs="+", help="artifact names, or 'all'")
    b.add_argument("--seed", type=int, default=0)
    b.add_argument("--out", type=Path, default=None)
    sub.add_parser("list", help="list artifacts")
    args = parser.parse_args(argv)
    if args.cmd == "list":
        for name in ARTIFACTS:
            print(name, "built" if exists(name) else "missing")
        return
    failed = []
    for name in ARTIFACTS if args.names == ["all"] else args.names:
        try:
            meta = build(name, args.seed, args.out)
        except Exception as exc:  # one broken artifact must not stop the others from building
            print(f"{name}: FAILED {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            failed.append(name)
            continue
        size = path(name, args.out).stat().st_size
        print(f"{name}: {meta['train_s']} s, {size / 1e6:.2f} MB, metrics "
              f"{json.dumps(meta.get('metrics', {}), default=_plain)}", flush=True)
        missing = [k for k in SIDECAR_KEYS if k not in meta]
        if missing or size > MAX_BYTES:
            print(f"{name}: WARNING sidecar lacks {missing} or file over {MAX_BYTES / 1e6:.0f} MB", file=sys.stderr)
    if failed:
        raise SystemExit(f"failed to build: {', '.join(failed)}")


if __name__ == "__main__":
    main()
