"""A bare Streamlit page for `python -m anndl.bench pages`: one fragment with a number input, a 28×28 image and a
line of text, no model. Its click time in the same browser and run is the floor every page's click stands on."""

import numpy as np
import streamlit as st


@st.fragment
def bare() -> None:
    k = st.number_input("Test image", 0, 10_000, 0)
    st.image((np.add.outer(np.arange(28), np.arange(28)) * (k + 1) % 255).astype("uint8"), width=112)
    st.write(f"Image {k}")


bare()
