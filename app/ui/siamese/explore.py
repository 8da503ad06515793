"""Siamese page, look inside (§18.3): the clickable embedding map and its replay, retrieval, identification with
enrolment and the γ trade-off, contrastive vs triplet vs softmax, and how pairs and triplets are sampled."""

from __future__ import annotations

import base64

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from anndl import zoo
from anndl.explain import nearest
from anndl.topics.siamese import job as topic
from anndl.topics.siamese import retrieval as rt
from app.ui.charts import show, show_cached
from app.ui.classroom import stage
from app.ui.downloads import image_png
from app.ui.models import file_key, load_model
from app.ui.siamese.controls import PALETTE, data, embed_one, embeddings, img, points_chart, read_digits
from app.ui.state import bound, classroom

MAP_N = 500  # seen test digits on the map (each with its picture in the tooltip), plus 100 held-out ones


def _url(a: np.ndarray) -> str:
    return "data:image/png;base64," + base64.b64encode(image_png(img(a, 2))).decode()


@st.cache_data(show_spinner=False, max_entries=6)
def _frame(path: str, mtime: float, seed: int) -> pd.DataFrame:
    """Map rows: PCA of the test digits and 100 held-out queries, with their pictures."""
    d, emb = data(seed), _map_embeddings(path, mtime, seed)
    q = d.queries(50)
    x, y = np.concatenate([d.x_test[:MAP_N], d.x_new[q]]), np.concatenate([d.y_test[:MAP_N], d.y_new[q]])
    pts, _ = topic.pca_2d(emb)
    return pd.DataFrame({"id": np.arange(len(y)), "x": pts[:, 0], "y": pts[:, 1], "digit": [str(v) for v in y],
                         "seen": ["held out" if v in topic.UNSEEN else "trained" for v in y],
                         "image": [_url(a) for a in x]})


def _map_images(seed: int) -> np.ndarray:
    d = data(seed)
    return np.concatenate([d.x_test[:MAP_N], d.x_new[d.queries(50)]])


def _map_embeddings(path: str, mtime: float, seed: int) -> np.ndarray:
    """The map's digits' embeddings: MAP_N test digits 0–7, then 50 held-out queries of each of 8 and 9."""
    e = embeddings(path, mtime, seed)
    return np.concatenate([e["test"][:MAP_N], e["new"][data(seed).queries(50)]])


@st.fragment
def embedding_map(path: str, mtime: float, seed: int, k: int) -> None:
    """The map (hover: the image; click: the point's k nearest neighbours in the embedding space)."""
    left, right = st.columns([3, 2])
    with left, stage():  # built once per (model file, seed): 600 points with their pictures
        event = show_cached(("sia-map", path, mtime, seed), lambda: _map_chart(_frame(path, mtime, seed)),
                            on_select="rerun", key="sia_map")
    picked = (event.selection.get("pick") or [None])[0] if event and event.selection else None
    with right:
        if not picked or "id" not in picked:
            st.info("Click a point of the map: its nearest neighbours appear here.", icon=":material/touch_app:")
        else:
            i = int(picked["id"])
            emb = _map_embeddings(path, mtime, seed)
            idx, dist = nearest(emb, emb[i], k=k, exclude=i)
            images, labels = _map_images(seed), _frame(path, mtime, seed)["digit"].to_numpy()
            neighbours(images[i], images[idx], [f"{labels[j]} · d={v:.2f}" for j, v in zip(idx, dist)],
                       f"digit {labels[i]}")
    st.caption(f"{len(_map_images(seed)):,} digits: {MAP_N} test digits 0–7 and 100 held-out 8s and 9s (squares), "
               "PCA of the embeddings to 2-D. Hover a point to see the image.")


def _map_chart(frame: pd.DataFrame) -> alt.Chart:
    pick = alt.selection_point(name="pick", fields=["id"], on="click", empty=False)
    size = 140 if classroom() else 45
    return alt.Chart(frame).mark_point(filled=True, opacity=0.85).encode(
        x=alt.X("x:Q", title="PC 1"), y=alt.Y("y:Q", title="PC 2"),
        color=alt.Color("digit:N", scale=alt.Scale(domain=topic.NAMES, range=PALETTE),
                        legend=alt.Legend(columns=2 if classroom() else 1)),
        shape=alt.Shape("seen:N", title="", scale=alt.Scale(domain=["trained", "held out"],
                                                             range=["circle", "square"])),
        size=alt.condition(pick, alt.value(size * 4), alt.value(size)),
        tooltip=["digit", "seen", alt.Tooltip("image:N", title="image")],
    ).add_params(pick).properties(height=300 if classroom() else 440,
                                  title="Embedding map: click a point for its nearest neighbours")


