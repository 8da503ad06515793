"""The twelve topics of the course, their sections and pages; only built pages are registered."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ["Foundations", "Vision", "Representations & generation", "Sequences"]
CHAPTERS = dict(zip(SECTIONS, ["§1–§5", "§6–§17", "§18–§22", "§23–§28"]))  # the course sections of each chapter


@dataclass(frozen=True)
class Topic:
    key: str  # url path of the page
    title: str
    section: str
    course: str  # the course sections it covers
    summary: str
    page: str | None = None  # file under pages/, None while the topic is still coming
    icon: str = ":material/school:"
    # the lecture's demo states, in teaching order: (one-line note, URL knobs; "tab" opens that tab)
    demos: tuple[tuple[str, dict], ...] = ()

    @property
    def path(self) -> Path | None:
        return ROOT / "pages" / self.page if self.page else None

    @property
    def built(self) -> bool:
        return self.path is not None and self.path.exists()


TOPICS = [
    Topic("perceptron", "Perceptron & FFNN playground", "Foundations", "§1–§5",
          "Hebbian learning, hyperplanes, feed-forward networks, activations, optimisers, overfitting.",
          "perceptron.py", ":material/hub:",
          demos=(("Hebbian learning finds AND in a few steps", {"tab": "Perceptron", "pc_gate": "AND"}),
                 ("XOR: no single hyperplane separates it", {"tab": "Perceptron", "pc_gate": "XOR"}),
                 ("Two spirals: hidden layers carve the plane", {"nn_data": "spiral"}),
                 ("Activations and optimisers on a loss surface", {"tab": "Activations & optimisers"}))),
    Topic("cnn", "CNN trainer", "Vision", "§6–§9, §12.1–§12.2",
          "Convolutions, pooling, Inception / ResNet / SE / MobileNet blocks, augmentation, filters, retrieval.",
          "cnn.py", ":material/grid_on:",
          demos=(("Activation maps of the shipped MNIST network", {"cnn_data": "mnist"}),
                 ("The same network on Fashion-MNIST", {"cnn_data": "fashion_mnist"}),
                 ("Compose the stack from the course's blocks", {"tab": "Architecture"}))),
    Topic("transfer", "Transfer learning", "Vision", "§7.2, §8, §9.13–§9.14",
          "Feature extraction and fine-tuning of a pretrained backbone on your own images.", "transfer.py",
          ":material/move_up:",
          demos=(("From scratch, transfer, fine-tune: accuracy by images per class", {}),
                 ("Freeze, then fine-tune the top layers: both phases on one chart", {"tab": "Transfer & fine-tune"}),
                 ("The famous CNNs of §8: parameters, depth, the one idea each", {"tab": "Famous CNNs (§8)"}))),
    Topic("localization", "Localization & CAM", "Vision", "§11–§13",
          "Bounding-box regression with two heads, class activation maps, Grad-CAM, saliency.", "localization.py",
          ":material/center_focus_strong:",
          demos=(("Two heads: the class and its box", {}),
                 ("CAM: boxes without any box label", {"tab": "CAM: boxes without box labels"}))),
    Topic("detection", "Object detection", "Vision", "§14–§15 (+§16)",
          "A one-stage grid detector, IoU, confidence threshold, non-maximum suppression, PR curves and mAP.",
          "detection.py", ":material/select_all:",
          demos=(("Boxes of the shipped detector: threshold and NMS", {}),
                 ("Fewer boxes: raise the confidence threshold", {"det_conf": 0.7}),
                 ("Precision–recall per class and COCO mAP", {"tab": "PR curves & mAP"}),
                 ("IoU of two boxes you move", {"tab": "IoU (§14.3)"}))),
    Topic("unet", "U-Net segmentation", "Vision", "§10, §17",
          "Encoder–decoder with skips, pixel masks, mean IoU.", "unet.py", ":material/texture:",
          demos=(("Every pixel gets a class: true and predicted masks", {}),
                 ("Upsampling and the transposed convolution", {"tab": "Upsampling (§10.5)"}))),
    Topic("siamese", "Siamese retrieval", "Representations & generation", "§18",
          "Contrastive and triplet losses, embeddings, nearest neighbours.", "siamese.py", ":material/compare:",
          demos=(("The embedding map: one cluster per digit", {}),
                 ("Enrol 8 and 9 from five templates, identify with γ", {"tab": "Identification (§18.3)"}),
                 ("Contrastive against triplet on the same encoder", {"tab": "Contrastive vs triplet"}))),
    Topic("autoencoder", "Autoencoder latent explorer", "Representations & generation", "§19–§20",
          "Autoencoders, walking the latent space (a VAE only as a beyond-the-course option).", "autoencoder.py",
          ":material/scatter_plot:",
          demos=(("The latent map: click a point to decode it", {}),
                 ("Walk the latent space between two images", {"tab": "Walk the latent space"}))),
    Topic("gan", "GAN / cGAN sampler", "Representations & generation", "§21–§22",
          "Generator against discriminator, conditional generation.", "gan.py", ":material/auto_awesome:",
          demos=(("The shipped cGAN draws each class in turn", {}),
                 ("Walk between two seeds and between two classes", {"tab": "Interpolate & arithmetic"}),
                 ("A 2-D GAN trained in seconds", {"tab": "Toy 2-D GAN"}))),
    Topic("timeseries", "Time series", "Sequences", "§23–§24",
          "Forecasting with windows and telescopes, activity classification, vanishing gradients.", "timeseries.py",
          ":material/show_chart:",
          demos=(("Forecast CO₂ and beat the naive baselines", {}),
                 ("Classify activities from sensor windows", {"tab": "Activity classification"}),
                 ("Why plain RNNs forget: vanishing gradients", {"tab": "Vanishing gradients"}))),
    Topic("embeddings", "Words as vectors", "Sequences", "§26, §27.4",
          "n-gram and neural language models, word2vec (CBOW, skip-gram), analogies, retrieval chatbots.",
          "embeddings.py", ":material/text_fields:",
          demos=(("Nearest words and b − a + c on the shipped skip-gram", {}),
                 ("The words on a 2-D map, coloured by part of speech", {"tab": "Map (2-D)"}),
                 ("Counting instead of learning: n-grams and perplexity", {"tab": "n-gram model"}))),
    Topic("transformer", "Transformer translator", "Sequences", "§25–§28",
          "Attention, positional encoding, encoder–decoder translation, greedy and beam search.", "transformer.py",
          ":material/translate:",
          demos=(("Greedy decoding against beam search", {}),
                 ("Where each word looks: the attention maps", {"tab": "Look inside"}))),
]


def built_topics() -> list[Topic]:
    return [t for t in TOPICS if t.built]
