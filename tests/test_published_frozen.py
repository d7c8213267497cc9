"""Published means frozen: nothing edited, renamed or drafted after publication reaches the
public, in any layout, through any page, search result, feed or file an anonymous reader can
reach (every URL reachable from the portal's index is crawled)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from decimal import Decimal
from html.parser import HTMLParser

import openpyxl
import pytest
from django.urls import reverse

from budgetapp.exports.models import Publication
from budgetapp.review import services
from budgetapp.targets.models import (
    DepartmentIndicator,
    DepartmentTable,
    ProjectIndicator,
    ProjectTable,
    Status,
)
from budgetapp.units.models import LayoutFamily

from .conftest import pdf_text

MARKER = "机密草稿项目"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        href = dict(attrs).get("href") if tag in ("a", "link") else None
        if href and href.startswith("/public/"):
            self.links.append(href.split("#")[0])


def _text_of(response) -> tuple[str, list[str]]:
    """The readable text of a response and the portal links in it."""
    content = response.content
    kind = response["Content-Type"]
    if kind.startswith("text/html"):
        parser = _Links()
        parser.feed(content.decode())
        return content.decode(), parser.links
    if kind == "application/pdf":
        return pdf_text(content), []
    if kind.startswith("application/vnd.openxmlformats"):
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        cells = [
            str(cell.value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        ]
        cells += [str(sheet.title) for sheet in workbook.worksheets]
        return "\n".join(cells), []
    if kind == "application/zip":
        archive = zipfile.ZipFile(io.BytesIO(content))
        texts = []
        for name in archive.namelist():
            data = archive.read(name)
            texts.append(name)
            texts.append(pdf_text(data) if name.endswith(".pdf") else _xlsx_text(data))
        return "\n".join(texts), []
    if kind.startswith("application/atom+xml"):
        links = re.findall(r'href="https?://[^/]+(/public/[^"]*)"', content.decode())
        return content.decode(), links
    return content.decode("utf-8-sig"), []


def _xlsx_text(data: bytes) -> str:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(
        str(cell.value) for s in workbook.worksheets for r in s.iter_rows() for cell in r
    )


def crawl(client, *extra: str) -> dict[str, str]:
    """Every portal URL reachable from the index (and `extra` ones): URL → its text."""
    seen: dict[str, str] = {}
    queue = [reverse("portal:index"), reverse("portal:feed"), *extra]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        seen[url], links = _text_of(response)
        queue += [link for link in links if link not in seen]
    return seen


def _approve(table, users) -> None:
    services.submit_table(table=table, user=users["owner"])
    table.refresh_from_db()
    services.approve_table(table=table, user=users["reviewer"])


def _project(unit, year, name, sequence, **extra) -> ProjectTable:
    fields = {"budget_total": Decimal("1000.00"), "fund_use": "公开的资金用途", **extra}
    return ProjectTable.objects.create(
        unit=unit,
        year=year,
        framework=year.framework,
        money_unit="元",
        sequence=sequence,
        name=name,
        **fields,
    )


LAYOUTS = [LayoutFamily.HEBEI, LayoutFamily.GUANGDONG, LayoutFamily.HUBEI]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_nothing_edited_after_publication_reaches_the_public(
    client, users, tree, year, category, layout
):
    unit = tree["own"]
    unit.layout_override = layout
    unit.save()
    department = DepartmentTable.objects.create(
        unit=unit,
        year=year,
        framework=year.framework,
        overall_goal="公开的总体目标",
        functions="公开的部门职能",
    )
    DepartmentIndicator.objects.create(
        table=department,
        order=1,
        goal_no=1,
        level1=category("产出指标"),
        level2=category("产出指标", "数量指标"),
        name="公开的部门指标",
        target="≥10人",
    )
    public = _project(unit, year, "公开的康复项目", 1, code="PUBLICCODE001")
    ProjectIndicator.objects.create(
        table=public,
        order=1,
        level1=category("产出指标"),
        level2=category("产出指标", "数量指标"),
        name="公开的项目指标",
        target="≥5人",
    )
    draft = _project(unit, year, "尚在起草的项目", 2)
    approved_only = _project(unit, year, "另一个项目", 3)
    _approve(public, users)
    _approve(department, users)
    # Published partly: the project and the department table; one project stays a draft.
    services.publish_unit(unit=unit, year=year, user=users["reviewer"])
    _approve(approved_only, users)  # approved later, not published
    table_url = reverse("portal:table", args=["department", department.pk])
    before = client.get(table_url).content

    # Afterwards: a draft renamed to the marker, the approved-only one too, a new draft with
    # the marker, and the published tables' live rows rewritten behind the workflow's back.
    ProjectTable.objects.filter(pk=draft.pk).update(
        name=MARKER, budget_total=Decimal("123456.78"), fund_use=MARKER
    )
    ProjectTable.objects.filter(pk=approved_only.pk).update(name=f"{MARKER}2")
    _project(unit, year, f"新{MARKER}", 4, code="MARKERCODE", fund_use=MARKER)
    ProjectTable.objects.filter(pk=public.pk).update(name=f"{MARKER}3", fund_use=MARKER)
    DepartmentTable.objects.filter(pk=department.pk).update(
        overall_goal=MARKER, functions=MARKER, filler_name=MARKER
    )
    ProjectIndicator.objects.filter(table=public).update(name=MARKER, target=MARKER)
    DepartmentIndicator.objects.filter(table=department).update(name=MARKER)
    ProjectIndicator.objects.create(
        table=public, order=2, level1=category("产出指标"), name=MARKER, target="1人"
    )
    # And a published table reopened for a correction and edited: public until republished.
    services.reopen_table(table=public, user=users["admin"], reason="更正资金用途")

    assert client.get(table_url).content == before
    searches = [
        reverse("portal:search") + f"?q={query}"
        for query in (MARKER, "机密", "MARKERCODE", unit.name, "山海关区", "PUBLICCODE001")
    ]
    pages = crawl(client, *searches)
    assert len(pages) > 12  # pages, files, open data and feeds were all reached
    kinds = {url.rsplit("/", 2)[-2] for url in pages if "/download/" in url}
    assert {"pdf", "xlsx", "csv", "json"} <= kinds
    assert any(url.endswith("/zip/") for url in pages)
    for url, text in pages.items():
        if "/search/" in url:  # the page repeats the query; its results must not
            text = text.split('data-role="results"')[1].split("</ul>")[0]
        assert MARKER not in text, url
        assert "123456.78" not in text and "123,456.78" not in text, url
        assert "MARKERCODE" not in text, url
        assert "草稿" not in text, url  # published files never carry the draft mark
    # What was published is there, in every layout.
    department_page = pages[table_url]
    if layout == LayoutFamily.HUBEI:
        # The 项目支出情况 lists the project published with it, never the draft or the
        # approved-only one.
        assert "公开的康复项目" in department_page
        assert "尚在起草的项目" not in department_page and "另一个项目" not in department_page
    assert "公开的康复项目" in pages[reverse("portal:table", args=["project", public.pk])]
    # Search finds only frozen data.
    for query in (MARKER, "MARKERCODE"):
        assert (
            "没有找到已公开的表"
            in client.get(reverse("portal:search"), {"q": query}).content.decode()
        )


def test_the_hubei_department_lists_only_public_projects_in_its_stored_files(
    client, users, tree, year
):
    # Issue 13 §1 as reported: the department table printed every project of the unit.
    unit = tree["own"]
    unit.layout_override = LayoutFamily.HUBEI
    unit.save()
    department = DepartmentTable.objects.create(unit=unit, year=year, framework=year.framework)
    draft = _project(unit, year, "起草中", 1)
    _approve(department, users)
    services.publish_table(table=department, user=users["reviewer"])
    ProjectTable.objects.filter(pk=draft.pk).update(name=MARKER, budget_total=Decimal("123456.78"))

    version = Publication.objects.get()
    assert version.data["projects"] == []
    for fmt in ("pdf", "xlsx"):
        response = client.get(
            reverse("portal:table_download", args=["department", department.pk, fmt])
        )
        text = _text_of(response)[0]
        assert "起草中" not in text and MARKER not in text and "123,456.78" not in text
    page = client.get(reverse("portal:table", args=["department", department.pk]))
    assert MARKER not in page.content.decode() and "项目支出情况" in page.content.decode()


def test_a_published_version_cannot_be_changed(users, project):
    services.submit_table(table=project, user=users["owner"])
    services.approve_table(table=project, user=users["reviewer"])
    services.publish_table(table=project, user=users["reviewer"])
    version = Publication.objects.get()
    version.title = "改过"
    with pytest.raises(ValueError, match="不可修改"):
        version.save()
    assert Publication.objects.get().title == project.title
    assert json.dumps(version.document, ensure_ascii=False).count(project.name) >= 1
    assert ProjectTable.objects.get(pk=project.pk).status == Status.PUBLISHED
