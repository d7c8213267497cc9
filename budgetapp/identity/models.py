"""What the app keeps about a login's credentials, beside Django's user.

`Credential` holds the flags of the password policy (changed at first login after an admin set
it; when it was last changed, for expiry). `PasswordHistory` keeps the hashes of the last
passwords, so none of the last `PASSWORD_HISTORY_COUNT` is chosen again. `BackupCodeDevice`
holds the one-time backup codes of the second factor, as keyed hashes only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django_otp.models import Device, ThrottlingMixin, TimestampMixin

from budgetapp.identity import backup_codes


class Credential(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="credential",
    )
    must_change_password = models.BooleanField(
        "下次登录须修改密码",
        default=False,
        help_text="管理员设置或重置密码后为是；用户自己修改密码后清除。",
    )
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    # The session of the latest login, when SESSION_ONE_PER_ACCOUNT ends the others.
    session_key = models.CharField("当前会话", max_length=40, blank=True, editable=False)

    class Meta:
        verbose_name = "登录凭据"
        verbose_name_plural = "登录凭据"

    def __str__(self) -> str:
        return f"{self.user}"


class PasswordHistory(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="password_history",
    )
    password = models.CharField("密码哈希", max_length=128)
    created_at = models.DateTimeField("设置时间", auto_now_add=True)

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.created_at:%Y-%m-%d}"


class BackupCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """The person's one-time backup codes, a django-otp device (found by `devices_for_user`,
    tried by `match_token`). Only keyed hashes are stored (identity/backup_codes.py)."""

    class Meta:
        verbose_name = "备用验证码"
        verbose_name_plural = "备用验证码"

    def get_throttle_factor(self) -> int:
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)

    def verify_token(self, token: str) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        hashes = backup_codes.candidate_hashes(self.user_id, str(token))
        match = self.codes.filter(code_hash__in=hashes).values_list("pk", flat=True).first()
        # Deleting is the check that counts: of two logins racing with one code, one wins.
        used = match is not None and BackupCode.objects.filter(pk=match).delete()[0] > 0
        if used:
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
        else:
            self.throttle_increment()
        return used

    def remaining(self) -> int:
        return self.codes.count()


class BackupCode(models.Model):
    device = models.ForeignKey(
        BackupCodeDevice, verbose_name="设备", on_delete=models.CASCADE, related_name="codes"
    )
    code_hash = models.CharField("验证码散列", max_length=64, db_index=True)

    class Meta:
        verbose_name = "备用验证码（散列）"
        verbose_name_plural = "备用验证码（散列）"

    def __str__(self) -> str:
        return f"{self.device.user} #{self.pk}"
