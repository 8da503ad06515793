"""Autoencoder page, look inside (§19–§20.4): the clickable latent map, grid decoding, interpolation, random
codes as a generator, reconstruction error per class, denoising, your own image, the §19.3 experiment."""

from __future__ import annotations

import base64

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from anndl.nets.autoencoder import decoder_of, encoder_of
from anndl.topics.autoencoder import latent as lat
from anndl.topics.autoencoder.job import run_model
from app.ui.autoencoder.controls import img, row
from app.ui.charts import show, show_cached
from app.ui.classroom import stage
from app.ui.downloads import image_png, png_download
from app.ui.models import load_model
from app.ui.state import bound, classroom

MAP_N = 600  # test images on the map, each with its picture in the tooltip (≈ 0.4 kB each in the chart)
CANDIDATES = 24  # the empty-space grid of clickable candidate points is CANDIDATES × CANDIDATES
PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
           "#17becf"]  # tableau10: ten distinguishable classes
PROJECTIONS = {"pca": "PCA (decodes empty space too)", "tsne": f"t-SNE ({lat.TSNE_CAP:,} points at most)"}


def _parts(path: str, mtime: float):
    model = load_model(path, "autoencoder", mtime)
    return model, encoder_of(model), decoder_of(model)


@st.cache_resource(show_spinner="Encoding the test images and projecting them to 2-D…", max_entries=8)
def _map(path: str, mtime: float, dkey: tuple, method: str, _x: np.ndarray):
    """(codes, 2-D points, Projection) of the first MAP_N test images; one per (model file, data, method)."""
    _, enc, _ = _parts(path, mtime)
    codes = lat.encode(enc, _x[:MAP_N])
    points, proj = lat.project(codes, method)
    return codes, points, proj


def _candidates(points: np.ndarray) -> np.ndarray:
    """(CANDIDATES², 2) clickable points over the map's bounding box: codes no test image has."""
    lo, hi = points.min(0), points.max(0)
    return lat.grid_points((lo[0], hi[0]), (lo[1], hi[1]), CANDIDATES)


@st.cache_resource(show_spinner=False, max_entries=8)
def _map_decoded(path: str, mtime: float, dkey: tuple, method: str, _x: np.ndarray) -> dict[str, np.ndarray]:
    """Every clickable point's decoded image, {"t": (MAP_N, h, w, c) test images', "g": candidates'}, decoded in
    one batched call when the map is built: a click then only looks its image up (no model call on a click)."""
    codes, points, proj = _map(path, mtime, dkey, method, _x)
    grid = proj.to_latent(_candidates(points)) if proj.invertible else codes[:0]
    out = lat.decode(_parts(path, mtime)[2], np.concatenate([codes, grid]))
    return {"t": out[:len(codes)], "g": out[len(codes):]}


def _data_url(a: np.ndarray) -> str:
    return "data:image/png;base64," + base64.b64encode(image_png(img(a, 2))).decode()


@st.cache_data(show_spinner=False, max_entries=8)
def _frame(points: np.ndarray, y: np.ndarray, class_names: list[str], _x: np.ndarray, dkey: tuple,
           invertible: bool) -> pd.DataFrame:
    """The map's rows: test images (with their picture) and, where decodable, the empty-space candidates."""
    rows = [{"id": f"t{i}", "x": float(p[0]), "y": float(p[1]), "class": class_names[y[i]], "kind": "test image",
             "image": _data_url(_x[i])} for i, p in enumerate(points)]
    if invertible:
        rows += [{"id": f"g{j}", "x": float(p[0]), "y": float(p[1]), "class": "· empty space", "kind": "candidate",
                  "image": ""} for j, p in enumerate(_candidates(points))]
    return pd.DataFrame(rows)


