"""The deadline-day load test (bench/load.py) checks itself here: what its filers post is what
the editor shows, and its verification catches a lost save and a wrong stale refusal.

The load run itself needs gunicorn, PostgreSQL and a minute of both cores: it is run by hand
(docs/deployment.md), not in the suite.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from bench.load_check import (
    STALE_MESSAGE,
    StoredSave,
    editor_form,
    figures,
    percentile,
    verify_saves,
)
from budgetapp.targets.models import Revision, RevisionAction
from budgetapp.units.models import Role

from .conftest import login
from .test_workflow import new_user


@pytest.fixture
def pair(users, tree):
    """The owner and a second filer of the same unit, each in their own browser."""
    second = new_user("lisi", Role.FILER, tree["own"])
    a, b = Client(), Client()
    login(a, users["owner"])
    login(b, second)
    return a, b, users["owner"], second


def _post(client: Client, url: str, fields: list[tuple[str, str]], marker: str):
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(marker if name == "fund_use" else value)
    return client.post(url, data)


def _saves_and_stored(project, records):
    stored = [
        StoredSave(
            table=r.object_id,
            version=r.version,
            user=r.saved_by.username,
            marker=r.data["fields"]["fund_use"],
        )
        for r in Revision.of(project).filter(action=RevisionAction.EDIT).select_related("saved_by")
    ]
    project.refresh_from_db()
    return records, stored, {project.pk: project.version}


def test_the_load_filers_post_back_the_editor_form_and_the_verification_holds(pair, project):
    a, b, owner, second = pair
    url = reverse("targets:project_edit", args=[project.pk])
    # Both load the editor at version 1; the owner saves first, so the second is stale.
    page_a, page_b = (
        editor_form(a.get(url).content.decode()),
        editor_form(b.get(url).content.decode()),
    )
    assert dict(page_a)["loaded_version"] == "1"
    # Every row of the table is posted back, and nothing of the empty row's template.
    assert dict(page_a)["indicators-TOTAL_FORMS"] == "2"
    assert not any("__prefix__" in name for name, _ in page_a)
    first = _post(a, url, page_a, "load:owner:1")
    assert first.status_code == 302
    refused = _post(b, url, page_b, "load:lisi:1")
    assert refused.status_code == 200 and STALE_MESSAGE in refused.content.decode()
    # The second filer loads the editor again and saves from version 2: accepted.
    again = _post(b, url, editor_form(b.get(url).content.decode()), "load:lisi:2")
    assert again.status_code == 302
    project.refresh_from_db()
    assert (project.fund_use, project.version) == ("load:lisi:2", 3)
    # Every indicator row survived the round trip unchanged.
    assert [row.target for row in project.indicators.all()] == ["17人", "≥95%"]

    records = [
        {"user": "owner", "table": project.pk, "marker": "load:owner:1", "loaded_version": 1,
         "outcome": "accepted"},
        {"user": "lisi", "table": project.pk, "marker": "load:lisi:1", "loaded_version": 1,
         "outcome": "stale"},
        {"user": "lisi", "table": project.pk, "marker": "load:lisi:2", "loaded_version": 2,
         "outcome": "accepted"},
    ]  # fmt: skip
    partners = {"owner": "lisi", "lisi": "owner"}
    verdict = verify_saves(*_saves_and_stored(project, records), partners)
    assert verdict.ok, verdict.problems
    assert (verdict.accepted, verdict.refused, verdict.rightly_refused) == (2, 1, 1)


def _save(user: str, marker: str, loaded: int, outcome: str, table: int = 7) -> dict:
    return {"user": user, "table": table, "marker": marker, "loaded_version": loaded,
            "outcome": outcome}  # fmt: skip


def test_the_verification_reports_a_lost_save():
    saves = [_save("a", "m1", 1, "accepted"), _save("a", "m2", 2, "accepted")]
    stored = [StoredSave(7, 2, "a", "m1")]
    verdict = verify_saves(saves, stored, {7: 2}, {"a": ""})
    assert not verdict.ok
    assert any("m2" in problem and "lost" in problem for problem in verdict.problems)


def test_the_verification_reports_a_stale_refusal_where_nobody_else_saved():
    # A filer alone on their table is refused: wrong, whatever the versions say.
    saves = [_save("a", "m1", 1, "accepted"), _save("a", "m2", 1, "stale")]
    stored = [StoredSave(7, 2, "a", "m1")]
    verdict = verify_saves(saves, stored, {7: 2}, {"a": ""})
    assert [p for p in verdict.problems if "m2" in p and "refused" in p]
    # Of a pair, refused although the partner saved nothing after the loaded version.
    saves = [_save("a", "m1", 1, "accepted"), _save("b", "n1", 2, "stale")]
    verdict = verify_saves(saves, stored, {7: 2}, {"a": "b", "b": "a"})
    assert [p for p in verdict.problems if "n1" in p]
    assert verdict.rightly_refused == 0


def test_the_verification_reports_a_stored_refusal_and_a_gap_in_versions():
    saves = [_save("a", "m1", 1, "accepted"), _save("b", "n1", 1, "stale")]
    stored = [StoredSave(7, 2, "a", "m1"), StoredSave(7, 4, "b", "n1")]
    problems = verify_saves(saves, stored, {7: 4}, {"a": "b", "b": "a"}).problems
    assert any("n1 was stored" in p for p in problems)
    assert any("versions [2, 4]" in p for p in problems)


def test_the_figures_count_requests_started_in_the_window_and_their_percentiles():
    requests = [
        {"name": "editor", "start": 10.0 + i, "ms": float(i * 10), "error": ""} for i in range(20)
    ]
    requests.append({"name": "save", "start": 5.0, "ms": 9999.0, "error": ""})  # before
    requests.append({"name": "save", "start": 29.0, "ms": 1.0, "error": "500"})
    requests.append({"name": "scenario", "start": 12.0, "ms": 0.0, "error": "KeyError"})
    result = figures(requests, (10.0, 30.0))
    assert (result.requests, result.errors) == (21, 2)
    assert result.per_second == pytest.approx(21 / 20)
    assert result.by_name["editor"] == (20, 90.0, 180.0)
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.0


def test_the_database_cpu_counts_each_backend_from_the_window_start_even_after_it_ended(
    monkeypatch,
):
    from bench.load import DatabaseCpu

    samples = iter([{1: 5.0}, {1: 7.0, 2: 1.5}, {2: 2.0}])  # backend 1 ends, 2 starts
    monkeypatch.setattr(DatabaseCpu, "_backends", lambda self: next(samples))
    database = DatabaseCpu("postgres://postgres@127.0.0.1:5432/budgetapp_load")
    assert database.marker == " budgetapp_load "
    assert database.sample() == pytest.approx(2.0 + 1.5)
    assert database.sample() == pytest.approx(2.0 + 2.0)


# --- The host's speed beside every run (bench/probe.py), and Redis for the server ------------


def test_the_probe_times_a_fixed_loop_in_cpu_seconds():
    from bench.probe import probe, probe_line

    seconds = probe(200_000)
    assert isinstance(seconds, float) and seconds > 0
    # More additions, more time: it times the loop, not a constant.
    assert probe(2_000_000) > seconds
    assert probe_line(0.704, 1.1) == "probe before/after: 0.70 s / 1.10 s"


def _load_report(options, probes=(0.61, 0.74)) -> None:
    from bench.load import report
    from bench.load_check import Figures, Verdict

    figures_ = Figures(requests=10, seconds=2.0, errors=0, p50_ms=50.0, p95_ms=90.0)
    report(options, "filers only", figures_, Verdict(accepted=4), (0.5, 0.4, 0.3), 0.9,
           (1.0, 2.0, 0.1, 3.0), "", probes)  # fmt: skip


def test_the_load_test_prints_the_probe_of_each_run(capsys):
    from bench.load import compare, parse_args
    from bench.load_check import Figures

    options = parse_args(["--duration", "5"])
    _load_report(options)
    printed = capsys.readouterr().out
    assert "probe before/after: 0.61 s / 0.74 s" in printed
    assert "REDIS_URL unset" in printed
    # --compare-city-export: the two runs' probes beside the ratios.
    alone = Figures(requests=100, seconds=2.0, errors=0, p50_ms=50.0, p95_ms=90.0)
    exporting = Figures(requests=95, seconds=2.0, errors=0, p50_ms=55.0, p95_ms=99.0)
    compare(alone, exporting, ((0.6, 0.7), (0.8, 0.9)))
    printed = capsys.readouterr().out
    assert "filers only: probe before/after: 0.60 s / 0.70 s" in printed
    assert "with the city export: probe before/after: 0.80 s / 0.90 s" in printed
    assert "throughput 0.95×" in printed


def _started_gunicorn(monkeypatch, tmp_path, args: list[str]) -> tuple[list[str], dict]:
    """The command and environment bench/load.py starts gunicorn with (nothing started)."""
    from bench import load

    started: dict = {}

    class Process:
        pid = 4242

        def __init__(self, command, **kwargs):
            started.update(command=command, env=kwargs["env"])

        def poll(self):
            return None

    class Answer:
        status = 200

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(load.subprocess, "Popen", Process)
    monkeypatch.setattr(load.urllib.request, "urlopen", lambda url, timeout: Answer())
    options = load.parse_args(args)
    env = load.server_env("postgres://postgres@127.0.0.1:5432/budgetapp_load", tmp_path, options)
    load.start_server(env, options, tmp_path)
    return started["command"], started["env"]


def test_the_load_test_gives_gunicorn_redis_only_when_asked(monkeypatch, tmp_path):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/9")  # the shell's, not asked for
    command, env = _started_gunicorn(monkeypatch, tmp_path, [])
    assert command[1:3] == ["-m", "gunicorn"] and "budgetapp.wsgi" in command
    assert "REDIS_URL" not in env
    command, env = _started_gunicorn(monkeypatch, tmp_path, ["--redis", "redis://127.0.0.1:6379/3"])
    assert env["REDIS_URL"] == "redis://127.0.0.1:6379/3"
    assert env["DATABASE_URL"].endswith("/budgetapp_load") and env["DEBUG"] == "false"


def test_the_page_benchmark_prints_the_probe_and_passes_redis(capsys, tmp_path):
    from bench import pages

    options = pages.parse_args(["--redis", "redis://127.0.0.1:6379/3", "--requests", "2"])
    env = pages._environment("postgres://x@127.0.0.1/db", tmp_path, 8000, options.redis)
    assert env["REDIS_URL"] == "redis://127.0.0.1:6379/3"
    floor = pages.Result("floor", "hello-world floor", times=[0.001, 0.002], cpu=[0.001])
    table = pages.Result("table", "table page", times=[0.015, 0.018], queries="14")
    plan = pages.Plan(accounts={}, project=1, rows=20, city_region=1, province_region=1, unit=1,
                      year=2026, published=("project", 1), summary="tiny")  # fmt: skip
    options.workers, options.warmup, options.probes = 2, 1, (0.62, 0.75)
    pages._print([floor, table], plan, options, (1.0, 1.0, 1.0), (1.2, 1.0, 1.0))
    printed = capsys.readouterr().out
    assert "probe before/after: 0.62 s / 0.75 s" in printed
    assert "REDIS_URL set" in printed and "| table page | 14 |" in printed
