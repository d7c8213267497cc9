"""gunicorn.conf.py: never a single worker, which would make every visitor wait behind one
slow request (tests/test_import_live_server.py shows the difference with a live server)."""

from __future__ import annotations

import gc
import runpy
from pathlib import Path

import pytest

CONFIG = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


@pytest.mark.parametrize(("cpus", "workers"), [(1, 3), (2, 5), (4, 8), (64, 8)])
def test_the_default_is_two_workers_per_cpu_plus_one_between_2_and_8(cpus, workers):
    assert runpy.run_path(str(CONFIG))["default_workers"](cpus) == workers


def test_web_concurrency_sets_the_workers_and_the_default_is_never_one(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    config = runpy.run_path(str(CONFIG))
    assert config["workers"] >= 2 and config["worker_class"] == "sync"
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert runpy.run_path(str(CONFIG))["workers"] == 3


def test_the_docker_image_starts_gunicorn_from_the_folder_holding_the_config():
    dockerfile = (CONFIG.parent / "Dockerfile").read_text()
    assert "WORKDIR /app" in dockerfile and "COPY . ." in dockerfile
    assert "gunicorn.conf.py" not in (CONFIG.parent / ".dockerignore").read_text()
    assert '"--workers"' not in dockerfile  # the config decides


def test_a_worker_sets_its_loaded_objects_aside_from_the_garbage_collector():
    threshold = gc.get_threshold()
    try:
        runpy.run_path(str(CONFIG))["post_worker_init"](object())
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] == 7000
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
