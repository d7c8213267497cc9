"""Retire and repair the 共性指标 installed by 0002 that the 智能审核 rules flag (issue 12).

`tools/build_library.py` now vets each entry with the rules and merges duplicates
(`library/vetting.py`, docs/library.md); a fresh database gets the vetted file from 0002. An
existing one is brought to the same state here: the lists are frozen (computed once from the
file before and after), no application code is called. An entry is only retired while it is
still an approved 共性指标, and a field only repaired while it still holds the value 0002
installed: what administrators changed is left alone. Each retirement is logged as a
`LibraryDecision`, as the admin's actions are.
"""

from __future__ import annotations

from django.db import migrations

NOTE = "智能审核：种子指标有误或重复，停用"

# (一级, 二级, 三级): left out by the vetting, or merged into another entry
RETIRED = [
    ("产出指标", "数量指标", "得到基本康复服务的残疾人人数"),
    ("产出指标", "数量指标", "覆盖率"),
    ("产出指标", "成本指标", "控制在预算资金内"),
    ("产出指标", "成本指标", "项目控制预算数"),
    ("产出指标", "成本指标", "预算"),
    ("效益指标", "经济效益指标", "提高工作效率"),
    ("效益指标", "社会效益指标", "业务保障能力"),
    ("效益指标", "社会效益指标", "理解、支持残疾人的社会氛围"),
    ("效益指标", "生态效益指标", "节约成本"),
    ("满意度指标", "服务对象满意度指标", "其家属对残疾人康复服务的满意度"),
]
# (一级, 二级, 三级) → {field: [value as installed by 0002, repaired value]}
REPAIRED = {
    ("产出指标", "数量指标", "0-6岁残疾儿童康复服务任务完成数"): {
        "comparator": ["", "≥"],
    },
    ("产出指标", "数量指标", "举办赛事活动次数"): {
        "description": ["举办赛事活动次数", ""],
    },
    ("产出指标", "数量指标", "保障正常办公人数"): {
        "description": ["保障正常办公人数", ""],
        "comparator": ["", "≥"],
    },
    ("产出指标", "数量指标", "得到基本康复服务的残疾人数量"): {
        "description": ["享受基本康复服务的残疾人数量", "得到基本康复服务的残疾人人数"],
        "basis": ["部门计划", "工作计划"],
        "keywords": ["残疾人公益募捐及救助", "残疾人康复经费 残疾人公益募捐及救助"],
        "usage_count": [1, 2],
    },
    ("产出指标", "数量指标", "接受农村实用技术培训人数"): {
        "description": ["接受农村实用技术培训人数", ""],
        "comparator": ["", "≥"],
    },
    ("产出指标", "数量指标", "提供临时救助残疾人户数"): {
        "description": ["提供临时救助残疾人户数", ""],
        "comparator": ["", "≥"],
    },
    ("产出指标", "数量指标", "支付专职委员补贴人员数量"): {
        "description": ["支付专职委员补贴人员数量", ""],
        "comparator": ["", "≥"],
    },
    ("产出指标", "数量指标", "支付公用经费人数"): {
        "description": ["支付公用经费人数", ""],
        "comparator": ["", "≥"],
    },
    ("产出指标", "数量指标", "支付工资及保险人员数量"): {
        "description": ["支付工资及保险人员数量", ""],
        "comparator": ["", "≥"],
    },
    ("产出指标", "数量指标", "残疾人培训人数(人)"): {
        "comparator": ["", "≥"],
        "measure_unit": ["", "人"],
    },
    ("产出指标", "数量指标", "残疾人康复救助补贴人次"): {
        "comparator": ["", "≥"],
    },
    ("产出指标", "数量指标", "残疾人证换证率"): {
        "description": ["残疾人证换证率", ""],
    },
    ("产出指标", "数量指标", "残疾儿童康复服务人数"): {
        "comparator": ["", "≥"],
    },
    ("产出指标", "数量指标", "社区康园中心个数(个)"): {
        "comparator": ["", "≥"],
    },
    ("产出指标", "数量指标", "精神残疾人接受门诊发药人次"): {
        "comparator": ["", "≥"],
        "measure_unit": ["", "人次"],
    },
    ("产出指标", "数量指标", "调查数据残疾人人数"): {
        "description": ["调查数据残疾人人数", ""],
    },
    ("产出指标", "数量指标", "贫困残疾人家庭无障碍改造工作户数"): {
        "comparator": ["", "≥"],
    },
    ("产出指标", "数量指标", "资助接受托养服务人次"): {
        "description": ["资助接受托养服务人次", ""],
        "comparator": ["", "≥"],
    },
    ("产出指标", "数量指标", "配置辅助器具残疾人人数"): {
        "description": ["配置辅助器具残疾人人数", ""],
        "comparator": ["", "≥"],
    },
    ("产出指标", "数量指标", "重度残疾人居家康复服务人数"): {
        "comparator": ["", "≥"],
        "measure_unit": ["", "人"],
    },
    ("产出指标", "数量指标", "项目资金使用完毕"): {
        "comparator": ["", "≥"],
    },
    ("产出指标", "质量指标", "专款专用率"): {
        "description": ["专款专用率", ""],
        "comparator": ["", "≥"],
    },
    ("产出指标", "质量指标", "中心正常运转保障率"): {
        "description": ["中心正常运转保障率", ""],
    },
    ("产出指标", "质量指标", "使用率"): {
        "comparator": ["", "≥"],
    },
    ("产出指标", "质量指标", "办公设备正常运行率"): {
        "description": ["办公设备正常运行率", ""],
    },
    ("产出指标", "质量指标", "参保率"): {
        "comparator": ["", "≥"],
    },
    ("产出指标", "质量指标", "工资及保险发放准确率"): {
        "description": ["工资及保险发放准确率", ""],
        "comparator": ["", "≥"],
        "measure_unit": ["", "%"],
    },
    ("产出指标", "质量指标", "康复显效率"): {
        "description": ["康复显效率", ""],
    },
    ("产出指标", "质量指标", "服务覆盖率"): {
        "comparator": ["", "≥"],
    },
    ("产出指标", "质量指标", "残疾人专职委员补贴足额发放率"): {
        "comparator": ["", "≥"],
        "measure_unit": ["", "%"],
    },
    ("产出指标", "质量指标", "补贴到位率"): {
        "comparator": ["", "≥"],
    },
    ("产出指标", "质量指标", "补贴发放率"): {
        "comparator": ["", "≥"],
    },
    ("产出指标", "质量指标", "覆盖率"): {
        "comparator": ["", "≥"],
        "keywords": [
            "省级残疾人事业发展补助资金",
            "省级残疾人事业发展补助资金 业务培训宣传审计等综合经费",
        ],
        "usage_count": [1, 2],
    },
    ("产出指标", "质量指标", "资金使用"): {
        "description": ["资金使用", ""],
    },
    ("产出指标", "质量指标", "资金到位率"): {
        "description": ["资金到位率", ""],
        "comparator": ["", "≥"],
    },
    ("产出指标", "时效指标", "发放及时率"): {
        "comparator": ["", "≥"],
    },
    ("产出指标", "时效指标", "发放率"): {
        "comparator": ["", "≥"],
    },
    ("产出指标", "时效指标", "按时完成率"): {
        "description": ["按时完成率", ""],
    },
    ("产出指标", "时效指标", "按项目计划完成工作"): {
        "comparator": ["", "≥"],
    },
    ("产出指标", "时效指标", "补贴发放完成率"): {
        "comparator": ["", "≥"],
    },
    ("产出指标", "时效指标", "资金支付及时率"): {
        "description": ["资金支付及时率", ""],
        "comparator": ["", "≥"],
    },
    ("产出指标", "时效指标", "项目完成及时率"): {
        "description": ["项目完成及时率", ""],
    },
    ("产出指标", "时效指标", "项目完成时间"): {
        "description": ["项目完成时间", ""],
    },
    ("产出指标", "时效指标", "项目按时完成率"): {
        "description": ["项目按时完成率", ""],
    },
    ("产出指标", "成本指标", "0-6岁机构在训残疾儿童提供补助"): {
        "comparator": ["", "≤"],
    },
    ("产出指标", "成本指标", "人均发放水平"): {
        "description": ["人均发放水平", ""],
    },
    ("产出指标", "成本指标", "家庭医生签约补助标准"): {
        "description": ["家庭医生签约补助标准", ""],
        "comparator": ["", "≤"],
    },
    ("产出指标", "成本指标", "年均补助标准"): {
        "comparator": ["", "≤"],
    },
    ("产出指标", "成本指标", "残疾人家庭无障碍改造任务"): {
        "comparator": ["", "≤"],
    },
    ("产出指标", "成本指标", "每月每人精神病发药补贴(元)"): {
        "comparator": ["", "≤"],
        "measure_unit": ["", "/人(月)"],
    },
    ("产出指标", "成本指标", "补助标准"): {
        "comparator": ["", "≤"],
    },
    ("产出指标", "成本指标", "补助资金总量"): {
        "description": ["补助资金总量", ""],
        "comparator": ["", "≤"],
    },
    ("效益指标", "社会效益指标", "关心、理解、支持残疾人的社会氛围"): {
        "basis": ["", "工作计划"],
        "keywords": ["部门整体", "部门整体 中央2021年残疾人事业发展补助资金（一般公共预算资金）"],
        "usage_count": [1, 2],
    },
    ("效益指标", "社会效益指标", "受助残疾人家庭基本生活得到保障"): {
        "description": ["受助残疾人家庭基本生活得到保障", ""],
    },
    ("效益指标", "社会效益指标", "受益总人数"): {
        "description": ["受益总人数", ""],
    },
    ("效益指标", "社会效益指标", "困难残疾人辅具适配率"): {
        "description": ["困难残疾人辅具适配率", ""],
    },
    ("效益指标", "社会效益指标", "家庭发展能力"): {
        "description": ["家庭发展能力", ""],
    },
    ("效益指标", "社会效益指标", "政策建议采纳率"): {
        "description": ["政策建议采纳率", ""],
    },
    ("效益指标", "社会效益指标", "新增就业人数"): {
        "description": ["新增就业人数", ""],
    },
    ("效益指标", "社会效益指标", "残疾人康复服务水平"): {
        "description": ["残疾人康复服务水平", ""],
    },
    ("效益指标", "社会效益指标", "残疾人康复覆盖率"): {
        "description": ["残疾人康复覆盖率", ""],
    },
    ("效益指标", "社会效益指标", "残疾人精准康复服务率"): {
        "comparator": ["", "≥"],
    },
    ("效益指标", "可持续影响指标", "非法赴市、赴省、赴京上访事件"): {
        "comparator": ["", "="],
        "measure_unit": ["", "起"],
    },
    ("效益指标", "", "开展残疾人志愿服务活动"): {
        "comparator": ["", "≥"],
    },
    ("效益指标", "", "残疾人乘车持卡人数"): {
        "comparator": ["", "≥"],
    },
    ("效益指标", "", "残疾人农村实用技术培训人数"): {
        "comparator": ["", "≥"],
    },
    ("满意度指标", "服务对象满意度指标", "信访群众满意度"): {
        "description": ["信访群众满意度", ""],
    },
    ("满意度指标", "服务对象满意度指标", "残疾人及其家属对残疾人居家康复的满意度"): {
        "measure_unit": ["", "%"],
    },
    ("满意度指标", "服务对象满意度指标", "残疾人康复服务的满意度"): {
        "keywords": [
            "中央2021年残疾人事业发展补助资金（一般公共预算资金）",
            "中央2021年残疾人事业发展补助资金（一般公共预算资金） 残疾人康复",
        ],
        "usage_count": [1, 2],
    },
    ("满意度指标", "服务对象满意度指标", "活动参与者满意度"): {
        "description": ["活动参与者满意度", ""],
    },
    ("满意度指标", "服务对象满意度指标", "补贴对象满意度"): {
        "comparator": ["", "≥"],
    },
}


def forwards(apps, schema_editor) -> None:
    entry_model = apps.get_model("library", "LibraryEntry")
    decision_model = apps.get_model("library", "LibraryDecision")
    common = entry_model.objects.filter(kind="common")
    for level1, level2, name in RETIRED:
        for entry in common.filter(
            level1_name=level1, level2_name=level2, name=name, status="approved"
        ):
            entry.status = "retired"
            entry.save(update_fields=["status", "updated_at"])
            decision_model.objects.create(
                entry=entry,
                entry_name=entry.name,
                actor=None,
                from_status="approved",
                to_status="retired",
                note=NOTE,
            )
    for (level1, level2, name), fields in REPAIRED.items():
        entry = common.filter(level1_name=level1, level2_name=level2, name=name).first()
        if entry is None:
            continue
        changed = [f for f, (old, _) in fields.items() if getattr(entry, f) == old]
        for field_name in changed:
            setattr(entry, field_name, fields[field_name][1])
        if changed:
            entry.save(update_fields=[*changed, "updated_at"])


class Migration(migrations.Migration):
    dependencies = [("library", "0003_decision_log")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
