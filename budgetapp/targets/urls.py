from django.urls import path

from .views import carry, department, home, project

app_name = "targets"

urlpatterns = [
    path("", home.home, name="home"),
    path("start/", home.start, name="start"),
    path("projects/new/<int:year>/", project.project_create, name="project_create"),
    path("projects/<int:pk>/edit/", project.project_edit, name="project_edit"),
    path("projects/<int:pk>/delete/", project.project_delete, name="project_delete"),
    path("department/new/<int:year>/", department.department_create, name="department_create"),
    path("department/<int:pk>/edit/", department.department_edit, name="department_edit"),
    path(
        "units/<int:unit_pk>/<int:year>/carry-forward/",
        carry.carry_forward,
        name="carry_forward",
    ),
    path(
        "units/<int:unit_pk>/<int:year>/carry-forward/done/",
        carry.carry_forward_done,
        name="carry_forward_done",
    ),
]
