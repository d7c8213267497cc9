"""历史版本: every save of a table listed on its page, each old version readable in the
official layout it printed in, with what changed (issue 12)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from budgetapp.targets.models import Revision

from .conftest import login
from .forms_data import existing_rows, project_post
from .test_access import READ_EXPECTED


@pytest.fixture
def edited(client, users, project, category):
    """The owner saved the table twice: renamed, then a new budget."""
    login(client, users["owner"])
    url = reverse("targets:project_edit", args=[project.pk])
    for change in ({"name": "第一次改名"}, {"name": "第一次改名", "budget_total": "120000"}):
        project.refresh_from_db()
        data = project_post(table=project, indicators=existing_rows(project, category), **change)
        assert client.post(url, data).status_code == 302
    client.logout()
    project.refresh_from_db()
    return project


def _revision_url(table, version):
    return reverse("review:revision", args=["project", table.pk, version])


def test_the_table_page_lists_every_saved_version(client, users, edited):
    versions = list(Revision.of(edited).order_by("version").values_list("version", flat=True))
    assert len(versions) == 3  # the loaded table's baseline, then the two saves
    page = login(client, users["reviewer"]).get(edited.get_absolute_url()).content.decode()
    section = page.split('data-role="revisions"')[1].split("</section>")[0]
    for version in versions:
        assert _revision_url(edited, version) in section
    assert "编辑" in section and "owner" in section and "原有版本" in section
    assert "修改 1 处字段" in section  # the second save changed the budget only


def test_an_old_version_reads_in_the_layout_it_had(client, users, edited):
    first, renamed, latest = Revision.of(edited).order_by("version")
    login(client, users["owner"])

    page = client.get(_revision_url(edited, first.version)).content.decode()
    assert page.count("<h1") == 1
    old = page.split('data-role="revision-layout"')[1].split("</aside>")[0]
    assert "残疾人就业服务中心运转经费" in old and "第一次改名" not in old
    assert "110,000.00" in old
    assert "这是记录中的第一个版本" in old

    middle = client.get(_revision_url(edited, renamed.version)).content.decode()
    layout = middle.split('data-role="revision-layout"')[1].split("</aside>")[0]
    assert "第一次改名" in layout and "110,000.00" in layout and "120,000.00" not in layout
    changes = middle.split('data-role="changes"')[1]
    assert "<del>残疾人就业服务中心运转经费</del>" in changes and "<ins>第一次改名</ins>" in changes
    # Only the changed cell is highlighted in the layout, as in the submissions' diff.
    changed = re.findall(r'<td class="[^"]*cell-changed[^"]*"[^>]*>([^<]*)<', layout)
    assert "第一次改名" in changed and "110,000.00" not in changed


def test_an_old_revision_without_a_layout_shows_its_changes_with_a_note(client, users, edited):
    renamed = Revision.of(edited).order_by("version")[1]
    Revision.objects.filter(pk=renamed.pk).update(layout=None)  # saved before layouts were kept
    page = login(client, users["owner"]).get(_revision_url(edited, renamed.version))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-role="no-layout"' in html and "无法按官方版式显示" in html
    assert "<ins>第一次改名</ins>" in html
    listing = client.get(edited.get_absolute_url()).content.decode()
    assert "仅有字段记录" in listing


@pytest.mark.parametrize(("who", "expected"), READ_EXPECTED.items())
def test_old_versions_are_access_checked_like_the_table(client, users, edited, who, expected):
    version = Revision.of(edited).order_by("version").first().version
    login(client, users[who])
    assert client.get(_revision_url(edited, version)).status_code == expected


def test_anonymous_is_sent_to_log_in_and_unknown_versions_are_404(client, users, edited):
    url = _revision_url(edited, 1)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    login(client, users["owner"])
    assert client.get(_revision_url(edited, 99)).status_code == 404
    assert client.post(_revision_url(edited, edited.version)).status_code == 405


def test_each_save_keeps_the_layout_as_json(edited):
    latest = Revision.of(edited).order_by("-version").first()
    assert latest.layout["title"] == edited.title
    assert any(block["type"] == "grid" for block in latest.layout["blocks"])
