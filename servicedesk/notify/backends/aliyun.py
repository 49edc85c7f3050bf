"""SMS through Aliyun's Dysmsapi ``SendSms`` (alibabacloud-dysmsapi20170525).

Aliyun sends only texts approved in its console: the message carries the template's
``TemplateCode`` (``MessageTemplate.provider_template_code``) and the parameters as JSON
(``CustomerMessage.params``, the context's plain values); the rendered body in our log is what the
approved template says. A response ``Code`` other than "OK" is an error: the outbox retries it.
"""

import json

from django.conf import settings

from . import DeliveryError


def sms_client():
    from alibabacloud_dysmsapi20170525.client import Client
    from alibabacloud_tea_openapi import models as open_api_models

    config = open_api_models.Config(
        access_key_id=settings.NOTIFY_ALIYUN_ACCESS_KEY_ID,
        access_key_secret=settings.NOTIFY_ALIYUN_ACCESS_KEY_SECRET,
        endpoint=settings.NOTIFY_ALIYUN_SMS_ENDPOINT,
    )
    return Client(config)


def phone_number(mobile: str) -> str:
    """Aliyun wants digits: "139 1234 5678" -> "13912345678", "+86 139..." -> "+86139..."."""
    digits = "".join(ch for ch in mobile if ch.isdigit())
    return f"+{digits}" if mobile.strip().startswith("+") else digits


class AliyunSmsBackend:
    def send(self, message) -> str:
        from alibabacloud_dysmsapi20170525 import models as sms_models

        if not (settings.NOTIFY_ALIYUN_ACCESS_KEY_ID and settings.NOTIFY_ALIYUN_ACCESS_KEY_SECRET):
            raise DeliveryError("Aliyun SMS: ALIYUN_ACCESS_KEY_ID / ALIYUN_ACCESS_KEY_SECRET are not set")
        if not settings.NOTIFY_ALIYUN_SMS_SIGN_NAME:
            raise DeliveryError("Aliyun SMS: ALIYUN_SMS_SIGN_NAME is not set")
        if not message.provider_template:
            raise DeliveryError(f"Aliyun SMS: the {message.kind} SMS template has no template code")
        request = sms_models.SendSmsRequest(
            phone_numbers=phone_number(message.recipient),
            sign_name=settings.NOTIFY_ALIYUN_SMS_SIGN_NAME,
            template_code=message.provider_template,
            template_param=json.dumps(message.params or {}, ensure_ascii=False),
            out_id=str(message.pk),
        )
        body = sms_client().send_sms(request).body
        if body is None or body.code != "OK":
            code = getattr(body, "code", None)
            text = getattr(body, "message", None)
            raise DeliveryError(f"Aliyun SMS refused the message: {code}: {text}")
        return body.biz_id or body.request_id or ""
