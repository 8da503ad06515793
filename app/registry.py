"""The eleven topics of the course, their sections and pages; only built pages are registered."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ["Foundations", "Vision", "Representations & generation", "Sequences"]


@dataclass(frozen=True)
class Topic:
    key: str  # url path of the page
    title: str
    section: str
    course: str  # the course sections it covers
    summary: str
    page: str | None = None  # file under pages/, None while the topic is still coming
    icon: str = ":material/school:"

    @property
    def path(self) -> Path | None:
        return ROOT / "pages" / self.page if self.page else None

    @property
    def built(self) -> bool:
        return self.path is not None and self.path.exists()


TOPICS = [
    Topic("perceptron", "Perceptron & FFNN playground", "Foundations", "§1–§5",
          "Hebbian learning, hyperplanes, feed-forward networks, activations, optimisers, overfitting.",
          "perceptron.py", ":material/hub:"),
    Topic("cnn", "CNN trainer", "Vision", "§6–§9, §12.1–§12.2",
          "Convolutions, pooling, Inception / ResNet / SE / MobileNet blocks, augmentation, filters, retrieval.",
          "cnn.py", ":material/grid_on:"),
    Topic("transfer", "Transfer learning", "Vision", "§7.2, §8, §9.13–§9.14",
          "Feature extraction and fine-tuning of a pretrained backbone on your own images.", "transfer.py",
          ":material/move_up:"),
    Topic("localization", "Localization & CAM", "Vision", "§11–§13",
          "Bounding-box regression with two heads, class activation maps, Grad-CAM, saliency.", "localization.py",
          ":material/center_focus_strong:"),
    Topic("detection", "Object detection", "Vision", "§14–§15 (+§16)",
          "Anchors, IoU, non-maximum suppression, mAP.", None, ":material/select_all:"),
    Topic("unet", "U-Net segmentation", "Vision", "§10, §17",
          "Encoder–decoder with skips, pixel masks, mean IoU.", "unet.py", ":material/texture:"),
    Topic("siamese", "Siamese retrieval", "Representations & generation", "§18",
          "Contrastive and triplet losses, embeddings, nearest neighbours.", "siamese.py", ":material/compare:"),
    Topic("autoencoder", "Autoencoder latent explorer", "Representations & generation", "§19–§20",
          "Autoencoders, walking the latent space (a VAE only as a beyond-the-course option).", "autoencoder.py",
          ":material/scatter_plot:"),
    Topic("gan", "GAN / cGAN sampler", "Representations & generation", "§21–§22",
          "Generator against discriminator, conditional generation.", "gan.py", ":material/auto_awesome:"),
    Topic("timeseries", "Time series", "Sequences", "§23–§24",
          "Forecasting with windows and telescopes, activity classification, vanishing gradients.", "timeseries.py",
          ":material/show_chart:"),
    Topic("transformer", "Transformer translator", "Sequences", "§25–§28",
          "Attention, positional encoding, encoder–decoder translation, greedy and beam search.", "transformer.py",
          ":material/translate:"),
]


def built_topics() -> list[Topic]:
    return [t for t in TOPICS if t.built]
