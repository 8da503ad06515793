"""The GPU device report (issue 22) in its plumbing: runs in order within a budget, the targets read, failures and
runs cut by the budget reported (real runs: `scripts/gpu_check.sh --dry-run`)."""

from anndl import devicereport


def test_device_report_within_a_tiny_budget(monkeypatch, capsys):
    fx = "tests.device_fixtures"
    monkeypatch.setattr(devicereport, "tasks", lambda dry_run, only: [
        ("check mnist", [fx, "check"]), ("cnn fp32 xla-on", [fx, "bench"]), ("gan fp32 xla-on", [fx, "fails"]),
        ("unet fp32 xla-on", [fx, "sleep"]), ("unet bf16 xla-on", [fx, "sleep"]), ("unet fp32 xla-off", [fx, "x"])])
    summary = devicereport.report(budget_s=8.0, dry_run=True, parallel=2)
    assert summary["targets"]["mnist"] == {"target_s": 10.0, "seconds": 4.0, "quality": 0.985, "bar": 0.98,
                                           "met": True}
    assert summary["targets"]["gan"]["met"] is False and "error" in summary["targets"]["gan"]  # never ran
    assert summary["topics"]["cnn"]["fp32 xla-on"] == {"samples_per_s": 900.0, "train_s": 2.0,
                                                        "metric": "test_accuracy", "value": 0.97, "fast_t97_s": 1.5}
    assert "does not run on this backend" in summary["topics"]["gan"]["fp32 xla-on"]["error"]
    assert "budget" in summary["topics"]["unet"]["fp32 xla-on"]["error"]
    assert summary["not_started"] == ["unet fp32 xla-off"] and "fp32 xla-off" not in summary["topics"]["unet"]
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith('{"mode": "device_report"') and any("gan fp32 xla-on: FAILED" in s for s in out)


def test_tasks_put_the_targets_first_and_cover_every_topic_in_four_variants():
    assert [label for label, _ in devicereport.tasks(True, ["cnn"])][4:] == [
        f"cnn {p} xla-{x}" for p, x in devicereport.VARIANTS]
    labels = [label for label, _ in devicereport.tasks(dry_run=True)]
    assert labels[:4] == ["check mnist", "check translator", "check gan", "peak bf16"]
    from anndl.bench import MODEL_TOPICS

    for topic in MODEL_TOPICS:
        assert {f"{topic} {p} xla-{x}" for p, x in devicereport.VARIANTS} <= set(labels)
