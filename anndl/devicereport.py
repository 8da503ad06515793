"""`python -m anndl.bench all --device-report [--dry-run]`: what a GPU server does with anndl, within a time budget.

For every topic: its bench (`--quick`; `--tiny` in a dry run) with mixed precision off and on, XLA on and off,
each in its own process (samples/s and time-to-quality from the bench's JSON line); the issue-22 target checks
(`CHECKS`: MNIST-5k to 0.98 in 10 s, the translator to its exact-match bar in 60 s, the conditional GAN to the
shipped quality in 2 min); and `peak`: the fraction of the card's bf16 peak that the largest model's training
step reaches. Runs go in that order of importance, `parallel` at a time; what has not ended when the budget is
spent is reported as such. `scripts/gpu_check.sh` installs the carried wheels on the GPU machine and calls this.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from anndl import jobenv
from anndl.device import host_device

BF16_PEAK_TFLOPS = {"H200": 989.0, "H100": 989.0, "A100": 312.0, "L4": 121.0}  # dense bf16, NVIDIA's data sheets
VARIANTS = (("fp32", "on"), ("bf16", "on"), ("fp32", "off"), ("bf16", "off"))  # (precision, XLA)
TARGETS_S = {"mnist": 10.0, "translator": 60.0, "gan": 120.0}  # issue 22's H200 targets


def _model_topics() -> list[str]:
    from anndl.bench import MODEL_TOPICS

    return MODEL_TOPICS


def mnist_check(tiny: bool) -> dict:
    """MNIST-5k: seconds of training until validation accuracy first reaches 0.98 (the CNN page's fast recipe)."""
    from types import SimpleNamespace

    from anndl.data import load, split
    from anndl.topics.cnn.bench import run_recipe

    sp = split(load("mnist"), test=0.2, val=0.1, seed=0)
    if tiny:
        sp = SimpleNamespace(x_train=sp.x_train[:600], y_train=sp.y_train[:600], x_val=sp.x_val[:100],
                             y_val=sp.y_val[:100], x_test=sp.x_test[:200], y_test=sp.y_test[:200])
    run = run_recipe("fast", sp, 10, 1 if tiny else 20, 0, budget_s=TARGETS_S["mnist"] * 3)
    return {"quality": run["val_peak"], "bar": 0.98, "seconds": run["t98"], "train_s": run["train_s"],
            "samples_per_s": run["samples_per_s"]}


def translator_check(tiny: bool) -> dict:
    """The translator at its shipped configuration: training seconds, then greedy exact match on held-out pairs
    against the bar (the shipped model's own exact match less 0.01)."""
    from anndl import zoo
    from anndl.decode import Decoder
    from anndl.topics.transformer.job import SHIPPED, evaluate, train_translator

    tiny_size = {"n": 300, "epochs": 1, "embed_dim": 16, "ff_dim": 16, "heads": 2, "enc_layers": 1, "dec_layers": 1}
    params = {**SHIPPED, "seed": 0, **(tiny_size if tiny else {})}
    model, prep, summary = train_translator(params)
    em = evaluate(Decoder(model, prep.src_vocab, prep.tgt_vocab), prep.corpus, prep.corpus.test_random,
                  limit=20 if tiny else 400)["exact_match"]
    bar = zoo.info("transformer_en_it")["metrics"]["random_exact_match"] - 0.01
    return {"quality": em, "bar": bar, "seconds": summary["train_s"] if em >= bar else None,
            "train_s": summary["train_s"]}


def gan_check(tiny: bool) -> dict:
    """The shipped conditional GAN's training (MNIST-5k): seconds, and the judge's conditional accuracy of its
    samples against the shipped generator's (less 0.02, the run-to-run noise)."""
    from anndl import zoo
    from anndl.topics.gan.job import DEFAULTS
    from anndl.topics.gan.zoo import SHIPPED_EPOCHS

    params = {**DEFAULTS, "dataset": "mnist", "conditional": True, "epochs": 1 if tiny else SHIPPED_EPOCHS, "seed": 0}
    t0 = time.perf_counter()
    out, _ = zoo.trained("gan", params)
    seconds = time.perf_counter() - t0
    quality = (out["quality"][-1] if out["quality"] else {}).get("cond_accuracy", 0.0)
    bar = zoo.info("gan_cgan_mnist")["metrics"]["cond_accuracy"] - 0.02
    return {"quality": quality, "bar": bar, "seconds": seconds if quality >= bar else None, "train_s": seconds}


def peak(tiny: bool) -> dict:
    """bf16 training throughput of the largest course model, the translator at its GPU size
    (`anndl.topics.transformer.job.GPU_SIZE`), as TFLOP/s (3 x the forward FLOPs XLA counts) and as a fraction of
    the card's dense bf16 peak (JAX only: the FLOPs come from XLA's cost analysis)."""
    import jax
    import keras
    import numpy as np

    from anndl.nets.transformer import TransformerConfig, build_transformer, compile_transformer
    from anndl.topics.transformer.job import GPU_SIZE

    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    size = {"embed_dim": 32, "ff_dim": 64, "heads": 2, "enc_layers": 1, "dec_layers": 1} if tiny else GPU_SIZE
    cfg = TransformerConfig(src_vocab=4000, tgt_vocab=4000, src_len=32, tgt_len=32,
                            **{k: v for k, v in size.items() if k in TransformerConfig.__dataclass_fields__})
    model = compile_transformer(build_transformer(cfg), 1e-3)
    batch, steps = (16, 3) if tiny else (512, 40)
    rng = np.random.default_rng(0)
    src = rng.integers(1, cfg.src_vocab, (batch * steps, cfg.src_len)).astype("int32")
    dec = rng.integers(1, cfg.tgt_vocab, (batch * steps, cfg.tgt_len)).astype("int32")
    y = rng.integers(1, cfg.tgt_vocab, (batch * steps, cfg.tgt_len)).astype("int32")
    model.fit([src, dec], y, batch_size=batch, epochs=1, verbose=0)  # compile
    t0 = time.perf_counter()
    model.fit([src, dec], y, batch_size=batch, epochs=1, verbose=0)
    seconds = time.perf_counter() - t0
    cost = jax.jit(lambda a, b: model([a, b], training=False)).lower(src[:batch], dec[:batch]).compile().cost_analysis()
    cost = cost[0] if isinstance(cost, list) else cost
    tflops = 3 * float(cost["flops"]) * steps / seconds / 1e12
    card = host_device() == "gpu" and _card_peak()
    return {"precision": "bf16", "model": f"translator {size}", "params": model.count_params(), "batch": batch,
            "samples_per_s": batch * steps / seconds, "tflops": tflops, "card_bf16_peak_tflops": card or None,
            "fraction_of_peak": tflops / card if card else None}


def _card_peak() -> float | None:
    from anndl.device import describe

    return next((v for k, v in BF16_PEAK_TFLOPS.items() if k in describe()), None)


CHECKS = {"mnist": mnist_check, "translator": translator_check, "gan": gan_check, "peak": peak}


def _apply_variant(precision: str, xla: str) -> None:
    from anndl.benchcompare import apply_variant

    apply_variant("mixed_bfloat16" if precision == "bf16" else "", xla)


def check_main(argv: list[str]) -> None:
    """`python -m anndl.devicereport NAME [--tiny] [--precision bf16] [--xla off]`: one check, one JSON line."""
    name, tiny = argv[0], "--tiny" in argv
    precision = argv[argv.index("--precision") + 1] if "--precision" in argv else "fp32"
    xla = argv[argv.index("--xla") + 1] if "--xla" in argv else "on"
    _apply_variant(precision, xla)
    out = CHECKS[name](tiny)
    print(json.dumps({"check": name, "precision": precision, "xla": xla, **out}, default=float), flush=True)


def tasks(dry_run: bool, only: list[str] | None = None) -> list[tuple[str, list[str]]]:
    """(label, argv after `python -m`) in order of importance: target checks, peak, then each topic's variants
    (every model topic, or those in `only`)."""
    size = ["--tiny"] if dry_run else ["--quick"]
    tiny = ["--tiny"] if dry_run else []
    out = [(f"check {c}", ["anndl.devicereport", c, *tiny]) for c in ("mnist", "translator", "gan")]
    out.append(("peak bf16", ["anndl.devicereport", "peak", *tiny]))
    for precision, xla in VARIANTS:
        for topic in only or _model_topics():
            policy = ["--policy", "mixed_bfloat16"] if precision == "bf16" else []
            out.append((f"{topic} {precision} xla-{xla}", ["anndl.bench", topic, *size, *policy, "--xla", xla]))
    return out


def _last_json(text: str) -> dict | None:
    lines = [line for line in text.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else None


def _reason(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    return next((line for line in reversed(lines) if "Error" in line or "FAILED" in line), lines[-1] if lines else "")


def report(budget_s: float = 480.0, dry_run: bool = False, parallel: int = 2, backend: str | None = None,
           only: list[str] | None = None) -> dict:
    """Run `tasks` `parallel` at a time until the budget is spent; print one line per run and return the summary."""
    backend = backend or ("jax" if jobenv.installed("jax") else "tensorflow")
    env = {**os.environ, **jobenv.worker_env(backend, parallel), "PYTHONUNBUFFERED": "1"}
    queue, running, results = tasks(dry_run, only), {}, {}
    deadline = time.time() + budget_s
    print(f"device report: {host_device()} ({_describe()}), backend {backend}, budget {budget_s:.0f} s, "
          f"{len(queue)} runs, {parallel} at a time", flush=True)
    while (queue or running) and time.time() < deadline:
        while queue and len(running) < parallel:
            label, argv = queue.pop(0)
            proc = subprocess.Popen([sys.executable, "-m", *argv], env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
            running[label] = (proc, time.time())
        for label, (proc, t0) in list(running.items()):
            if proc.poll() is None:
                continue
            out, err = proc.communicate()
            data = _last_json(out)
            results[label] = {"wall_s": time.time() - t0, **(data if proc.returncode == 0 and data
                                                               else {"error": _reason(err)[:300]})}
            print(_line(label, results[label]), flush=True)
            del running[label]
        time.sleep(0.2)
    for label, (proc, t0) in running.items():
        proc.kill()
        proc.communicate()
        results[label] = {"error": f"not finished within the {budget_s:.0f} s budget", "wall_s": time.time() - t0}
        print(_line(label, results[label]), flush=True)
    for label, _ in queue:
        results[label] = {"error": "not started: the budget was spent"}
    summary = summarize(results, dry_run)
    print(json.dumps(summary, default=float), flush=True)
    return summary


def _describe() -> str:
    from anndl.device import describe

    return describe()


def _line(label: str, r: dict) -> str:
    if "error" in r:
        return f"{label}: FAILED {r['error']}"
    if r.get("check") == "peak":
        return (f"{label}: {r['model']}, {r['samples_per_s']:.4g} samples/s, {r['tflops']:.4g} TFLOP/s, "
                f"fraction of the card's bf16 peak {r['fraction_of_peak']}")
    if "check" in r:
        reached = f"reached in {r['seconds']:.3g} s" if r.get("seconds") is not None else "bar not reached"
        return f"{label}: quality {r.get('quality')} (bar {r.get('bar')}), {reached}, trained {r.get('train_s')} s"
    return f"{label}: {r['metric']} {r['value']:.4g}, {r['samples_per_s']:.4g} samples/s, train {r['train_s']:.3g} s"


def summarize(results: dict[str, dict], dry_run: bool = False) -> dict:
    """The issue's three target checks (met or not), the peak fraction, and per topic and variant samples/s, train
    seconds, quality and the bench's times to a target (`extra` keys with `time_to` or `_t9`)."""
    checks = {}
    for name, target in TARGETS_S.items():
        r = results.get(f"check {name}", {"error": "not run"})
        seconds = r.get("seconds")
        checks[name] = {"target_s": target, "seconds": seconds, "quality": r.get("quality"), "bar": r.get("bar"),
                        "met": bool(seconds is not None and seconds <= target), **({"error": r["error"]}
                                                                                  if "error" in r else {})}
    topics: dict[str, dict] = {}
    not_started = [label for label, r in results.items() if r.get("error", "").startswith("not started")]
    for label, r in results.items():
        if label.startswith(("check ", "peak")) or label in not_started:
            continue
        topic, variant = label.split(" ", 1)
        times = {k: v for k, v in (r.get("extra") or {}).items()
                 if isinstance(v, (int, float)) and ("time_to" in k or "_t9" in k)}
        topics.setdefault(topic, {})[variant] = ({"error": r["error"]} if "error" in r else
                                                 {"samples_per_s": r["samples_per_s"], "train_s": r["train_s"],
                                                  "metric": r["metric"], "value": r["value"], **times})
    return {"mode": "device_report", "dry_run": dry_run, "device": host_device(), "targets": checks,
            "peak": results.get("peak bf16", {"error": "not run"}), "topics": topics, "not_started": not_started}


if __name__ == "__main__":
    check_main(sys.argv[1:])
