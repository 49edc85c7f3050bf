"""Seed a default template for every kind × channel × language (issue 14). Admins edit them; the
SMS template codes and WeChat template ids stay empty until the operator fills them in from the
Aliyun console and the official account (docs/channels.md). The texts are copied here, not
imported, so this migration always writes the same rows."""

from django.db import migrations

# kind: {language: (subject, email body, sms body, wechat body)}
DEFAULTS = {
    "request_received": {
        "zh-hans": (
            "我们已收到您的服务请求",
            "{{ contact.name }}，您好：\n\n我们已收到您的服务请求，工单号 {{ ticket.number }}。"
            "您可随时通过以下链接查看处理进度：\n{{ status_url }}\n\n{{ site_name }} 客户服务中心",
            "您的服务请求已受理，工单号{{ ticket.number }}，进度查询：{{ status_url }}",
            "您的服务请求已受理，工单号 {{ ticket.number }}。",
        ),
        "en": (
            "We have received your request",
            "Dear {{ contact.name }},\n\nwe have received your service request, ticket {{ ticket.number }}. "
            "You can follow its progress here:\n{{ status_url }}\n\n{{ site_name }} service centre",
            "We received your request, ticket {{ ticket.number }}. Status: {{ status_url }}",
            "We received your service request, ticket {{ ticket.number }}.",
        ),
    },
    "visit_window": {
        "zh-hans": (
            "上门服务时间：{{ window }}",
            "{{ contact.name }}，您好：\n\n工程师 {{ engineer }} 将于 {{ window }} 上门服务"
            "（工单号 {{ ticket.number }}）。如时间不便，请尽快与我们联系。\n\n{{ site_name }} 客户服务中心",
            "工程师{{ engineer }}将于{{ window }}上门服务，工单号{{ ticket.number }}。",
            "工程师 {{ engineer }} 将于 {{ window }} 上门服务。",
        ),
        "en": (
            "Your on-site service visit: {{ window }}",
            "Dear {{ contact.name }},\n\nour engineer {{ engineer }} will visit you {{ window }} "
            "(ticket {{ ticket.number }}). If this time does not suit you, please contact us.\n\n"
            "{{ site_name }} service centre",
            "Engineer {{ engineer }} will visit you {{ window }}, ticket {{ ticket.number }}.",
            "Engineer {{ engineer }} will visit you {{ window }}.",
        ),
    },
    "survey_link": {
        "zh-hans": (
            "服务满意度调查",
            "{{ contact.name }}，您好：\n\n感谢您使用我们的服务。请花一分钟评价本次服务：\n{{ url }}\n\n"
            "{{ site_name }} 客户服务中心",
            "感谢您使用我们的服务，请评价本次服务：{{ url }}",
            "感谢您使用我们的服务，请点击评价本次服务。",
        ),
        "en": (
            "How was our service? A short survey",
            "Dear {{ contact.name }},\n\nplease tell us how satisfied you are with our service:\n{{ url }}\n\n"
            "Thank you.\n{{ site_name }} service centre",
            "Thank you for using our service. Please rate it: {{ url }}",
            "Thank you for using our service. Please rate it.",
        ),
    },
    "contract_expiring": {
        "zh-hans": (
            "{{ letter_subject }}",
            "{{ letter_text }}",
            "贵单位服务合同{{ contract_number }}将于{{ end_date }}到期，请及时续签。",
            "贵单位服务合同 {{ contract_number }} 将于 {{ end_date }} 到期，请及时续签。",
        ),
        "en": (
            "{{ letter_subject }}",
            "{{ letter_text }}",
            "Your service contract {{ contract_number }} ends on {{ end_date }}. Please renew it.",
            "Your service contract {{ contract_number }} ends on {{ end_date }}. Please renew it.",
        ),
    },
    "bind_code": {
        "zh-hans": (
            "微信绑定验证码",
            "{{ contact.name }}，您好：\n\n您的微信绑定验证码为 {{ code }}，10 分钟内有效。如非本人操作，请忽略。\n\n"
            "{{ site_name }} 客户服务中心",
            "您的微信绑定验证码为{{ code }}，10分钟内有效，如非本人操作请忽略。",
            "您的绑定验证码为 {{ code }}。",
        ),
        "en": (
            "Your WeChat binding code",
            "Dear {{ contact.name }},\n\nyour WeChat binding code is {{ code }}; it is valid for 10 minutes. "
            "If you did not ask for it, please ignore this message.\n\n{{ site_name }} service centre",
            "Your WeChat binding code is {{ code }}, valid for 10 minutes.",
            "Your binding code is {{ code }}.",
        ),
    },
    "ticket_update": {
        "zh-hans": (
            "工单进展：{{ ticket.subject }}",
            "{{ contact.name }}，您好：\n\n您的工单 {{ ticket.number }} 有新进展：\n\n{{ body }}\n\n"
            "查看详情：{{ status_url }}\n\n{{ site_name }} 客户服务中心",
            "您的工单{{ ticket.number }}有新进展，详情：{{ status_url }}",
            "您的工单 {{ ticket.number }} 有新进展：{{ body }}",
        ),
        "en": (
            "Update on your request: {{ ticket.subject }}",
            "Dear {{ contact.name }},\n\nthere is news on your ticket {{ ticket.number }}:\n\n{{ body }}\n\n"
            "Details: {{ status_url }}\n\n{{ site_name }} service centre",
            "News on your ticket {{ ticket.number }}: {{ status_url }}",
            "News on your ticket {{ ticket.number }}: {{ body }}",
        ),
    },
}


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    for kind, languages in DEFAULTS.items():
        for language, (subject, email, sms, wechat) in languages.items():
            for channel, body in (("email", email), ("sms", sms), ("wechat", wechat)):
                MessageTemplate.objects.get_or_create(
                    kind=kind,
                    channel=channel,
                    language=language,
                    defaults={"subject": subject if channel == "email" else "", "body": body},
                )


def unseed(apps, schema_editor):
    apps.get_model("notify", "MessageTemplate").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("notify", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
