"""The upsampling lesson (course §10.5) computed live on a small input the student edits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from anndl.nets import upsampling as up
from app.ui.charts import heatmap, show_cached


def _grid(values: np.ndarray, key: str, label: str) -> np.ndarray:
    """An editable small matrix; non-numbers fall back to the example's values."""
    st.markdown(f"**{label}**")
    frame = st.data_editor(pd.DataFrame(values, columns=[str(j) for j in range(values.shape[1])]), key=key,
                           hide_index=True, width="content")
    edited = frame.apply(pd.to_numeric, errors="coerce").to_numpy(float)
    return np.where(np.isfinite(edited), edited, values).clip(-100, 100)


def _matrix(values: np.ndarray, title: str) -> None:
    st.markdown(f"**{title}**")
    st.dataframe(pd.DataFrame(np.round(values, 3)), hide_index=True)


def upsampling_lesson(draw: bool = True) -> None:
    """The editable input, kernel and stride; when `draw` (its tab is open) every upsampling of them."""
    st.markdown("A decoder has to grow the map back to the image's size. Fixed rules copy or place the values; "
                "the transposed convolution *learns* how (§10.5.4): every input value stamps the kernel, scaled "
                "by itself, into the output, and overlapping stamps add up.")
    c = st.columns([1, 1, 1])
    with c[0]:
        x = _grid(up.EXAMPLE_INPUT, "unet_up_x", "Input (edit it)")
    with c[1]:
        k = _grid(up.EXAMPLE_KERNEL, "unet_up_k", "Kernel (edit it)")
    stride = c[2].radio("Stride", [1, 2], key="unet_up_s", horizontal=True)
    if not draw:
        return
    c = st.columns(3)
    with c[0]:
        _matrix(up.nearest_neighbour(x), "Nearest neighbour ×2")
    with c[1]:
        _matrix(up.bed_of_nails(x), "Bed of nails ×2")
    with c[2]:
        before = np.arange(16.0).reshape(4, 4) % 7  # the map a 2×2 max pooling saw
        pooled, switches = up.max_pool_switches(before)
        _matrix(up.max_unpooling(x[:2, :2], switches), "Max unpooling ×2")
        st.caption(f"The values go where a 2×2 max pooling of {before.astype(int).tolist()} found its maxima.")
    ours = up.transposed_convolution(x, k, stride)
    theirs = up.keras_transposed_convolution(x, k, stride)
    c = st.columns(2)
    with c[0]:
        _matrix(ours, f"Transposed convolution by hand (stride {stride})")
    with c[1]:
        _matrix(theirs, "keras.layers.Conv2DTranspose, same kernel")
    same = np.allclose(ours, theirs, atol=1e-4)
    st.caption(("The same numbers. " if same else "The numbers differ! ")
               + "Output side = (input − 1)·stride + kernel.")


def checkerboard() -> None:
    st.markdown("**The checkerboard artifact.** How many input pixels write to each output pixel when a constant "
                "map is upsampled ×2: a 3×3 transposed convolution with stride 2 writes some pixels four times "
                "and others once (the kernel is not a multiple of the stride); resize-then-convolve writes every "
                "inner pixel equally.")
    c = st.columns(2)
    with c[0]:  # fixed figures: built once per server
        show_cached(("unet-checkerboard", "transpose"), lambda: _counts_chart(up.stamp_counts(6, 3, 2),
                                                                              "transposed conv 3×3, stride 2"),
                    use_container_width=False)
    with c[1]:
        show_cached(("unet-checkerboard", "resize"), lambda: _counts_chart(up.resize_then_convolve(6, 3),
                                                                           "nearest ×2, then 3×3 conv"),
                    use_container_width=False)


def _counts_chart(counts: np.ndarray, title: str):
    return heatmap(counts, [str(j) for j in range(counts.shape[1])], [str(i) for i in range(counts.shape[0])],
                   scheme="greys", size=18).properties(title=title)