def map_chart(frame: pd.DataFrame, class_names: list[str], axis: str) -> alt.Chart:
    """Scatter of the codes coloured by class, with a click selection "pick" over the row id."""
    pick = alt.selection_point(name="pick", fields=["id"], on="click", empty=False)
    domain = class_names + ["· empty space"]
    colors = alt.Scale(domain=domain, range=PALETTE[:len(class_names)] + ["#cccccc"])
    size = 160 if classroom() else 60
    return alt.Chart(frame).mark_circle().encode(
        x=alt.X("x:Q", title=f"{axis} 1"), y=alt.Y("y:Q", title=f"{axis} 2"),
        color=alt.Color("class:N", scale=colors, title="class", legend=alt.Legend(columns=2 if classroom() else 1)),
        size=alt.condition(pick, alt.value(size * 4), alt.value(size)),
        opacity=alt.condition("datum.kind == 'candidate'", alt.value(0.35), alt.value(0.85)),
        tooltip=[alt.Tooltip("class:N"), alt.Tooltip("image:N", title="image")],
    ).add_params(pick).properties(height=240 if classroom() else 460, title="Latent map: click a point to decode it")


def map_data(path: str, mtime: float, dkey: tuple, sp, latent: int) -> tuple:
    """(codes, 2-D points, Projection) of the shown model; the projection is chosen here for larger codes."""
    method = "direct" if latent == 2 else bound(st.radio, "Projection to 2-D", "ae_proj", "pca",
                                                options=list(PROJECTIONS), format_func=PROJECTIONS.get,
                                                horizontal=True)
    return _map(path, mtime, dkey, method, sp.x_test)


@st.fragment
def latent_map(path: str, mtime: float, dkey: tuple, sp, class_names: list[str], method: str) -> None:
    """The map and the decoded image of the clicked point; a click reruns only this fragment."""
    codes, points, proj = _map(path, mtime, dkey, method, sp.x_test)

    def frame() -> pd.DataFrame:
        return _frame(points, sp.y_test[:MAP_N], class_names, sp.x_test, dkey, proj.invertible)

    axis = {"direct": "code", "pca": "PC", "tsne": "t-SNE"}[proj.method]
    left, right = st.columns([3, 1])
    with left, stage():  # built once per (model file, data, projection): 600 points with their pictures
        event = show_cached(("ae-map", path, mtime, dkey, method, tuple(class_names)),
                            lambda: map_chart(frame(), class_names, axis), on_select="rerun", key="ae_map")
    picked = (event.selection.get("pick") or [None])[0] if event and event.selection else None
    with right:
        _decoded(picked, _map_decoded(path, mtime, dkey, method, sp.x_test), points, sp)
    how = "The codes as they are" if proj.method == "direct" else f"Projected: {axis}"
    st.caption(f"{len(points):,} test images (hover: the image); grey = candidate points in empty space (click one "
               f"to decode a code no image has). {how}. §20.4: 2-D codes overlap; pick latent 64 and t-SNE to see "
               "a larger code keep the classes apart.")


