"""Atom feeds of new publications (corrections included): all regions, or one region's."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from budgetapp.exports.models import Publication
from budgetapp.units.models import Region

from . import selectors


def version_url(publication: Publication) -> str:
    return reverse(
        "portal:version", args=[publication.kind, publication.object_id, publication.number]
    )


def entry_title(publication: Publication) -> str:
    title = f"{publication.unit_name} {publication.year.year}年 {publication.title}"
    return f"{title}（更正，第{publication.number}版）" if publication.number > 1 else title


def build_feed(request: HttpRequest, region: Region | None) -> Atom1Feed:
    here = request.build_absolute_uri
    if region is None:
        title, page, feed = "残联预算绩效目标公开：最新公开", "portal:index", "portal:feed"
        page_url, feed_url = here(reverse(page)), here(reverse(feed))
    else:
        title = f"残联预算绩效目标公开：{region.name}最新公开"
        page_url = here(reverse("portal:region", args=[region.pk]))
        feed_url = here(reverse("portal:region_feed", args=[region.pk]))
    atom = Atom1Feed(
        title=title,
        link=page_url,
        description=title,
        language="zh-CN",
        feed_url=feed_url,
        feed_guid=feed_url,
    )
    for publication in selectors.feed_entries(region):
        url = here(version_url(publication))
        summary = f"{publication.region_names} · {publication.unit_name}"
        if publication.correction_note:
            summary += f"。更正说明：{publication.correction_note}"
        atom.add_item(
            title=entry_title(publication),
            link=url,
            description=summary,
            unique_id=url,
            pubdate=publication.published_at,
            updateddate=publication.published_at,
            author_name=publication.unit_name,
        )
    return atom
