"""The 'Keras code' expander: the code of the current configuration, runnable as is."""

import streamlit as st


def keras_code(code: str, filename: str = "model.py") -> None:
    with st.expander("Keras code", icon=":material/code:"):
        st.caption("The current configuration as a standalone script (Keras 3).")
        st.code(code, language="python")
        st.download_button("Download script", code, file_name=filename, mime="text/x-python",
                           key=f"code-dl-{filename}")
