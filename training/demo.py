"""Demo training plans (closed, under way with a trainee to re-train, in preparation) and
implementation projects (one with its form overdue, ST-12)."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from staff.models import User
from tickets.models import Contact, Customer
from tickets.remote.models import AttachmentKind

from . import services
from .models import ImplementationProject, TrainingPlan


def _pdf(title: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{title}.pdf", f"%PDF-1.4\n% demo: {title}\n%%EOF\n".encode(), content_type="application/pdf")


def _contacts(customer: Customer, names: list[tuple[str, str]]) -> list[Contact]:
    return [
        Contact.objects.get_or_create(
            customer=customer, name=name, defaults={"mobile": mobile, "department": "培训学员 Trainee"}
        )[0]
        for name, mobile in names
    ]


def _prepared(*, customer, course, instructor, starts_on, place, trainees, now, exam=True):
    plan = services.plan_create(
        customer=customer, course=course, instructor=instructor, starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=1), place=place, created_by=instructor, now=now,
    )  # fmt: skip
    items = list(plan.checklist.all())
    for item in items if exam else items[:2]:
        services.checklist_item_set_done(item=item, actor=instructor, now=now)
    services.plan_document_add(plan=plan, upload=_pdf(f"{course} 讲义"), kind=AttachmentKind.TRAINING_MATERIAL, actor=instructor, now=now)
    if exam:
        services.plan_document_add(plan=plan, upload=_pdf(f"{course} 考试"), kind=AttachmentKind.EXAM, actor=instructor, now=now)
        services.teaching_plan_save(plan=plan, text="第一天：基础操作与开票。\n第二天：月结、报表与常见问题。", actor=instructor)
    for contact in trainees:
        services.trainee_add(plan=plan, contact=contact, actor=instructor)
    return plan


def seed_demo(*, now, log) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=["engineer", "engineer2", "manager"])}
    customers = {c.name: c for c in Customer.objects.all()}
    if len(users) < 3 or not customers:
        log("training: demo users or customers missing, skipped")
        return
    engineer, engineer2, manager = users["engineer"], users["engineer2"], users["manager"]
    today = timezone.localdate(now)
    day = datetime.timedelta(days=1)
    created = 0

    hualian = customers.get("北京华联商贸有限公司")
    course = "开票系统 Invoice Pro 7 操作培训"
    if hualian and not TrainingPlan.objects.filter(customer=hualian, course=course).exists():
        earlier = now - 20 * day
        people = _contacts(hualian, [("王丽", "138 0013 8101"), ("赵刚", "138 0013 8102")])
        plan = _prepared(
            customer=hualian, course=course, instructor=engineer, starts_on=today - 18 * day, place="华联 3 楼培训室",
            trainees=people, now=earlier,
        )  # fmt: skip
        plan = services.plan_start(plan=plan, actor=engineer, now=earlier + day)
        for trainee, score in zip(plan.trainees.all(), (Decimal("92"), Decimal("86.5")), strict=True):
            services.exam_record(trainee=trainee, score=score, actor=engineer, now=earlier + 3 * day)
            services.trainee_sign(trainee=trainee, actor=engineer, now=earlier + 3 * day)
        boss = hualian.contacts.filter(name="李明").first() or people[0]
        services.plan_customer_sign(plan=plan, person_in_charge=boss, actor=engineer, now=earlier + 3 * day)
        services.plan_quality_check(plan=plan, actor=manager, notes="讲解清楚，学员能独立开票。", now=earlier + 3 * day)
        services.plan_close(plan=plan, actor=engineer, summary="2 名学员全部通过（平均 89.3 分），已签验收单。", now=earlier + 4 * day)
        created += 1

    pujiang = customers.get("上海浦江物流有限公司")
    course = "ERP Suite 9 月结培训 Month-end closing"
    if pujiang and not TrainingPlan.objects.filter(customer=pujiang, course=course).exists():
        people = list(pujiang.contacts.all()[:2]) + _contacts(pujiang, [("孙悦", "139 1234 5601")])
        plan = _prepared(
            customer=pujiang, course=course, instructor=engineer2, starts_on=today - day, place="浦江物流 信息部会议室",
            trainees=people, now=now - 5 * day,
        )  # fmt: skip
        plan = services.plan_start(plan=plan, actor=engineer2, now=now - day)
        scores = dict(zip(plan.trainees.values_list("pk", flat=True), (Decimal("91"), Decimal("84.5"), Decimal("88")), strict=False))
        services.exam_record_many(plan=plan, scores=scores, actor=engineer2, now=now - 2 * datetime.timedelta(hours=1))
        created += 1

    bright = customers.get("Shenzhen Bright Electronics Co., Ltd.")
    course = "POS Terminal T2 cashier training"
    if bright and not TrainingPlan.objects.filter(customer=bright, course=course).exists():
        _prepared(
            customer=bright, course=course, instructor=engineer, starts_on=today + 7 * day, place="Store 12, Nanshan",
            trainees=list(bright.contacts.all()), now=now, exam=False,
        )  # fmt: skip
        created += 1

    projects = 0
    hospital = customers.get("Guangzhou Pearl River Hospital")
    if hospital and not ImplementationProject.objects.filter(customer=hospital).exists():
        project = services.project_create(
            customer=hospital, installation=hospital.installations.first(), title="ERP Suite 9 implementation",
            engineer=engineer2, started_on=today - 30 * day, created_by=manager, payment_amount=Decimal("48000.00"),
            payment_due_on=today + 20 * day, now=now - 30 * day,
        )  # fmt: skip
        services.project_plan_save(
            project=project, actor=engineer2,
            data={"data_import_plan": "Import 2025 opening balances and the patient master data.",
                  "familiarisation_plan": "Two weeks of parallel running in billing.", "go_live_on": today - 2 * day},
        )  # fmt: skip
        services.project_complete(project=project, actor=engineer2, now=now - 5 * day)
        services.implementation_form_overdue_report(project_id=project.pk, now=now)  # ST-12
        projects += 1

    tianfu = customers.get("成都天府软件园管理公司")
    if tianfu and not ImplementationProject.objects.filter(customer=tianfu).exists():
        project = services.project_create(
            customer=tianfu, installation=tianfu.installations.first(), title="开票系统上线 Invoice Pro go-live",
            engineer=engineer, started_on=today - 3 * day, created_by=manager, now=now - 3 * day,
        )  # fmt: skip
        services.project_plan_save(
            project=project, actor=engineer,
            data={"data_import_plan": "导入客户档案与 2026 年期初发票", "go_live_on": today + 14 * day},
        )  # fmt: skip
        projects += 1
    log(f"training: {created} new training plans, {projects} new implementation projects")
