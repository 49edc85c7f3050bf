"""HL-14: seed the forbidden phrases of the agent script (idempotent; edited in admin afterwards)."""

from django.db import migrations

PHRASES = [
    ("不知道", "我帮您查一下，稍后给您回电。"),
    ("不清楚", "我帮您确认一下，稍后给您准确答复。"),
    ("没办法", "我们一起想办法，我先为您记录并安排处理。"),
    ("跟我们没关系", "我帮您联系相关方面，跟进到底。"),
    ("我们不管", "这个问题我来跟进，并给您回电。"),
    ("随便", "请您告诉我您方便的时间。"),
]


def seed(apps, schema_editor):
    ForbiddenPhrase = apps.get_model("hotline", "ForbiddenPhrase")
    for phrase, instead in PHRASES:
        ForbiddenPhrase.objects.get_or_create(phrase=phrase, defaults={"instead": instead})


class Migration(migrations.Migration):
    dependencies = [("hotline", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
