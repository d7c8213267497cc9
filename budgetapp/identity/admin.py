"""The Django admin's user pages follow the password policy: a password set there is one-time."""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.http import HttpRequest, HttpResponse

from budgetapp.core.http import client_ip
from budgetapp.identity import passwords


class OneTimePasswordAdminMixin:
    """For the User admin: a password an administrator sets must be changed at the next login."""

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change and obj.has_usable_password():
            passwords.mark_must_change(user=obj, by=request.user, ip=client_ip(request))

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, unquote(id))
            if user is not None and user.has_usable_password():
                passwords.mark_must_change(user=user, by=request.user, ip=client_ip(request))
        return response