def neighbours(query: np.ndarray, images, captions: list[str], what: str = "query") -> None:
    cols = st.columns(min(6, len(images) + 1))
    cols[0].image(img(query, 3), caption=what)
    for j, (a, c) in enumerate(zip(images, captions)):
        cols[(j + 1) % len(cols)].image(img(a, 3), caption=c)


def replay(frames: list, seed: int, draw: bool = True) -> None:
    """§18: the fixed test digits' embeddings per epoch, in the last epoch's PCA projection (the epoch knob only,
    unless `draw`: its tab is open)."""
    if not frames:
        return
    epoch = st.slider("Epoch", 1, len(frames), len(frames), key="sia_replay") if len(frames) > 1 else 1
    if not draw:
        return
    _, labels = data(seed).map_images()
    show(points_chart(frames[epoch - 1], labels, f"Epoch {epoch}: the same 200 digits, one fixed projection"))


@st.fragment
def retrieval_query(path: str, mtime: float, seed: int, k: int, draw: bool = True) -> None:
    """The query (a test digit, or an uploaded image) and its k nearest test digits; the knobs only unless `draw`
    (its tab is open). A fragment: another query reruns only this view."""
    d = data(seed)
    i = bound(st.number_input, "Query: test digit number", "sia_q", 0, min_value=0, max_value=len(d.x_test) - 1)
    files = [] if classroom() else st.file_uploader("…or your image (PNG/JPEG)", type=["png", "jpg", "jpeg"],
                                                    accept_multiple_files=True, key="sia_qimg")
    if not draw:
        return
    own, bad = read_digits(files[-1:] if files else [])
    for sentence in bad:
        st.error(sentence, icon=":material/error:")
    query = own[0] if len(own) else d.x_test[i]
    retrieval(path, mtime, seed, query, embed_one(path, mtime, query)[0], k, None if len(own) else i)


def retrieval(path: str, mtime: float, seed: int, query: np.ndarray, q_emb: np.ndarray, k: int,
              exclude: int | None) -> None:
    d, e = data(seed), embeddings(path, mtime, seed)
    idx, dist = nearest(e["test"], q_emb, k=k, exclude=exclude)
    neighbours(query, d.x_test[idx], [f"{d.y_test[i]} · d={v:.2f}" for i, v in zip(idx, dist)])
    st.caption(f"The {k} nearest of the {len(d.x_test):,} test digits 0–7 by Euclidean distance between embeddings.")


def far_frr_chart(m: dict, gamma: float) -> alt.Chart:
    f = m["far_frr"]
    frame = pd.DataFrame({"γ": f["gamma"] * 2, "rate": f["far"] + f["frr"],
                          "curve": ["false accept (FAR)"] * len(f["far"]) + ["false reject (FRR)"] * len(f["frr"])})
    lines = alt.Chart(frame).mark_line().encode(x="γ:Q", y=alt.Y("rate:Q", scale=alt.Scale(domain=[0, 1])),
                                               color="curve:N", tooltip=["curve", "γ", "rate"])
    rule = alt.Chart(pd.DataFrame({"γ": [gamma]})).mark_rule(strokeDash=[4, 3]).encode(x="γ:Q")
    return (lines + rule).properties(height=260, title="False accept / false reject vs the threshold γ")


def roc_chart(m: dict, point: tuple[float, float]) -> alt.Chart:
    frame = pd.DataFrame({"FAR": m["roc"]["far"], "TAR": m["roc"]["tar"]})
    line = alt.Chart(frame).mark_line().encode(x=alt.X("FAR:Q", title="false accept rate"),
                                               y=alt.Y("TAR:Q", title="true accept rate"))
    dot = alt.Chart(pd.DataFrame({"FAR": [point[0]], "TAR": [point[1]]})).mark_point(
        size=120, filled=True, color="black").encode(x="FAR:Q", y="TAR:Q", tooltip=["FAR", "TAR"])
    return (line + dot).properties(height=260, title=f"ROC of verification (AUC {m['roc_auc']:.3f})")


