from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from budgetapp.identity.login_form import AdminLoginForm, LoginForm

admin.site.site_header = "残联预算绩效目标管理"
admin.site.site_title = "绩效目标管理后台"
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("budgetapp.identity.urls")),
    path("public/", include("budgetapp.portal.urls")),
    path("library/", include("budgetapp.library.urls")),
    path("imports/", include("budgetapp.imports.urls")),
    path("checks/", include("budgetapp.checks.urls")),
    path("help/", include("budgetapp.guide.urls")),
    path("profile/", include("budgetapp.units.profile_urls")),
    path("security/", include("budgetapp.security.urls")),
    path("monitoring/", include("budgetapp.monitoring.urls")),
    path("evaluation/", include("budgetapp.evaluation.urls")),
    path("", include("budgetapp.exports.urls")),
    path("", include("budgetapp.review.urls")),
    path("", include("budgetapp.targets.urls")),
]
