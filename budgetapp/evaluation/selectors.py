"""What the 绩效自评 tab of 审核工作台 shows: for one year, every project that can be
self-evaluated in the user's units, with its self-evaluation's score, grade and state (or 未开始)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet

from budgetapp.targets.models import ProjectTable, Status
from budgetapp.units.access import units_visible_to
from budgetapp.units.models import BudgetYear, Unit

from .models import SelfEvaluation
from .scoring import GradeLevel
from .services import EVALUATED_STATES

NOT_STARTED = "未开始"


@dataclass
class ProjectLine:
    table: ProjectTable
    evaluation: SelfEvaluation | None

    @property
    def state_label(self) -> str:
        return self.evaluation.get_status_display() if self.evaluation else NOT_STARTED


@dataclass
class UnitLines:
    unit: Unit
    lines: list[ProjectLine] = field(default_factory=list)


@dataclass
class EvaluationOverview:
    units: list[UnitLines]  # the units of one page (all of them without a page)
    states: list[tuple[str, int]]  # (状态, number of projects), 未开始 first; the whole set
    grades: list[tuple[str, int]]  # (等级, number of self-evaluations); the whole set
    project_count: int
    unit_count: int


GRADES = (GradeLevel.EXCELLENT, GradeLevel.GOOD, GradeLevel.FAIR, GradeLevel.POOR)


def evaluated_tables(user: User | AnonymousUser, year: BudgetYear) -> QuerySet[ProjectTable]:
    """The project tables of the user's units that can be (or were) self-evaluated."""
    return ProjectTable.objects.filter(unit__in=units_visible_to(user), year=year).filter(
        Q(status__in=EVALUATED_STATES) | Q(self_evaluation__isnull=False)
    )


def evaluated_units(user: User | AnonymousUser, year: BudgetYear) -> QuerySet[Unit]:
    """The units with such a table, in the order of the region tree (a page at a time: an
    administrator's year has the whole country's)."""
    tables = evaluated_tables(user, year)
    return Unit.objects.filter(pk__in=tables.values("unit_id")).order_by(
        "region__path", "name", "pk"
    )


def evaluation_overview(
    user: User | AnonymousUser, year: BudgetYear, units: Sequence[Unit] | None = None
) -> EvaluationOverview:
    """The figures of every such table (one query) and the lines of `units` (all when None)."""
    tables = evaluated_tables(user, year)
    figures = tables.aggregate(
        projects=Count("pk"),
        units=Count("unit", distinct=True),
        not_started=Count("pk", filter=Q(self_evaluation__isnull=True)),
        **{
            f"state_{key}": Count("pk", filter=Q(self_evaluation__status=key))
            for key, _ in Status.choices
        },
        **{
            f"grade_{number}": Count("pk", filter=Q(self_evaluation__grade=grade))
            for number, grade in enumerate(GRADES)
        },
    )
    lines = tables.select_related("unit", "self_evaluation").order_by(
        "unit__region__path", "unit__name", "unit_id", "sequence", "pk"
    )
    if units is not None:
        lines = lines.filter(unit__in=[unit.pk for unit in units])
    grouped: dict[int, UnitLines] = {}
    for table in lines:
        line = ProjectLine(table, getattr(table, "self_evaluation", None))
        grouped.setdefault(table.unit_id, UnitLines(table.unit)).lines.append(line)
    states = [(NOT_STARTED, figures["not_started"])]
    states += [(label, figures[f"state_{key}"]) for key, label in Status.choices]
    return EvaluationOverview(
        units=list(grouped.values()),
        states=[(label, count) for label, count in states if count],
        grades=[(grade, figures[f"grade_{number}"]) for number, grade in enumerate(GRADES)],
        project_count=figures["projects"],
        unit_count=figures["units"],
    )
