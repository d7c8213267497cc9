"""load_demo enrols the demo accounts that need a second factor with a printed secret."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from budgetapp.demo.second_factors import demo_secret

pytestmark = pytest.mark.django_db


def test_load_demo_enrols_reviewers_and_admin_with_printed_secrets(settings):
    out = StringIO()
    call_command("load_demo", with_admin=True, stdout=out)
    text = out.getvalue()
    for username in ("admin", "zjk_reviewer", "wh_reviewer"):
        assert TOTPDevice.objects.filter(user__username=username, confirmed=True).exists()
        assert f"{username}  {demo_secret(username)}" in text
    assert not TOTPDevice.objects.filter(user__username="zjk_filer").exists()

    settings.DEBUG = True
    code = StringIO()
    call_command("demo_code", "zjk_reviewer", stdout=code)
    assert code.getvalue().strip().isdigit() and len(code.getvalue().strip()) == 6
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_code", "zjk_reviewer", stdout=StringIO())


def test_a_device_enrolled_since_is_kept(settings):
    call_command("load_demo", verbosity=0, stdout=StringIO())
    device = TOTPDevice.objects.get(user__username="zjk_reviewer")
    TOTPDevice.objects.filter(pk=device.pk).update(key="ab" * 20)
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert TOTPDevice.objects.get(user__username="zjk_reviewer").key == "ab" * 20
    assert "zjk_reviewer  " not in out.getvalue()
