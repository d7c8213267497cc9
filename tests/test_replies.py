"""Filers answer reviewers' comments: the thread under a comment on the table page, the reply
service, who may reply (role × URL) and who is told."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from budgetapp.core.errors import NotAllowed, TableError
from budgetapp.review import services
from budgetapp.review.models import Notice, Reply
from budgetapp.review.replies import MAX_REPLY_LENGTH, reply_to_comment

from .conftest import login
from .test_workflow_access import LOGIN, assert_sent_to_login, department_of

# 302 = replied; 403 = sees the table but takes no part in its review; 404 = outsider.
EXPECTED = {
    "owner": 302,
    "colleague": 404,
    "reviewer": 302,
    "other_reviewer": 404,
    "admin": 403,
    "anonymous": LOGIN,
}


def _table(kind: str, project):
    return project if kind == "project" else department_of(project)


def _comment(table, users, text: str = "指标值确定依据不充分"):
    services.submit_table(table=table, user=users["owner"])
    return services.add_comment(
        table=table, user=users["reviewer"], text=text, anchor="", anchor_label=""
    )


def _url(kind: str, table, comment) -> str:
    return reverse("review:reply", args=[kind, table.pk, comment.pk])


def _state(comment) -> tuple[int, int]:
    return Reply.objects.filter(comment=comment).count(), Notice.objects.count()


@pytest.mark.parametrize("kind", ["project", "department"])
@pytest.mark.parametrize(("who", "expected"), EXPECTED.items())
def test_replying_by_role(client, users, project, kind, who, expected):
    table = _table(kind, project)
    comment = _comment(table, users)
    if who != "anonymous":
        login(client, users[who])
    before = _state(comment)

    response = client.post(_url(kind, table, comment), {"text": "依据为2024年工作计划"})

    if expected == LOGIN:
        assert_sent_to_login(response)
    else:
        assert response.status_code == expected
    if expected == 302:
        assert response["Location"].endswith(f"#comment-{comment.pk}")
        reply = Reply.objects.get(comment=comment)
        assert reply.author == users[who] and reply.text == "依据为2024年工作计划"
        assert reply.client_ip == "127.0.0.1"
    else:
        assert _state(comment) == before


@pytest.mark.parametrize("who", ["owner", "reviewer"])
def test_get_on_the_reply_url_is_405(client, users, project, who):
    comment = _comment(project, users)
    login(client, users[who])
    assert client.get(_url("project", project, comment)).status_code == 405
    assert not Reply.objects.exists()


def test_a_comment_of_another_table_is_404(client, users, project):
    comment = _comment(project, users)
    department = department_of(project)
    login(client, users["owner"])

    response = client.post(_url("department", department, comment), {"text": "回复"})

    assert response.status_code == 404
    assert not Reply.objects.exists()


def test_a_filers_reply_notifies_the_reviewer_who_commented(
    client, users, project, django_capture_on_commit_callbacks
):
    users["reviewer"].email = "reviewer@example.org"
    users["reviewer"].save()
    comment = _comment(project, users)
    Notice.objects.all().delete()
    login(client, users["owner"])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("project", project, comment), {"text": "已按要求补充依据"})

    notice = Notice.objects.get()
    assert notice.recipient == users["reviewer"]
    assert "已按要求补充依据" in notice.text and project.title in notice.text
    assert notice.url == f"{project.get_absolute_url()}#comment-{comment.pk}"
    assert [m.to for m in mail.outbox] == [["reviewer@example.org"]]


def test_a_reviewers_follow_up_notifies_the_filers_not_the_reviewer(users, project):
    comment = _comment(project, users)
    reply_to_comment(comment=comment, user=users["owner"], text="已修改")
    Notice.objects.all().delete()

    reply_to_comment(comment=comment, user=users["reviewer"], text="请再核实一下人数")

    assert [n.recipient for n in Notice.objects.all()] == [users["owner"]]


def test_the_thread_shows_under_its_comment_with_a_reply_box(client, users, project):
    comment = _comment(project, users)
    reply_to_comment(comment=comment, user=users["owner"], text="已按工作计划修改")
    reply_to_comment(comment=comment, user=users["reviewer"], text="收到")

    page = login(client, users["owner"]).get(project.get_absolute_url()).content.decode()

    start = page.index(f'id="comment-{comment.pk}"')
    block = page[start : page.index('data-role="history"', start)]
    assert (
        block.index("指标值确定依据不充分") < block.index("已按工作计划修改") < block.index("收到")
    )
    assert f'action="{_url("project", project, comment)}"' in block
    assert f'<label class="form-label visually-hidden" for="reply-{comment.pk}">' in block


def test_admins_read_the_thread_without_a_reply_box(client, users, project):
    comment = _comment(project, users)
    reply_to_comment(comment=comment, user=users["owner"], text="已修改")

    page = login(client, users["admin"]).get(project.get_absolute_url()).content.decode()

    assert "已修改" in page
    assert _url("project", project, comment) not in page


def test_an_empty_reply_is_refused_in_chinese(client, users, project):
    comment = _comment(project, users)
    login(client, users["owner"])

    response = client.post(_url("project", project, comment), {"text": "   "})

    assert response.status_code == 400
    assert "请填写回复内容。" in response.content.decode()
    assert not Reply.objects.exists()


def test_a_too_long_reply_is_refused_and_what_was_typed_is_kept(client, users, project):
    comment = _comment(project, users)
    typed = "很长的说明" * (MAX_REPLY_LENGTH // 5 + 1)
    login(client, users["owner"])

    response = client.post(_url("project", project, comment), {"text": typed})

    page = response.content.decode()
    assert response.status_code == 400
    assert f"回复不能超过 {MAX_REPLY_LENGTH} 个字" in page
    assert typed in page
    assert not Reply.objects.exists()


def test_the_service_refuses_admins_and_other_units(users, project):
    comment = _comment(project, users)
    for who in ("admin", "colleague", "other_reviewer"):
        with pytest.raises(NotAllowed):
            reply_to_comment(comment=comment, user=users[who], text="回复")
    with pytest.raises(TableError):
        reply_to_comment(comment=comment, user=users["owner"], text="")
    assert not Reply.objects.exists()


def test_the_editor_shows_the_thread_and_links_to_reply(client, users, project):
    comment = _comment(project, users)
    services.return_table(table=project, user=users["reviewer"], reason="请修改")
    reply_to_comment(comment=comment, user=users["owner"], text="正在修改")
    login(client, users["owner"])

    html = client.get(reverse("targets:project_edit", args=[project.pk])).content.decode()

    box = html[html.index('data-role="review-comments"') :]
    box = box[: box.index("</section>")]
    assert "正在修改" in box
    assert f'href="{project.get_absolute_url()}#comment-{comment.pk}"' in box
