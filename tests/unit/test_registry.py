"""The course sections of every topic, checked against the course's own table (not against the registry)."""

import re
from pathlib import Path

from app.registry import TOPICS

COURSE = {  # topic key -> the sections of the course it covers (issue 9)
    "perceptron": "§1–§5",
    "cnn": "§6–§9, §12.1–§12.2",
    "transfer": "§7.2, §8, §9.13–§9.14",
    "localization": "§11–§13",
    "detection": "§14–§15 (+§16)",
    "unet": "§10, §17",
    "siamese": "§18",
    "autoencoder": "§19–§20",
    "gan": "§21–§22",
    "timeseries": "§23–§24",
    "embeddings": "§26, §27.4",
    "transformer": "§25–§28",
}
TITLES = {"Transfer learning": "transfer", "Localization & CAM": "localization", "Object detection": "detection",
          "U-Net segmentation": "unet", "Siamese retrieval": "siamese", "Autoencoder latent explorer": "autoencoder",
          "GAN / cGAN sampler": "gan", "Perceptron & FFNN playground": "perceptron", "CNN trainer": "cnn",
          "Time series": "timeseries", "Words as vectors": "embeddings", "Transformer translator": "transformer"}


def test_registry_sections_are_the_course_sections():
    assert {t.key: t.course for t in TOPICS} == COURSE


def test_readme_page_table_has_the_course_sections():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    rows = re.findall(r"^\| [^|]+ \| ([^|]+) \| (§[^|]+) \|$", readme, flags=re.M)
    assert {TITLES[title.strip()]: course.strip() for title, course in rows} == COURSE


def test_autoencoder_is_not_sold_as_a_vae_page():
    summary = next(t.summary for t in TOPICS if t.key == "autoencoder")
    assert "beyond" in summary and not summary.startswith("Autoencoders and VAEs")
