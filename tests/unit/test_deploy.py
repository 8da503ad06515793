"""Issue 23: the cluster deployment file is valid and says what the README promises — a Ray head, a Ray GPU
worker, two dashboard replicas on the cluster behind a sticky-session proxy, one shared results volume."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "deploy" / "docker-compose.yml").read_text())


def test_the_compose_file_has_a_ray_head_a_gpu_worker_and_two_replicas_behind_a_sticky_proxy():
    services = compose()["services"]
    assert {"ray-head", "ray-gpu-worker", "app-1", "app-2", "proxy"} <= set(services)
    head, worker = services["ray-head"], services["ray-gpu-worker"]
    assert "--head" in head["command"] and "--port=6379" in head["command"]
    assert "--address=ray-head:6379" in worker["command"]
    gpus = worker["deploy"]["resources"]["reservations"]["devices"]
    assert any("gpu" in d["capabilities"] and d["driver"] == "nvidia" for d in gpus)
    for name in ("app-1", "app-2"):
        app = services[name]
        assert app["environment"]["ANNDL_RAY_ADDRESS"] == "ray-head:6379"
        labels = app["labels"]
        assert labels["traefik.http.services.anndl.loadbalancer.sticky.cookie"] == "true"
        assert labels["traefik.http.services.anndl.loadbalancer.server.port"] == "8501"
    assert "8501:8501" in services["proxy"]["ports"]


def test_every_anndl_container_shares_the_results_volume_and_the_cluster_image():
    spec = compose()
    anndl = {k: v for k, v in spec["services"].items() if k != "proxy"}
    for name, service in anndl.items():
        results = service["environment"]["ANNDL_RESULTS"]
        assert f"results:{results}" in service["volumes"], name  # the same path on every replica and Ray node
        assert service["build"]["args"]["EXTRAS"] == "[cluster]" and service["image"] == "anndl:cluster"
        assert service["environment"]["RAY_AUTH_MODE"] == "token"
    assert "results" in spec["volumes"]
    assert re.search(r'ARG EXTRAS=""\n(.*\n)*RUN python3 -m pip install "\.\$\{EXTRAS\}"',
                     (ROOT / "Dockerfile").read_text())
    assert 'cluster = ["ray==' in (ROOT / "pyproject.toml").read_text()


def test_every_setting_the_compose_file_uses_is_read_by_the_app_and_documented():
    used = {k for s in compose()["services"].values() for k in (s.get("environment") or {}) if k.startswith("ANNDL")}
    read = (ROOT / "app" / "ui" / "training.py").read_text()
    readme = (ROOT / "README.md").read_text()
    for key in used:
        assert f'"{key}"' in read and f"| `{key}` |" in readme, key
