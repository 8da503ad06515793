"""Siamese retrieval (§18.3): both losses against hand-computed values, the mining, enrolment and rejection,
recall@k on a toy case, the encoder's size and round-trip, the job, the generated code and the bench."""

import json
import os

import keras
import numpy as np
import pytest

from anndl.nets import siamese as sn
from anndl.topics.siamese import retrieval as rt

# a0, a1 of class 0 on the x axis, b of class 1 above a0: each anchor has exactly one positive and one negative
TINY = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0]], "float32")
TINY_Y = np.array([0, 0, 1], "float32")


def test_contrastive_and_triplet_formulas_by_hand():
    d = keras.ops.convert_to_tensor([0.5, 0.5, 1.5])
    np.testing.assert_allclose(sn.contrastive_loss(d, keras.ops.convert_to_tensor([1.0, 0.0, 0.0]), 1.0),
                               [0.125, 0.125, 0.0], atol=1e-6)  # ½·0.5², ½·(1 − 0.5)², beyond the margin
    np.testing.assert_allclose(sn.triplet_loss(keras.ops.convert_to_tensor([0.1, 0.5]),
                                            keras.ops.convert_to_tensor([0.5, 0.2]), 0.2), [0.0, 0.5], atol=1e-6)


@pytest.mark.parametrize("mining", ["random", "semi-hard"])
def test_triplet_loss_on_tiny_embeddings(mining):
    # squared distances: a0 d_ap = 1, d_an = 4 -> 1 − 4 + 4 = 1; a1: 1 − 5 + 4 = 0; b has no positive -> 0
    loss = sn.TripletLoss(margin=4.0, mining=mining)
    assert float(loss(TINY_Y, TINY)) == pytest.approx(1 / 3, abs=1e-5)


def test_contrastive_loss_on_tiny_embeddings():
    # m = 3: a0: ½·1² + ½·(3 − 2)² = 1; a1: ½·1² + ½·(3 − √5)²; b: no positive -> 0
    expected = (1.0 + 0.5 + 0.5 * (3 - 5**0.5) ** 2) / 3
    assert float(sn.ContrastiveLoss(margin=3.0)(TINY_Y, TINY)) == pytest.approx(expected, abs=1e-5)


def test_semi_hard_mining_picks_the_nearest_negative_beyond_the_positive_else_the_farthest():

    # 1-D embeddings: class 0 at 0 and 3, class 1 at 1, 2 and 6
    e = keras.ops.convert_to_tensor(np.array([[0.0], [3.0], [1.0], [2.0], [6.0]], "float32"))
    y = keras.ops.convert_to_tensor(np.array([0, 0, 1, 1, 1], "float32"))
    p, n, valid = (np.asarray(t) for t in sn.mine(sn.pair_distances(e), y, "semi-hard"))
    assert list(p[:2]) == [1, 0] and p[2] in (3, 4) and valid.all()
    # anchor 0: d_ap = 9, only the negative at 6 (d² 36) is farther; anchor 1 (at 3): d_ap = 9, negatives at
    # d² 4, 1, 9: none farther -> the farthest (at 6); anchors 2, 3, 4: the same negative whichever positive
    assert list(n) == [4, 4, 1, 0, 0]
    p, n, _ = (np.asarray(t) for t in sn.mine(sn.pair_distances(e), y, "random"))
    assert all(np.asarray(y)[n] != np.asarray(y)) and all(np.asarray(y)[p] == np.asarray(y))
    assert all(p != np.arange(5))


def test_recall_at_k_and_map_on_a_toy_case():
    emb = np.array([[0.0], [0.1], [5.0], [5.1], [0.2]])
    y = np.array([0, 0, 1, 1, 1])
    # the last point's two nearest are of class 0, its third of class 1
    assert rt.recall_at_k(emb, y, (1, 2, 3)) == {1: 0.8, 2: 0.8, 3: 1.0}
    assert rt.retrieval_map(emb[:4], y[:4]) == pytest.approx(1.0)


def test_enrolment_identification_and_rejection():
    g = rt.Gallery([], []).enrol("A", np.array([[0.0, 0.0], [0.0, 2.0]])).enrol("B", np.array([[10.0, 0.0]]))
    q = np.array([[0.0, 1.0]])
    ids, d = rt.identify(g, q, gamma=2.0)
    assert ids == ["A"] and d[0, 0] == pytest.approx(1.0)  # the average distance to A's two templates
    assert rt.identify(g, q, gamma=0.5)[0] == [None]  # above γ: rejected
    g2 = g.enrol("C", np.array([[0.0, 1.0]]))  # a new class, no retraining
    assert rt.identify(g2, q, gamma=0.5)[0] == ["C"] and g.names == ["A", "B"]


