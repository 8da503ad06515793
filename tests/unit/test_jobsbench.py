"""Issue 23: the class load of `python -m anndl.bench jobs` on both backends, with tiny jobs instead of Keras ones —
every job ends with a status or a reason, "busy" answers are retried, the killed worker's job says failed."""

from anndl.jobsbench import load

FX = "tests.jobs_fixtures"


def test_a_class_load_loses_no_job_and_reports_the_killed_one(open_backend, tmp_path):
    with open_backend(max_pending=2, root=str(tmp_path)) as runner:
        tally = load(runner, sessions=3, per_session=2, params={"n": 4, "epoch_s": 0.1}, target=f"{FX}:epochs",
                     timeout_s=120)
    assert tally["jobs"] == tally["accepted"] == 6 and tally["never_submitted"] == 0
    assert tally["lost"] == 0 and tally["killed_reported"]
    assert tally["done"] == 5 and tally["failed"] == 1
    assert tally["busy_answers"] >= 1  # one job runs, two wait: the other sessions were told to try again