def identification(gallery: rt.Gallery, q_emb: np.ndarray, query: np.ndarray, gamma: float) -> None:
    """§18.3: the identity of minimum average distance, or rejected above γ; the average distance per class."""
    ids, dist = rt.identify(gallery, q_emb, gamma)
    c = st.columns([1, 3])
    c[0].image(img(query, 4), caption="query")
    with c[0]:
        if ids[0] is None:
            st.warning(f"Rejected: nearest class {gallery.names[int(dist[0].argmin())]} at average distance "
                       f"{dist[0].min():.2f} > γ = {gamma:.2f}.", icon=":material/block:")
        else:
            st.success(f"Identified as **{ids[0]}** (average distance {dist[0].min():.2f} ≤ γ).",
                       icon=":material/how_to_reg:")
    frame = pd.DataFrame({"class": gallery.names, "average distance": dist[0]})
    bars = alt.Chart(frame).mark_bar().encode(x="average distance:Q", y=alt.Y("class:N", sort=None),
                                              tooltip=["class", alt.Tooltip("average distance:Q", format=".3f")])
    rule = alt.Chart(pd.DataFrame({"γ": [gamma]})).mark_rule(color="red").encode(x="γ:Q")
    with c[1]:
        show((bars + rule).properties(height=60 + 36 * len(gallery.names), title="Average distance to each "
                                                                                "class's templates (red: γ)"))


def templates(gallery: rt.Gallery, images: dict[str, np.ndarray]) -> None:
    for name in gallery.names:
        a = images.get(name)
        if a is not None:
            cols = st.columns(12)
            cols[0].markdown(f"**{name}**")
            for j, t in enumerate(a[:11]):
                cols[j + 1].image(img(t, 2))


def compare(artifacts: dict[str, str]) -> None:
    """Contrastive vs triplet vs the softmax baseline: the shipped encoders' figures and their final maps."""
    infos = {label: zoo.info(a) for label, a in artifacts.items()}
    rows = [{"embedding": name, "recall@1": i["metrics"]["recall1"], "recall@5": i["metrics"]["recall5"],
             "mAP": i["metrics"]["map"], "γ (EER)": i["metrics"]["gamma"],
             "8–9 identified at γ": i["metrics"]["unseen_id_acc"], "ROC AUC (8–9 vs 0–7)": i["metrics"]["roc_auc"]}
            for name, i in infos.items()]
    st.dataframe(pd.DataFrame(rows).style.format(precision=3), hide_index=True)
    _, labels = data(0).map_images()
    cols = st.columns(len(infos))
    for c, (name, i) in zip(cols, infos.items()):
        with c:  # once per artifact file
            a = artifacts[name]
            show_cached(("sia-compare", *file_key(zoo.path(a))),
                        lambda i=i, name=name: points_chart(i["replay"][-1], labels, name, 260))


# once per (model file, seed, mining): the embeddings of a fixed mini-batch do not change between reruns
@st.cache_data(show_spinner=False, max_entries=16)
def _triplets(path: str, mtime: float, seed: int, mining: str) -> dict:
    d = data(seed)
    return topic.mined_triplets(load_model(path, "siamese", mtime), d.x_train[:32], d.y_train[:32], mining, seed)


def sampling(path: str, mtime: float, seed: int, mining: str, margin: float) -> None:
    """§18.3 on real digits: a mini-batch of 32 training digits, four anchors with their mined positive and negative."""
    d = data(seed)
    x, y = d.x_train[:32], d.y_train[:32]
    t = _triplets(path, mtime, seed, mining)
    for i in range(4):
        cols = st.columns(4)
        cols[0].image(img(x[i], 3), caption=f"anchor {y[i]}")
        cols[1].image(img(x[t["p"][i]], 3), caption=f"positive · D={t['d_ap'][i]:.2f}")
        cols[2].image(img(x[t["n"][i]], 3), caption=f"negative {y[t['n'][i]]} · D={t['d_an'][i]:.2f}")
        hinge = max(0.0, t["d_ap"][i] ** 2 - t["d_an"][i] ** 2 + margin)
        cols[3].markdown(f"triplet loss max(0, D_ap² − D_an² + m) = **{hinge:.2f}** (m = {margin})")
    st.caption("Pairs and triplets are drawn inside each mini-batch of labelled digits, every digit an anchor: "
               + ("the negative is random." if mining == "random" else
                  "the negative is the nearest one farther than the positive (semi-hard); with none, the farthest.")
               + " The contrastive loss uses the same two pairs: (anchor, positive) pulled together, "
                 "(anchor, negative) pushed beyond m.")
