"""WeChat template messages of the official account, with wechatpy.

``send_template(openid, template_id, data, url=...)``: ``template_id`` from the message template,
``data`` from the message's parameters (each ``{"value": ...}``) plus ``first`` (the rendered text)
and ``remark`` (the site name); ``url`` is the context's ``status_url`` or ``url`` when given.
"""

import functools

from django.conf import settings

from . import DeliveryError


def wechat_client():
    return _client(settings.NOTIFY_WECHAT_APP_ID, settings.NOTIFY_WECHAT_APP_SECRET)


@functools.lru_cache(maxsize=4)
def _client(app_id: str, secret: str):
    # One client per process keeps its access token (2 h) instead of fetching one per message.
    from wechatpy import WeChatClient

    return WeChatClient(app_id, secret)


def template_data(message) -> dict:
    data = {name: {"value": value} for name, value in (message.params or {}).items()}
    data.setdefault("first", {"value": message.body})
    data.setdefault("remark", {"value": settings.SERVICEDESK.get("SITE_NAME", "")})
    return data


class WeChatTemplateBackend:
    def send(self, message) -> str:
        from wechatpy.exceptions import WeChatException

        if not message.provider_template:
            raise DeliveryError(f"WeChat: the {message.kind} WeChat template has no template id")
        params = message.params or {}
        url = params.get("status_url") or params.get("url") or None
        try:
            result = wechat_client().message.send_template(
                message.recipient, message.provider_template, template_data(message), url=url
            )
        except WeChatException as exc:
            raise DeliveryError(f"WeChat refused the message: {exc.errcode}: {exc.errmsg}") from exc
        return str((result or {}).get("msgid", ""))
