from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "budgetapp.identity"
    verbose_name = "身份鉴别与会话"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from budgetapp.identity.login_state import on_user_logged_in

        user_logged_in.connect(on_user_logged_in, dispatch_uid="identity-login-state")

        from axes.signals import user_locked_out

        from budgetapp.identity.lockout import on_user_locked_out

        user_locked_out.connect(on_user_locked_out, dispatch_uid="identity-lockout-audit")
