"""The comparison a student must see (§9.13): from scratch vs transfer vs transfer + fine-tune, test accuracy
against examples per class, on the same test set; and the per-layer linear probe (beyond the course)."""

from __future__ import annotations

from .job import PER_CLASS, accuracy, build, epochs_for, few, one_hot, pick_backbone, settings, task_data

RUNS = ("scratch", "transfer", "fine-tune")


def compare_runs(params: dict, per_class=PER_CLASS, report=None, cancelled=None) -> list[dict]:
    """One row per (examples per class, run): test accuracy on the task's fixed test set."""
    from anndl.nets.transfer import fine_tune, keep_if_better, validation_loss
    from anndl.train import FitConfig, fit, set_seed

    p = settings(params)
    seed, batch = int(p["seed"]), int(p["batch"])
    ds, sp = task_data(p)
    name, _ = pick_backbone(p, sp)
    rows: list[dict] = []
    for i, k in enumerate(per_class):
        idx = few(sp.y_train, int(k), seed)
        x, y = sp.x_train[idx], one_hot(sp.y_train[idx], ds.n_classes)
        val = (sp.x_val, one_hot(sp.y_val, ds.n_classes))

        def run(model, steps: int, best: bool = False) -> None:  # best: end on the epoch of lowest val loss
            epochs = epochs_for(len(x), batch, steps)
            fit(model, x, y, FitConfig(epochs=epochs, batch_size=batch, seed=seed, early_stopping=epochs * best),
                validation_data=val if best else None)

        set_seed(seed)
        scratch = build(name, p["cut"], ds.n_classes, float(p["dropout"]), float(p["lr"]), pretrained=False)
        run(scratch, int(p["transfer_steps"]) + int(p["finetune_steps"]))  # the same budget as both phases
        set_seed(seed)
        model = build(name, p["cut"], ds.n_classes, float(p["dropout"]), float(p["lr"]))
        run(model, int(p["transfer_steps"]))
        acc = {"scratch": accuracy(scratch, sp), "transfer": accuracy(model, sp)}
        before = (model.get_weights(), validation_loss(model, val))
        fine_tune(model, int(p["unfreeze"]), float(p["ft_lr"]))
        run(model, int(p["finetune_steps"]), best=True)
        keep_if_better(model, *before, val)  # as the page's job: fine-tuning stays only if it helped
        acc["fine-tune"] = accuracy(model, sp)
        rows += [{"per_class": int(k), "run": r, "test_accuracy": acc[r]} for r in RUNS]
        if report is not None:
            report({"kind": "epoch", "epoch": i + 1, "epochs": len(per_class), "logs": {}, "elapsed": 0.0,
                    "extra": {"rows": rows}})
        if cancelled is not None and cancelled():
            break
    return rows


def compare_job(params: dict, ctx) -> dict:
    """The comparison as a job: its rows grow live (each event carries the rows so far)."""
    rows = compare_runs(params, tuple(params.get("per_class_list", PER_CLASS)), ctx.report, ctx.cancelled)
    return {"rows": rows, "params": params}
