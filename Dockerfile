# anndl on a GPU class server: TensorFlow's CUDA image, the dashboard on port 8501.
#   docker build -t anndl . && docker run --gpus all -p 8501:8501 anndl
FROM tensorflow/tensorflow:2.21.0-gpu

ENV DEBIAN_FRONTEND=noninteractive \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_BREAK_SYSTEM_PACKAGES=1 \
    PYTHONUNBUFFERED=1 \
    TF_CPP_MIN_LOG_LEVEL=2 \
    TF_FORCE_GPU_ALLOW_GROWTH=true \
    ANNDL_WORKERS=2

# Fashion-MNIST for the vision pages, read offline from /usr/share/datasets/fashion-mnist; Debian's fortune
# cookies (/usr/share/games/fortunes) as real English text for the words-as-vectors page.
RUN apt-get update \
    && apt-get install -y --no-install-recommends dataset-fashion-mnist fortunes \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Dependencies first, so a code change does not reinstall them; TensorFlow is already in the image.
# EXTRAS="[cluster]" adds Ray for the cluster deployment (deploy/docker-compose.yml).
ARG EXTRAS=""
COPY pyproject.toml README.md ./
COPY anndl/__init__.py anndl/__init__.py
COPY app/__init__.py app/__init__.py
RUN python3 -m pip install ".${EXTRAS}"
COPY . .
RUN python3 -m pip install --no-deps . \
    && useradd --create-home anndl \
    && chown -R anndl /app
USER anndl

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python3 -c "import urllib.request; urllib.request.urlopen('http://localhost:8501/_stcore/health', timeout=4)"
CMD ["python3", "-m", "streamlit", "run", "app/main.py", "--server.address=0.0.0.0", "--server.port=8501"]
