"""What a monitoring sheet must hold before it is submitted, in the filer's words.

Each problem names its row (第3行 …) so the filer finds it. These are the stage's own checks;
they run on submission (`review.stage_workflow.submit`) and on the sheet page.
"""

from __future__ import annotations

from budgetapp.indicators.values import parse_target

from .lights import Light, execution_rate, planned_share
from .models import DeviationCause, MonitoringSheet


def unit_mismatch(target: str, typed: str) -> bool:
    """A value typed with a unit other than the target's (`17次` against `≥20人`)."""
    goal, value = parse_target(target), parse_target(typed)
    if not (goal.is_quantitative and value.is_quantitative and goal.unit and value.unit):
        return False
    return goal.unit.strip() != value.unit.strip()


def sheet_problems(sheet: MonitoringSheet) -> list[str]:
    period = sheet.round.period_label
    problems = []
    if sheet.spent is None:
        problems.append(f"请填写{period}执行数。")
    if sheet.projected_spend is None:
        problems.append("请填写全年预计执行数。")
    rate = execution_rate(sheet.spent, sheet.budget)
    planned = planned_share(sheet.table.spending_plan, sheet.round.cutoff_month)
    if rate is not None and planned is not None and rate < planned and not sheet.lag_reason:
        problems.append(f"执行率 {rate}% 低于支出计划进度 {planned}%，请填写执行偏差原因。")
    for position, row in enumerate(sheet.rows.all(), 1):
        where = f"第{position}行 {row.name}："
        if not row.to_date and not row.projected and parse_target(row.target).is_quantitative:
            problems.append(f"{where}请填写{period}实际完成值或全年预计完成值。")
        if not row.likelihood:
            problems.append(f"{where}请选择完成目标可能性。")
        for value in (row.to_date, row.projected):
            if value and unit_mismatch(row.target, value):
                problems.append(f"{where}“{value}”的计量单位与指标值“{row.target}”不一致。")
        if row.light in (Light.AMBER, Light.RED):
            if not row.causes:
                problems.append(f"{where}预计不能完全达成目标，请选择偏差原因。")
            if not row.measures:
                problems.append(f"{where}预计不能完全达成目标，请填写完善措施。")
        if DeviationCause.OTHER in row.causes and not row.cause_note:
            problems.append(f"{where}偏差原因选了“其他”，请说明具体原因。")
    return problems
