from django.urls import path

from .views import confirm, dashboard, history, notices, replies, table

app_name = "review"

urlpatterns = [
    path("review/", dashboard.dashboard, name="dashboard"),
    path("tables/<str:kind>/<int:pk>/", table.table_page, name="table"),
    path("tables/<str:kind>/<int:pk>/comments/", table.add_comment, name="comment"),
    path(
        "tables/<str:kind>/<int:pk>/revisions/<int:version>/",
        history.revision_page,
        name="revision",
    ),
    path(
        "tables/<str:kind>/<int:pk>/comments/<int:comment_pk>/reply/",
        replies.add_reply,
        name="reply",
    ),
    path("tables/<str:kind>/<int:pk>/<str:action>/", table.table_action, name="action"),
    path(
        "tables/<str:kind>/<int:pk>/<str:action>/confirm/",
        confirm.table_confirm,
        name="confirm",
    ),
    path("units/<int:unit_pk>/<int:year>/submit/", dashboard.submit_unit, name="submit_unit"),
    path("units/<int:unit_pk>/<int:year>/publish/", dashboard.publish_unit, name="publish_unit"),
    path(
        "units/<int:unit_pk>/<int:year>/publish/confirm/",
        confirm.publish_unit_confirm,
        name="publish_unit_confirm",
    ),
    path("notices/", notices.notice_list, name="notices"),
    path("notices/read/", notices.mark_read, name="notices_read"),
]
