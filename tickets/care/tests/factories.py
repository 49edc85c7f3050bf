"""Helpers for care tests: tickets resolved through the real services, callbacks from each source,
complaints walked to any step."""

import datetime
from zoneinfo import ZoneInfo

from staff.roles import Role
from staff.tests.factories import UserFactory
from tickets import services as ticket_services
from tickets.care import services
from tickets.care.models import Callback, Question, SurveyTemplate
from tickets.tests.factories import ContactFactory, CustomerFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Tuesday 10 March 2026, 10:00 local: a working day in the default calendar (Mon-Fri).
NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)


def user(*roles, **kwargs):
    return UserFactory(roles=list(roles), **kwargs)


def ticket(*, channel="hotline", type="fault", now=NOW, assignee=None, agent=None, customer=None):
    customer = customer or CustomerFactory()
    contact = ContactFactory(customer=customer, name="王芳", mobile="139 1234 5678", email="wangfang@customer.example")
    return ticket_services.ticket_create(
        customer=customer,
        contact=contact,
        subject="发票打印失败",
        description="The invoice printer stops after the first page.",
        type=type,
        channel=channel,
        created_by=agent or user(Role.AGENT),
        assignee=assignee,
        now=now,
    )


def resolved_ticket(*, channel="hotline", now=NOW, engineer=None, **kwargs):
    """A ticket resolved through ``ticket_transition`` (which creates its callback, CB-1)."""
    engineer = engineer or user(Role.ENGINEER)
    opened = ticket(channel=channel, now=now, assignee=engineer, **kwargs)
    if channel == "remote":  # RM-1: the remote service record comes first
        from tickets.remote.services import remote_record_create

        remote_record_create(
            ticket=opened, kind="session", engineer=engineer, contact=opened.contact, served_at=now, now=now,
            actions="远程重启打印服务", department="财务部",
        )  # fmt: skip
    return ticket_services.ticket_transition(
        ticket=opened, action="resolve", actor=engineer, resolution="清洁打印头后恢复正常", now=now
    )


def callback(*, now=NOW, **kwargs) -> Callback:
    return Callback.objects.get(ticket=resolved_ticket(now=now, **kwargs))


def template(code=services.SERVICE_TEMPLATE) -> SurveyTemplate:
    return SurveyTemplate.objects.get(code=code)


def answers(callback, *, overall=5, solved=True, attitude=5, skill=4, comment="很好") -> dict:
    """Answers keyed by question id for the seeded service template."""
    result = {}
    for question in callback.template.questions.all():
        if question.is_overall:
            result[question.pk] = overall
        elif question.is_resolution:
            result[question.pk] = "yes" if solved else "no"
        elif question.kind == "scale":
            result[question.pk] = attitude if question.position == 10 else skill
        else:
            result[question.pk] = comment
    return result


def overall_question(callback) -> Question:
    return callback.template.questions.get(is_overall=True)


def complaint(*, now=NOW, type="complaint", **kwargs):
    return ticket(type=type, now=now, **kwargs).complaint


def manager(**kwargs):
    return user(Role.SERVICE_MANAGER, **kwargs)
