"""What the 绩效自评 tab of 审核工作台 shows: for one year, every project that can be
self-evaluated in the user's units, with its self-evaluation's score, grade and state (or 未开始)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q

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
    units: list[UnitLines]
    states: list[tuple[str, int]]  # (状态, number of projects), 未开始 first
    grades: list[tuple[str, int]]  # (等级, number of self-evaluations)
    project_count: int


def evaluation_overview(user: User | AnonymousUser, year: BudgetYear) -> EvaluationOverview:
    tables = (
        ProjectTable.objects.filter(unit__in=units_visible_to(user), year=year)
        .filter(Q(status__in=EVALUATED_STATES) | Q(self_evaluation__isnull=False))
        .select_related("unit", "self_evaluation")
        .order_by("unit__region__path", "unit__name", "sequence", "pk")
    )
    units: dict[int, UnitLines] = {}
    states: Counter[str] = Counter()
    grades: Counter[str] = Counter()
    count = 0
    for table in tables:
        evaluation = getattr(table, "self_evaluation", None)
        line = ProjectLine(table, evaluation)
        units.setdefault(table.unit_id, UnitLines(table.unit)).lines.append(line)
        states[line.state_label] += 1
        if evaluation is not None and evaluation.grade:
            grades[evaluation.grade] += 1
        count += 1
    order = [NOT_STARTED] + [label for _, label in Status.choices]
    return EvaluationOverview(
        units=list(units.values()),
        states=[(label, states[label]) for label in order if states[label]],
        grades=[
            (grade, grades[grade])
            for grade in (GradeLevel.EXCELLENT, GradeLevel.GOOD, GradeLevel.FAIR, GradeLevel.POOR)
        ],
        project_count=count,
    )
