"""The Perceptron tab (Hebbian learning step by step) and the Activations & optimisers tab."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from anndl.nets.ffnn import ACTIVATIONS
from anndl.nets.landscape import SURFACES, activation_curves, optimizer_paths, surface_grid
from anndl.nets.perceptron import GATES, hyperplane, perceptron_output, train_perceptron
from app.ui.charts import show_cached
from app.ui.state import bound


def gate_chart(x: np.ndarray, t: np.ndarray, w: list[float], current: list[float] | None = None) -> alt.Chart:
    """Truth-table points coloured by target, the +1 half-plane shaded, the hyperplane w0 + w·x = 0 drawn."""
    two_d = x.shape[1] == 2
    xs = alt.Scale(domain=[-0.5, 1.5], nice=False)
    ys = alt.Scale(domain=[-0.5, 1.5] if two_d else [-1, 1], nice=False)
    g = np.linspace(-0.5, 1.5, 41)
    gx, gy = np.meshgrid(g, g if two_d else np.linspace(-1, 1, 41))
    fires = perceptron_output(np.asarray(w, float), np.c_[gx.ravel(), gy.ravel()][:, : x.shape[1]])
    half = pd.DataFrame({"x1": gx.ravel(), "x2": gy.ravel(), "h": np.where(fires > 0, "+1", "-1")})
    shade = alt.Chart(half).mark_square(size=90, opacity=0.18).encode(
        x=alt.X("x1:Q", scale=xs), y=alt.Y("x2:Q", scale=ys),
        color=alt.Color("h:N", scale=alt.Scale(domain=["-1", "+1"], range=["#d62728", "#2ca02c"]), legend=None))
    pts = pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1] if two_d else 0.0, "target": [f"{int(v):+d}" for v in t]})
    dots = alt.Chart(pts).mark_point(filled=True, size=400, stroke="black").encode(
        x=alt.X("x1:Q", scale=xs), y=alt.Y("x2:Q", scale=ys),
        color=alt.Color("target:N", scale=alt.Scale(domain=["-1", "+1"], range=["#d62728", "#2ca02c"])),
        shape=alt.Shape("target:N", scale=alt.Scale(domain=["-1", "+1"], range=["square", "circle"])))
    layers = [shade, dots]
    if current is not None:
        now = pd.DataFrame({"x1": [current[0]], "x2": [current[1] if two_d else 0.0]})
        layers.append(alt.Chart(now).mark_point(size=1400, strokeWidth=3, color="black").encode(
            x=alt.X("x1:Q", scale=xs), y=alt.Y("x2:Q", scale=ys)))
    line = hyperplane(w) if two_d else ([(-w[0] / w[1], -1), (-w[0] / w[1], 1)] if abs(w[1]) > 1e-12 else [])
    if line:
        layers.append(alt.Chart(pd.DataFrame(line, columns=["x1", "x2"])).mark_line(
            color="black", strokeWidth=3, clip=True).encode(x=alt.X("x1:Q", scale=xs), y=alt.Y("x2:Q", scale=ys)))
    return alt.layer(*layers).properties(width=380, height=380 if two_d else 160)


@st.fragment  # its knobs and buttons rerun only this tab (a step answers without the network tab's work)
def perceptron_tab() -> None:
    st.markdown("A perceptron fires $+1$ when $w_0 + w_1x_1 + w_2x_2 > 0$. **Hebbian learning** shows the samples one "
                "by one and, only when the output is wrong, moves the weights by $\\Delta w = \\eta\\,x\\,t$ "
                "(with $x_0 = 1$ for the bias $w_0$).")
    c = st.columns(3)
    gate = bound(c[0].selectbox, "Logic gate", "pc_gate", "AND", options=list(GATES))
    eta = bound(c[1].select_slider, "Learning rate η", "pc_eta", 0.25, options=[0.05, 0.1, 0.25, 0.5, 1.0])
    start = bound(c[2].selectbox, "Initial weights", "pc_init", "zeros", options=["zeros", "random"])
    x, t = GATES[gate]
    w0 = np.zeros(x.shape[1] + 1) if start == "zeros" else np.random.default_rng(st.session_state.get("seed", 0)
                                                                                  ).uniform(-1, 1, x.shape[1] + 1)
    steps, converged = train_perceptron(x, t, eta=eta, max_epochs=12, w0=w0)
    key = f"pc_step-{gate}-{eta}-{start}"
    shown = st.session_state.get(key, 0)
    b = st.columns([1, 1, 1, 4])
    if b[0].button("Step", icon=":material/skip_next:", disabled=shown >= len(steps)):
        shown += 1
    if b[1].button("Run", icon=":material/fast_forward:"):
        shown = len(steps)
    if b[2].button("Reset", icon=":material/restart_alt:"):
        shown = 0
    st.session_state[key] = shown
    w = steps[shown - 1].w_after if shown else list(w0)
    left, right = st.columns([1, 1])
    with left:
        current = steps[shown - 1].x if shown else None  # the chart's inputs: gate, weights, the sample shown
        show_cached(("pc-gate", gate, tuple(map(float, w)), None if current is None else tuple(map(float, current))),
                    lambda: gate_chart(x, t, w, current), use_container_width=False)
        st.caption("Shaded: where the perceptron outputs +1 (green) or −1 (red); the ring marks the sample just shown.")
        st.caption("Weights " + ", ".join(f"w{i} = {v:+.2f}" for i, v in enumerate(w)))
    with right:
        table = pd.DataFrame([{"epoch": s.epoch, "x": s.x, "t": s.target, "h(x)": s.output,
                               "update": "Δw = η·x·t" if s.updated else "–", "w after": np.round(s.w_after, 2).tolist()}
                              for s in steps[:shown]])
        st.dataframe(table.iloc[::-1], hide_index=True, height=320)
    if shown >= len(steps):
        if converged:
            st.success(f"Converged after {steps[-1].epoch} epoch(s): a whole pass with no mistake.")
        else:
            st.error(f"{gate} never converges: no straight line separates its +1 from its −1 points (it is not "
                     "linearly "
                     "separable), so some sample is always wrong and the weights cycle for ever. A hidden layer fixes "
                     "it: see the Neural network tab with the XOR dataset.")


@st.cache_data(show_spinner=False, max_entries=32)
def _activation_curves(names: tuple[str, ...]) -> list[dict]:
    """activation_curves once per server for a choice of activations: the autodiff through Keras cost ~150 ms of
    every rerun of the page (cProfile, loaded machine)."""
    return activation_curves(names)


@st.fragment
def activations_section() -> None:
    names = bound(st.multiselect, "Activations", "ao_act", ["sigmoid", "tanh", "relu"], options=ACTIVATIONS)
    if not names:
        return
    rows = _activation_curves(tuple(names))
    show_cached(("pc-activations", *names), lambda: _curves_chart(rows), use_container_width=False)
    st.caption("Backpropagation multiplies one f′ per layer: with sigmoid (max f′ = 0.25) the gradient reaching the "
               "first layer shrinks at least as 0.25^L — the vanishing gradient.")
    show_cached(("pc-depth", *names), lambda: _depth_chart(rows), use_container_width=False)


def _curves_chart(rows: list[dict]) -> alt.Chart:
    frame = pd.concat([pd.DataFrame({"a": r["a"], "value": r["f"], "curve": "f(a)", "activation": r["name"]})
                       for r in rows] + [pd.DataFrame({"a": r["a"], "value": r["df"], "curve": "f′(a)",
                                                       "activation": r["name"]}) for r in rows])
    return alt.Chart(frame).mark_line(strokeWidth=2.5, clip=True).encode(
        x="a:Q", y=alt.Y("value:Q", scale=alt.Scale(domain=[-1.5, 3])), color="activation:N",
        column=alt.Column("curve:N", title=None)).properties(width=380, height=260)


def _depth_chart(rows: list[dict]) -> alt.Chart:
    depth = pd.DataFrame([{"layers": L, "activation": r["name"], "gradient bound": r["max_df"] ** L}
                          for r in rows for L in range(1, 21)])
    return alt.Chart(depth).mark_line(point=True).encode(
        x="layers:Q", y=alt.Y("gradient bound:Q", scale=alt.Scale(type="log")), color="activation:N"
    ).properties(width=520, height=240)


@st.cache_data(show_spinner="Running the optimisers…", max_entries=64)
def _paths(surface, start, lr, steps):
    return optimizer_paths(surface, start, lr, steps)


@st.fragment
def optimisers_section() -> None:
    c = st.columns(4)
    surface = bound(c[0].selectbox, "Loss surface", "ao_surf", "elongated bowl", options=list(SURFACES))
    desc, box, default_start = SURFACES[surface]
    lr = bound(c[1].select_slider, "Learning rate", "ao_lr", 0.1, options=[0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.6])
    sx = bound(c[2].slider, "Start x", "ao_x", float(default_start[0]), min_value=box[0], max_value=box[1], step=0.1)
    sy = bound(c[3].slider, "Start y", "ao_y", float(default_start[1]), min_value=box[2], max_value=box[3], step=0.1)
    st.caption(f"f(x, y) = {desc}. 100 steps of each Keras optimiser from the same start.")
    paths = _paths(surface, (sx, sy), lr, 100)
    show_cached(("pc-optimisers", surface, sx, sy, lr), lambda: _paths_chart(surface, paths, box),
                use_container_width=False)
    short = [n for n, p in paths.items() if len(p) < 101]
    if short:
        st.warning(f"Diverged (steps too large for this surface): {', '.join(short)}.")


def _paths_chart(surface: str, paths: dict, box) -> alt.Chart:
    """The loss surface (grey) and each optimiser's 100 steps over it."""
    grid = surface_grid(surface)
    gx, gy = np.meshgrid(grid["xs"], grid["ys"])
    bg = pd.DataFrame({"x": gx.ravel(), "y": gy.ravel(), "loss": np.log1p(np.asarray(grid["z"]).ravel()
                                                                          - np.min(grid["z"]))})
    lines = pd.concat([pd.DataFrame({"x": [p[0] for p in path], "y": [p[1] for p in path], "step": range(len(path)),
                                     "optimiser": name}) for name, path in paths.items()])
    xs, ys = alt.Scale(domain=list(box[:2]), nice=False), alt.Scale(domain=list(box[2:]), nice=False)
    heat = alt.Chart(bg).mark_rect().encode(x=alt.X("x:Q", bin=alt.Bin(maxbins=60), scale=xs),
                                            y=alt.Y("y:Q", bin=alt.Bin(maxbins=60), scale=ys),
                                            color=alt.Color("mean(loss):Q", scale=alt.Scale(scheme="greys"),
                                                            title="log(1+loss)"))
    trail = alt.Chart(lines).mark_line(point=True, strokeWidth=2, clip=True).encode(
        x=alt.X("x:Q", scale=xs), y=alt.Y("y:Q", scale=ys), order="step:Q", color="optimiser:N",
        tooltip=["optimiser", "step", "x", "y"])
    return (heat + trail).properties(width=620, height=420)
