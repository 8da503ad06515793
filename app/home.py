"""Home page: the course's twelve topics; built ones link to their page, the rest say 'coming'."""

import streamlit as st

from app.registry import SECTIONS, TOPICS
from app.ui.lecture import shipped_list

st.title("Artificial Neural Networks & Deep Learning — hands on")
st.markdown(
    "Every lecture as a **working Keras model**: open a topic, change the knobs, train it live, bring your own "
    "data and look inside. Each page opens on a trained model, so a class can start at once."
)
for section in SECTIONS:
    st.subheader(section)
    cols = st.columns(3)
    for i, topic in enumerate([t for t in TOPICS if t.section == section]):
        with cols[i % 3].container(border=True):
            if topic.built:
                st.page_link(str(topic.path), label=f"**{topic.title}**", icon=topic.icon)
            else:
                st.markdown(f"**{topic.title}** · _coming_")
            st.caption(f"Course {topic.course} — {topic.summary}")

st.subheader("Lectures, ready to project")
st.caption("Each chapter's demos in teaching order, in classroom mode: step with ◀ ▶ (or the arrow keys). Build your "
           "own from any page in the sidebar (“Lecture playlist”) and share its JSON file.")
shipped_list()