def _decoded(picked: dict | None, decoded: dict[str, np.ndarray], points: np.ndarray, sp) -> None:
    """The clicked point's image, looked up (decoded with the map): one image element, no model call."""
    if not picked or "id" not in picked:
        st.info("Click a point of the map: its decoded image appears here.", icon=":material/touch_app:")
        return
    pid = str(picked["id"])
    kind, i = pid[:1], int(pid[1:])
    if kind == "t":
        original, out = sp.x_test[i], decoded["t"][i]
        scale = max(4, 4 * 28 // original.shape[0])
        gap = np.full((original.shape[0] * scale, 2 * scale), 255, "uint8")  # white between the two
        st.image(np.concatenate([img(original, scale), gap, img(out, scale)], axis=1), caption="original · decoded")
    else:
        p = _candidates(points)[i]
        st.image(img(decoded["g"][i], max(6, 6 * 28 // decoded["g"].shape[1])),
                 caption=f"decoded from empty space ({p[0]:.2f}, {p[1]:.2f})")


# decoded once per (model file, projection, ranges, n): other clicks rerun the page with the same grid
@st.cache_data(show_spinner=False, max_entries=32, ttl=3600)
def _grid(path: str, mtime: float, method: str, _proj, xs: tuple, ys: tuple, n: int) -> np.ndarray:
    return lat.decode_grid(_parts(path, mtime)[2], _proj, xs, ys, n)


@st.fragment
def grid(path: str, mtime: float, points: np.ndarray, proj, draw: bool = True) -> None:
    """§20.4: an n×n grid over a chosen part of the map, decoded in one batched call (its knobs only, unless
    `draw`: its tab is open); a fragment, so another size or range reruns only the grid."""
    if draw:
        st.subheader("Latent grid (§20.4)")
    if not proj.invertible:
        if draw:
            st.info("t-SNE has no inverse: pick PCA (or a 2-D code) to decode a grid.")
        return
    c = st.columns(2)
    n = c[0].slider("Grid size", 4, 16, 8 if classroom() else 12, key="ae_grid_n")
    spread = c[1].slider("Range (× the codes' spread)", 0.5, 3.0, 1.0, 0.25, key="ae_grid_r",
                         help="Beyond 1× the grid leaves the region the training codes fill: the holes show.")
    if not draw:
        return
    centre, half = points.mean(0), spread * 2 * points.std(0)
    images = _grid(path, mtime, proj.method, proj, (float(centre[0] - half[0]), float(centre[0] + half[0])),
                   (float(centre[1] - half[1]), float(centre[1] + half[1])), n)
    mosaic = img(lat.mosaic(images), 2)
    st.image(mosaic, caption=f"{n}×{n} codes on a grid (centre ± {2 * spread:.2f} standard deviations), "
                             "decoded in one call")
    png_download(image_png(mosaic), "latent_grid.png", "ae_grid_png", "Grid (PNG)")


def interpolation(path: str, mtime: float, sp, draw: bool = True) -> None:
    if draw:
        st.subheader("Interpolation between two images")
    c = st.columns(3)
    a = c[0].number_input("From test image", 0, len(sp.x_test) - 1, 0, key="ae_ia")
    b = c[1].number_input("To test image", 0, len(sp.x_test) - 1, 1, key="ae_ib")
    steps = c[2].slider("Steps", 3, 12, 8, key="ae_isteps")
    if not draw:
        return
    images = _interpolated(path, mtime, sp.x_test[a], sp.x_test[b], steps)
    row([sp.x_test[a], *images, sp.x_test[b]], ["from"] + [""] * steps + ["to"], scale=2)
    st.caption("The codes of the two images joined by a straight line, each point decoded (§20.4).")


def generator(path: str, mtime: float, codes: np.ndarray, variational: bool, draw: bool = True) -> None:
    """§19.4: random codes decoded; a plain autoencoder's codes have holes, a VAE's prior fills them."""
    if draw:
        st.subheader("Random codes as a generator (§19.4)")
    if st.button("New samples", key="ae_gen", icon=":material/casino:"):
        st.session_state["ae_gen_seed"] = st.session_state.get("ae_gen_seed", 0) + 1
    if not draw:
        return
    prior = "standard" if variational else "fitted"
    z = lat.random_codes(codes, 16, st.session_state.get("ae_gen_seed", 0), prior)
    images = _decoded_codes(path, mtime, z)
    st.image(img(lat.mosaic(images.reshape(2, 8, *images.shape[1:])), 3))
    st.caption("16 random codes decoded: " + ("drawn from N(0, I), the VAE's prior." if variational else
               "drawn from a Gaussian with the test codes' mean and spread. A plain autoencoder is a poor "
               "generator: many codes fall in holes between the classes (§19.4; the GAN page does better)."))


@st.cache_data(show_spinner=False, max_entries=32, ttl=3600)
def _interpolated(path: str, mtime: float, a: np.ndarray, b: np.ndarray, steps: int) -> np.ndarray:
    _, enc, dec = _parts(path, mtime)
    return lat.interpolate(enc, dec, a, b, steps)


@st.cache_data(show_spinner=False, max_entries=32, ttl=3600)
def _decoded_codes(path: str, mtime: float, z: np.ndarray) -> np.ndarray:
    return lat.decode(_parts(path, mtime)[2], z)


@st.cache_data(show_spinner=False, max_entries=32, ttl=3600)
def _reconstructed(path: str, mtime: float, x: np.ndarray) -> np.ndarray:
    """The model's output for a few images, once per (model file, images)."""
    return run_model(_parts(path, mtime)[0], x)


def reconstructions(path: str, mtime: float, sp, per_class: list, class_names: list[str], draw: bool = True) -> None:
    """Reconstruction error per class, and test images corrupted by noise then reconstructed (denoising); the
    noise knob only, unless `draw` (its tab is open)."""
    if draw:
        frame = pd.DataFrame({"class": class_names, "MSE": per_class})
        show(alt.Chart(frame).mark_bar().encode(x=alt.X("class:N", sort=None), y="MSE:Q", tooltip=["class", "MSE"])
             .properties(height=200, title="Test reconstruction error per class"))
    sigma = st.select_slider("Noise added to the inputs (σ)", [0.0, 0.1, 0.2, 0.3, 0.5], 0.3, key="ae_dn")
    if not draw:
        return
    x = sp.x_test[:8]
    noisy = np.clip(x + sigma * np.random.default_rng(0).standard_normal(x.shape).astype("float32"), 0, 1)
    row(list(noisy), ["noisy"] + [""] * 7)
    row(list(_reconstructed(path, mtime, noisy)), ["reconstructed"] + [""] * 7)
    st.caption("A denoising autoencoder (train with input noise σ > 0) learns to remove noise like this.")


def own_image(path: str, mtime: float, image: np.ndarray) -> None:
    out = run_model(_parts(path, mtime)[0], image[None])[0]
    row([image, out], ["your image", "reconstructed"], scale=4)
    st.caption(f"Reconstruction MSE {float(((out - image) ** 2).mean()):.4f}: an image unlike the training "
               "images is reconstructed as the nearest thing the code can express.")


def init_chart(rows: list[dict]) -> None:
    """§19.3: test accuracy against labels per class, encoder-initialised vs from scratch."""
    frame = pd.DataFrame(rows)[["labels_per_class", "ae_init", "scratch"]].melt(
        "labels_per_class", var_name="classifier", value_name="test accuracy")
    frame["classifier"] = frame["classifier"].map({"ae_init": "encoder from the autoencoder", "scratch": "scratch"})
    show(alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("labels_per_class:Q", scale=alt.Scale(type="log"), title="labels per class"),
        y=alt.Y("test accuracy:Q", scale=alt.Scale(domain=[0, 1])), color="classifier:N",
        tooltip=["labels_per_class", "classifier", alt.Tooltip("test accuracy:Q", format=".3f")])
         .properties(height=260))
    ten = next((r for r in rows if r["labels_per_class"] == 10), None)
    if ten:
        st.caption(f"At 10 labels per class: {ten['ae_init']:.3f} with the autoencoder's encoder, "
                   f"{ten['scratch']:.3f} from scratch (gain {ten['ae_init'] - ten['scratch']:+.3f}); the same "
                   f"test set, mean of {ten.get('draws', 3)} draws of the labelled images.")


def init_finding(moves: bool) -> None:
    """What the §19.3 experiment measured here (`python -m anndl.bench autoencoder`), and which autoencoder to pick."""
    if not moves:
        st.info("An autoencoder that only rebuilds its input gains little here (+0.03 at 10 labels per class): "
                "its code keeps where a digit sits as carefully as which digit it is. "
                f"{'Outside classroom mode, pick' if classroom() else 'Pick'} **Denoising: random moves ±10 %** in "
                "the Train tab (shipped for latent 64 on MNIST): it must rebuild the original from a shifted, "
                "turned copy, so its code learns to ignore small moves — measured +0.06.",
                icon=":material/lightbulb:")
    st.caption("Worth knowing: random shifts of the *labelled* images, for both networks, are a cheaper prior "
               "still: from scratch reached 0.856 at 10 labels per class. Pre-training pays most when unlabelled "
               "images far outnumber the labelled ones; here the autoencoder saw only this set's 3,600.")
