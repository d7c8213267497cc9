"""The security audit log (安全审计): one append-only table of security events.

Each record carries a SHA-256 over its own content and the previous record's hash, so a record
changed or removed afterwards breaks the chain (`manage.py verify_audit_log` finds where). On
PostgreSQL triggers refuse UPDATE outright and DELETE but for the purge's own switch
(django-pgtrigger, see docs/security.md): only `purge_audit_log` may remove records older than
the retention period.

Who, which unit and which object are copied as text when the event happens: the log must
still read correctly after an account, a unit or a table is renamed or deleted, and a foreign
key with ON DELETE would need the UPDATE/DELETE the trigger refuses.
"""

from __future__ import annotations

import pgtrigger
from django.db import models
from django.utils import timezone

# The PostgreSQL setting that lets the purge's DELETE through the append-only trigger.
PURGE_SETTING = "budgetapp.audit_purge"


class EventKind(models.TextChoices):
    LOGIN = "login", "登录"
    LOGOUT = "logout", "退出登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOCKOUT = "lockout", "账户锁定"
    UNLOCK = "unlock", "解除锁定"
    OTP_ENROL = "otp_enrol", "绑定双因素认证"
    OTP_RESET = "otp_reset", "重置双因素认证"
    OTP_VERIFIED = "otp_verified", "双因素验证通过"
    OTP_FAILED = "otp_failed", "双因素验证失败"
    BACKUP_CODES_ISSUED = "backup_codes_issued", "生成备用验证码"
    BACKUP_CODE_USED = "backup_code_used", "使用备用验证码"
    PASSWORD_CHANGE = "password_change", "修改密码"
    PASSWORD_RESET = "password_reset", "重置密码"
    PASSWORD_MUST_CHANGE = "password_must_change", "须修改初始密码"
    PASSWORD_EXPIRED = "password_expired", "密码过期"
    SESSION_END = "session_end", "会话超时退出"
    ACCOUNT_CHANGE = "account_change", "账户变更"
    ROLE_CHANGE = "role_change", "角色变更"
    ADMIN_CHANGE = "admin_change", "后台数据变更"
    RULE_CHANGE = "rule_change", "审核规则变更"
    IMPORT = "import", "导入"
    DELETE = "delete", "删除"
    DRAFT_DOWNLOAD = "draft_download", "下载草稿"
    EXPORT_DOWNLOAD = "export_download", "下载导出文件"
    REOPEN = "reopen", "重新打开"
    SUPERUSER_USE = "superuser_use", "超级用户操作"
    AUDIT_EXPORT = "audit_export", "导出审计日志"
    AUDIT_PURGE = "audit_purge", "清理审计日志"
    AUDIT_REANCHOR = "audit_reanchor", "重设审计锚点"


class EventResult(models.TextChoices):
    SUCCESS = "success", "成功"
    REFUSED = "refused", "拒绝"


class AuditEvent(models.Model):
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    # The account as it was: its id (no foreign key, see the module docstring) and its name.
    user_id = models.BigIntegerField("账户编号", null=True, blank=True, db_index=True)
    username = models.CharField("账户", max_length=150, blank=True, db_index=True)
    role = models.CharField("角色", max_length=30, blank=True)
    unit_id = models.BigIntegerField("单位编号", null=True, blank=True, db_index=True)
    unit_label = models.CharField("单位", max_length=150, blank=True)
    client_ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    kind = models.CharField("事件", max_length=30, choices=EventKind.choices, db_index=True)
    object_type = models.CharField("对象类型", max_length=100, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_label = models.CharField("对象", max_length=255, blank=True)
    result = models.CharField(
        "结果", max_length=10, choices=EventResult.choices, default=EventResult.SUCCESS
    )
    details = models.JSONField("详情", default=dict, blank=True)
    prev_hash = models.CharField("前一条记录的散列", max_length=64, blank=True)
    hash = models.CharField("散列", max_length=64, unique=True)

    class Meta:
        verbose_name = "安全审计记录"
        verbose_name_plural = "安全审计记录"
        ordering = ["-id"]
        triggers = [
            pgtrigger.Protect(name="audit_no_update", operation=pgtrigger.Update),
            # Only the purge (audit/retention.py) deletes, with this transaction-local
            # setting on for the one DELETE: a plain statement of its own, which also works
            # with server-side binding (pgtrigger.ignore prefixes each query with a second
            # statement, which the extended protocol refuses).
            pgtrigger.Protect(
                name="audit_no_delete",
                operation=pgtrigger.Delete,
                condition=pgtrigger.Condition(
                    f"current_setting('{PURGE_SETTING}', true) IS DISTINCT FROM 'on'"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.username} {self.get_kind_display()}"