def test_far_frr_and_equal_error_gamma():
    genuine, impostor = np.array([0.1, 0.2, 0.3, 0.9]), np.array([0.25, 0.8, 1.0, 1.2])
    far, frr = rt.far_frr(genuine, impostor, np.array([0.0, 0.3, 2.0]))
    np.testing.assert_allclose(far, [0.0, 0.25, 1.0])
    np.testing.assert_allclose(frr, [1.0, 0.25, 0.0])
    assert rt.equal_error_gamma(genuine, impostor) == pytest.approx(0.3)
    assert rt.roc(genuine, impostor)["auc"] == pytest.approx(13 / 16)  # genuine closer than impostor in 13 of 16 pairs


def test_encoder_size_round_trip_and_the_softmax_baseline_embedding(tmp_path):
    model = sn.build_siamese(sn.SiameseConfig())
    # conv 3·3·1·32 + 32, conv 3·3·32·64 + 64, dense 7·7·64·32 + 32
    assert model.count_params() == 320 + 18_496 + 100_384
    x = np.random.default_rng(0).random((4, 28, 28, 1)).astype("float32")
    e = np.asarray(model(x))
    assert e.shape == (4, 32)
    model.save(tmp_path / "s.keras")
    back = keras.saving.load_model(tmp_path / "s.keras")
    np.testing.assert_allclose(np.asarray(back(x)), e, atol=1e-5)
    base = sn.build_siamese(sn.SiameseConfig(loss="softmax", normalize=False))
    assert sn.embedding_of(base).output.shape[-1] == 32 and base.output.shape[-1] == 8


@pytest.mark.slow
def test_job_trains_reports_live_points_and_saves(tmp_path):
    from anndl.jobs import Limits, run_inline

    events = []
    params = {"loss": "contrastive", "mining": "random", "epochs": 2, "n": 1500, "embedding": 8}
    result = run_inline("anndl.topics.siamese.job:train_job", params, Limits(max_epochs=2), workdir=str(tmp_path),
                        report=events.append)
    points = [e["extra"]["points"] for e in events if e.get("kind") == "epoch"]
    assert len(points) == 2 and np.asarray(points[-1]).shape[1] == 2
    assert np.asarray(result["replay"]).shape == (2, len(points[-1]), 2)
    assert 0 <= result["unseen_id_acc"] <= 1 and result["recall1"] > 0.5  # far above chance (1/8) after 2 epochs
    assert os.path.exists(result["model_path"])


@pytest.mark.slow
def test_generated_keras_code_runs(tmp_path, monkeypatch, capsys):
    import runpy

    from anndl.topics.siamese.code import keras_code

    (tmp_path / "s.py").write_text(keras_code({"loss": "triplet", "epochs": 1, "n": 600, "embedding": 8}))
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(tmp_path / "s.py"), run_name="__main__")  # in-process: no second TensorFlow start-up
    assert "recall@1" in capsys.readouterr().out and (tmp_path / "siamese.keras").exists()


def test_bench_json_has_the_issue_keys(monkeypatch, capsys):
    """The figures' plumbing (the real training runs in tests/unit/test_benches_run.py): value = the triplet
    encoder's recall@1, extra.unseen_id_acc and extra.softmax_recall1 from the softmax run."""
    from anndl import bench
    from anndl.topics.siamese import bench as sb

    def fake_run(data, loss, epochs, seed, plain=False):
        base = {"recall1": 0.9, "softmax": 0.7}.get(loss, 0.8)
        return {"loss": loss, "train_s": 1.0, **{k: base for k in sb.KEYS}}

    monkeypatch.setattr(sb, "run", fake_run)
    bench.main(["siamese", "--tiny"])
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["topic"] == "siamese" and result["metric"] == "recall@1" and result["value"] == 0.8
    assert result["extra"]["unseen_id_acc"] == 0.8 and result["extra"]["softmax_recall1"] == 0.7
    assert result["baseline"]["value"] == 0.7 and result["extra"]["contrastive_recall1"] == 0.8
