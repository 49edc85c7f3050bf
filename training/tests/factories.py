"""Test helpers for training plans and implementation projects."""

import datetime
from decimal import Decimal

from staff.roles import Role
from staff.tests.factories import UserFactory
from tickets.remote.models import AttachmentKind
from tickets.remote.tests.factories import upload
from tickets.tests.factories import ContactFactory, CustomerFactory
from training import services

NOW = datetime.datetime(2026, 3, 10, 1, 0, tzinfo=datetime.UTC)  # 09:00 in Shanghai


def plan(*, customer=None, instructor=None, exam_max_score=Decimal("100"), now=NOW, **kwargs):
    customer = customer or CustomerFactory()
    instructor = instructor or UserFactory(roles=[Role.ENGINEER])
    kwargs.setdefault("course", "开票系统操作培训 Invoice Pro basics")
    return services.plan_create(
        customer=customer, instructor=instructor, starts_on=datetime.date(2026, 3, 16),
        ends_on=datetime.date(2026, 3, 17), place="客户会议室 Meeting room 3", created_by=instructor,
        exam_max_score=exam_max_score, now=now, **kwargs,
    )  # fmt: skip


def ready_plan(*, trainees=("张三", "李四", "王五"), **kwargs):
    """A plan with everything TR-1/TR-2 need: ticked checklist, materials, exam, teaching plan, trainees."""
    prepared = plan(**kwargs)
    actor = prepared.instructor
    for item in prepared.checklist.all():
        services.checklist_item_set_done(item=item, actor=actor, now=NOW)
    services.plan_document_add(plan=prepared, upload=upload("handbook.pdf"), kind=AttachmentKind.TRAINING_MATERIAL, actor=actor)
    services.plan_document_add(plan=prepared, upload=upload("exam.pdf"), kind=AttachmentKind.EXAM, actor=actor)
    services.teaching_plan_save(plan=prepared, text="Day 1: invoicing. Day 2: month end.", actor=actor)
    for name in trainees:
        services.trainee_add(plan=prepared, contact=ContactFactory(customer=prepared.customer, name=name), actor=actor)
    return prepared


def started_plan(**kwargs):
    prepared = ready_plan(**kwargs)
    return services.plan_start(plan=prepared, actor=prepared.instructor, now=NOW)
