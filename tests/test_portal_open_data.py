"""The portal's open data, search, feeds and unit-year downloads, all from frozen versions."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from budgetapp.exports.models import Publication
from budgetapp.portal.open_data import SCHEMA, snapshot_from_csv
from budgetapp.review import services
from budgetapp.targets.models import DepartmentTable, ProjectTable

from .conftest import pdf_text, publish

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def published(users, project):
    return publish(project, users)


def _get(client, name, *args, **query):
    return client.get(reverse(f"portal:{name}", args=args), query)


def test_json_is_the_frozen_snapshot_with_its_metadata(client, published):
    ProjectTable.objects.filter(pk=published.pk).update(name="发布后改名")
    response = _get(client, "table_download", "project", published.pk, "json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    version = Publication.objects.get()
    assert data["schema"] == SCHEMA
    assert data["snapshot"] == version.data
    assert data["table"] == {
        "kind": "project",
        "title": published.title,
        "unit_code": "762001",
        "unit_name": "山海关区残联本级",
        "region": "河北省 秦皇岛市 山海关区",
        "year": 2021,
        "version": 1,
        "published_at": version.published_at.isoformat(),
        "correction_note": "",
    }
    assert "发布后改名" not in response.content.decode()


def test_csv_holds_exactly_the_frozen_snapshot(client, published):
    response = _get(client, "table_download", "project", published.pk, "csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffsection,position,id,field,label,value")
    assert snapshot_from_csv(text) == Publication.objects.get().data
    assert "保障正常办公人数" in text and "≥95%" in text


def test_csv_of_a_department_table_with_its_project_lines(client, users, project):
    department = DepartmentTable.objects.create(
        unit=project.unit, year=project.year, framework=project.framework, overall_goal="目标"
    )
    for table in (project, department):
        services.submit_table(table=table, user=users["owner"])
        services.approve_table(table=table, user=users["reviewer"])
    services.publish_unit(unit=project.unit, year=project.year, user=users["reviewer"])
    version = Publication.objects.get(kind="department")
    assert [line["name"] for line in version.data["projects"]] == [project.name]
    text = _get(client, "table_download", "department", department.pk, "csv").content.decode()
    assert snapshot_from_csv(text) == version.data


@pytest.mark.parametrize(
    "query", ["山海关区残联本级", "762001", "秦皇岛", "山海关区", "HRAXGII0", "就业服务"]
)
def test_search_by_unit_region_code_and_name(client, published, query):
    html = _get(client, "search", q=query).content.decode()
    assert published.title in html, query


def test_search_reads_frozen_names_only(client, published):
    ProjectTable.objects.filter(pk=published.pk).update(name="改名之后", code="NEWCODE123")
    assert "没有找到" in _get(client, "search", q="改名之后").content.decode()
    assert "没有找到" in _get(client, "search", q="NEWCODE123").content.decode()
    assert published.title in _get(client, "search", q="HRAXGII0").content.decode()


def _parse_atom(response) -> ET.Element:
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None, required
    assert root.find(f"{ATOM}link") is not None
    return root


def test_atom_feeds_of_all_regions_and_of_one(client, users, published, tree):
    root = _parse_atom(_get(client, "feed"))
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    entry = entries[0]
    for required in ("id", "title", "updated", "link"):
        assert entry.find(f"{ATOM}{required}") is not None, required
    assert published.name in entry.find(f"{ATOM}title").text
    link = entry.find(f"{ATOM}link").get("href")
    assert link.startswith("http://testserver/public/tables/project/")
    assert client.get(link.removeprefix("http://testserver")).status_code == 200
    region = tree["own"].region
    assert len(_parse_atom(_get(client, "region_feed", region.pk)).findall(f"{ATOM}entry")) == 1
    city = region.parent
    assert len(_parse_atom(_get(client, "region_feed", city.pk)).findall(f"{ATOM}entry")) == 1
    # A region with nothing published has no feed.
    assert _get(client, "region_feed", tree["other"].region.pk).status_code == 404


def test_unit_year_page_offers_the_book_and_a_zip_of_the_stored_files(client, published):
    page = _get(client, "unit_year", published.unit.pk, 2021)
    html = page.content.decode()
    assert page.status_code == 200 and html.count("<h1") == 1
    assert reverse("portal:book_zip", args=[published.unit.pk, 2021]) in html
    assert reverse("portal:book_download", args=[published.unit.pk, 2021, "pdf"]) in html
    response = _get(client, "book_zip", published.unit.pk, 2021)
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert sorted(name.rsplit(".", 1)[1] for name in names) == ["pdf", "xlsx"]
    version = Publication.objects.get()
    for name in names:
        stored = version.files.get(fmt=name.rsplit(".", 1)[1])
        with stored.file.open("rb") as handle:
            assert archive.read(name) == handle.read()
    assert published.name in pdf_text(archive.read(next(n for n in names if n.endswith("pdf"))))
    assert _get(client, "unit_year", published.unit.pk, 2020).status_code == 404
    assert _get(client, "book_zip", published.unit.pk, 2020).status_code == 404


def test_new_portal_pages_have_one_h1_and_answer_reads_only(client, published):
    urls = [
        reverse("portal:unit_year", args=[published.unit.pk, 2021]),
        reverse("portal:table", args=["project", published.pk]),
        reverse("portal:version", args=["project", published.pk, 1]),
        reverse("portal:search") + "?q=762001",
    ]
    for url in urls:
        html = client.get(url).content.decode()
        assert html.count("<h1") == 1, url
        assert client.post(url).status_code == 405, url
    assert client.post(reverse("portal:feed")).status_code == 405
    assert _get(client, "version", "project", published.pk, 2).status_code == 404


def test_tampered_file_is_refused_and_repaired_by_verify(client, published, caplog):
    version = Publication.objects.get()
    record = version.files.get(fmt="pdf")
    path = record.file.path
    with open(path, "ab") as handle:
        handle.write(b"tampered")
    url = reverse("portal:table_download", args=["project", published.pk, "pdf"])

    response = client.get(url)

    assert response.status_code == 503
    assert "未通过完整性校验" in response.content.decode()
    assert "does not match its SHA-256" in caplog.text
    assert _get(client, "book_zip", published.unit.pk, 2021).status_code == 503
    out = StringIO()
    call_command("store_published_files", "--verify", "--dry-run", stdout=out)
    assert "校验失败" in out.getvalue() and version.files.count() == 2
    out = StringIO()
    call_command("store_published_files", "--verify", stdout=out)
    assert "已重新生成" in out.getvalue()
    repaired = client.get(url)
    assert repaired.status_code == 200
    assert published.name in pdf_text(repaired.content)
    assert version.files.filter(fmt="pdf").count() == 2  # the broken record stays on record
    out = StringIO()
    call_command("store_published_files", "--verify", stdout=out)
    assert "均与公开时的 SHA-256 一致" in out.getvalue()


def test_a_missing_file_is_refused_and_rendered_again(client, published):
    record = Publication.objects.get().files.get(fmt="xlsx")
    record.file.storage.delete(record.file.name)
    url = reverse("portal:table_download", args=["project", published.pk, "xlsx"])
    assert client.get(url).status_code == 503
    call_command("store_published_files", "--verify", stdout=StringIO())
    assert client.get(url).status_code == 200
