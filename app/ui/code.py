"""The 'Keras code' expander: the code of the current configuration, runnable as is."""

import streamlit as st


def keras_code(code: str, filename: str = "model.py") -> None:
    """The expander draws its code only once opened (opening reruns the page): highlighted code collapsed on
    every visit cost the browser 0.3-0.8 s of its busy time per page on a loaded machine (CDP profile)."""
    box = st.expander("Keras code", icon=":material/code:", key=f"code-{filename}", on_change="rerun")
    if not box.open:
        return
    with box:
        st.caption("The current configuration as a standalone script (Keras 3).")
        st.code(code, language="python")
        st.download_button("Download script", code, file_name=filename, mime="text/x-python",
                           key=f"code-dl-{filename}")
