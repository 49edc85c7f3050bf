"""Seed the standard survey templates (CB-1, TR-4). Edited in admin afterwards; idempotent."""

from django.db import migrations

TEMPLATES = {
    "service-callback": (
        "服务回访 Service callback",
        "CB-1: the working day after the service feedback form (hotline, on-site, remote, complaints).",
        [
            # position, text, kind, is_overall, satisfied_min, is_resolution, required
            (10, "服务态度如何？ How was the engineer's attitude?", "scale", False, None, False, True),
            (20, "技术水平如何？ How was the engineer's technical skill?", "scale", False, None, False, True),
            (30, "问题解决了吗？ Is the problem solved?", "yes_no", False, None, True, True),
            (40, "总体满意度 Overall satisfaction", "scale", True, 4, False, True),
            (50, "其他意见 Any other comments?", "text", False, None, False, False),
        ],
    ),
    "training-quality": (
        "培训质量调查 Training quality survey",
        "TR-4: after the supervisor's quality check of the training.",
        [
            (10, "讲师的讲解清楚吗？ Was the instructor clear?", "scale", False, None, False, True),
            (20, "培训内容是否满足需要？ Did the content meet your needs?", "scale", False, None, False, True),
            (30, "学员能独立使用系统吗？ Can the trainees use the system on their own?", "yes_no", False, None, True, True),
            (40, "总体满意度 Overall satisfaction with the training", "scale", True, 4, False, True),
            (50, "其他意见 Any other comments?", "text", False, None, False, False),
        ],
    ),
}


def seed(apps, schema_editor):
    SurveyTemplate = apps.get_model("care", "SurveyTemplate")
    Question = apps.get_model("care", "Question")
    for code, (name, description, questions) in TEMPLATES.items():
        template, created = SurveyTemplate.objects.get_or_create(
            code=code, defaults={"name": name, "description": description}
        )
        if not created:
            continue
        for position, text, kind, overall, threshold, resolution, required in questions:
            Question.objects.create(
                template=template,
                position=position,
                text=text,
                kind=kind,
                is_overall=overall,
                satisfied_min=threshold,
                is_resolution=resolution,
                required=required,
            )


class Migration(migrations.Migration):
    dependencies = [("care", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
