"""The counselors' daily digest: one notice per counselor with follow-ups due today or
overdue (the task's assignee, else the case's counselor), once a day, naming nobody."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from counselor.services.case import case_assign
from counselor.services.casework import case_task_add, case_task_complete
from counselor.services.follow_ups import follow_ups_digest_send
from notifications.channels import rendered
from notifications.models import Notice
from tenants.roles import Role, role_grant
from tests.counselor.cases import sent_application

TODAY = date(2026, 3, 10)


def _counselor(django_user_model, name: str):
    user = django_user_model.objects.create_user(
        username=name, password="long-test-pw-1", email=f"{name}@acme.example.org"
    )
    role_grant(user, Role.COUNSELOR)
    return user


def _task(application, owner, *, due: date, assignee, title: str):
    version = case_assign(application=application, assignee=owner, actor=owner).version
    return case_task_add(
        application=application,
        title=title,
        due_date=due,
        assignee=assignee,
        expected_version=version,
        actor=owner,
    )


@pytest.mark.django_db
def test_digest_once_per_counselor_and_day_without_names(django_user_model, agency_profile):
    ana, ben, cruz, dana = (_counselor(django_user_model, n) for n in ("ana", "ben", "cruz", "dan"))
    overdue = sent_application(last_name="Zapatero")
    _task(overdue, ana, due=TODAY - timedelta(days=3), assignee=ana, title="Call Maria Zapatero")
    _task(sent_application(), ana, due=TODAY, assignee=ana, title="Second task, same counselor")
    _task(sent_application(), ben, due=TODAY + timedelta(days=1), assignee=ben, title="Tomorrow")
    done_case = sent_application()
    done = _task(done_case, cruz, due=TODAY, assignee=cruz, title="Done already")
    case_task_complete(application=done_case, task_id=done.public_id, actor=cruz)
    _task(sent_application(), dana, due=TODAY, assignee=None, title="Nobody's, on Dan's case")

    assert follow_ups_digest_send(today=TODAY) == 2
    assert follow_ups_digest_send(today=TODAY) == 0  # a second run (a redelivered task)
    notices = Notice.objects.filter(kind="follow_ups_digest").order_by("recipient__username")
    assert [(n.recipient.username, n.channel) for n in notices] == [
        ("ana", "email"),
        ("dan", "email"),
    ]
    assert {n.link for n in notices} == {reverse("counselor:queue") + "?tab=mine"}
    subject, body = rendered(notices[0])
    assert subject == "Credit counseling: follow-ups due today"
    for secret in ("Maria", "Zapatero", "Lopez", "Call", "Second task"):
        assert secret not in subject + body

    assert follow_ups_digest_send(today=TODAY + timedelta(days=1)) == 3  # a new day: ben too
