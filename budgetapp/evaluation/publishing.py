"""Publishing a self-evaluation (决算公开): frozen like a target table, its files stored with it.

The city's reviewer publishes an approved self-evaluation (`publish_evaluation`, through
review's workflow); what the public sees from then on is the `Publication` written here and the
PDF/Excel rendered from it, never the live rows. The POST is exports' generic stage publishing
(`exports.stages.stage_publish`), to which `books.EVALUATION_STAGE` hands this service.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from budgetapp.exports import published
from budgetapp.exports.frozen import search_text
from budgetapp.exports.models import Publication
from budgetapp.layouts.document import document_to_json
from budgetapp.review import stage_workflow
from budgetapp.review.models import Transition

from .layout import evaluation_document
from .models import SelfEvaluation
from .services import serialize_evaluation


def _label(name: str) -> str:
    return str(getattr(SelfEvaluation._meta.get_field(name), "verbose_name", name))


def evaluation_snapshot(evaluation: SelfEvaluation) -> dict[str, Any]:
    """The published data of a self-evaluation, shaped as the target tables' snapshots
    (kind, version, fields with labels, rows by section) so open data reads it the same way."""
    saved = serialize_evaluation(evaluation, [])["fields"]
    fields = {"project": evaluation.table.name, "unit": evaluation.unit.name, **saved}
    labels = {"project": "项目名称", "unit": "实施单位"}
    labels.update({name: _label(name) for name in saved})
    rows = [
        {
            "id": row.pk,
            "level1": row.level1,
            "level2": row.level2,
            "name": row.name,
            "target": row.target,
            "actual": row.actual,
            "weight": str(row.weight),
            "score": str(row.score),
            "analysis": row.analysis,
        }
        for row in evaluation.rows.all()
    ]
    return {
        "kind": "evaluation",
        "version": evaluation.version,
        "fields": fields,
        "labels": labels,
        "rows": {"indicators": rows},
    }


def freeze_evaluation(evaluation: SelfEvaluation, user: User | None) -> Publication:
    """Keep the self-evaluation as printed now as its next published version; after a reopen,
    the reasons given become its 更正说明 and the earlier versions stay as they were."""
    content_type = ContentType.objects.get_for_model(evaluation)
    previous = Publication.objects.filter(content_type=content_type, object_id=evaluation.pk)
    last = previous.order_by("-number").first()
    table = evaluation.table
    searched = {
        "title": evaluation.title,
        "project_code": table.code,
        "project_name": table.name,
        "unit_name": evaluation.unit.name,
        "region_names": " ".join(region.name for region in evaluation.unit.region.ancestors()),
    }
    return Publication.objects.create(
        content_type=content_type,
        object_id=evaluation.pk,
        kind="evaluation",
        unit=evaluation.unit,
        year=evaluation.year,
        number=previous.count() + 1,
        label=f"{table.sequence}.{table.name}自评" if table.sequence else f"{table.name}自评",
        sequence=table.sequence,
        unit_code=evaluation.unit.code,
        search_text=search_text(searched),
        **searched,
        document=document_to_json(evaluation_document(evaluation)),
        data=evaluation_snapshot(evaluation),
        published_at=timezone.now(),
        published_by=user,
        correction_note=stage_workflow.correction_note(
            evaluation, last.published_at if last else None
        ),
    )


def publish_evaluation(
    *, evaluation: SelfEvaluation, user: User, ip: str | None = None
) -> Transition:
    """Publish an approved self-evaluation: the state change, the frozen version and its stored
    PDF/Excel in one transaction (a failed render publishes nothing)."""
    with published.publishing() as stored:

        def freeze(sheet: SelfEvaluation, actor: User) -> None:
            version = freeze_evaluation(sheet, actor)
            stored.extend(published.store_table_files(publication=version, user=actor))

        return stage_workflow.publish(sheet=evaluation, user=user, freeze=freeze, ip=ip)


def publish(*, sheet: SelfEvaluation, user: User, ip: str | None = None) -> Transition:
    """`publish_evaluation` as exports' generic stage publishing calls it."""
    return publish_evaluation(evaluation=sheet, user=user, ip=ip)
