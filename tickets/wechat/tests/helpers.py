"""Signed WeChat payloads built the way WeChat's servers build them (issue 14 tests)."""

import base64
import hashlib
import os

from django.urls import reverse

TOKEN = "test-wechat-token"
APP_ID = "wx0123456789abcdef"
ACCOUNT = "gh_servicedesk"
OPENID = "oUser-0000000000000000000001"


def signature(*parts: str) -> str:
    """WeChat's signature: SHA-1 of the sorted, concatenated parts (token, timestamp, nonce[, encrypt])."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def aes_key() -> str:
    """A fresh 43-character EncodingAESKey (base64 of 32 bytes without the trailing "=")."""
    return base64.b64encode(os.urandom(32)).decode().rstrip("=")


def text_xml(content: str, *, msg_id: int | str = 1, openid: str = OPENID, create_time: int = 1773108000) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    )


def image_xml(*, msg_id: int, media_id: str = "MEDIA-1", openid: str = OPENID, create_time: int = 1773108000) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[image]]></MsgType>"
        f"<PicUrl><![CDATA[http://mmbiz.qpic.cn/pic/{media_id}]]></PicUrl><MediaId><![CDATA[{media_id}]]></MediaId>"
        f"<MsgId>{msg_id}</MsgId></xml>"
    )


def event_xml(event: str, *, openid: str = OPENID, create_time: int = 1773108000) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{event}]]></Event></xml>"
    )


def signed_query(*, timestamp: str = "1773108000", nonce: str = "n0nce", token: str = TOKEN, **extra) -> dict:
    return {"signature": signature(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce, **extra}


def post(client, xml: str, **query):
    url = reverse("wechat:callback")
    params = signed_query(**query)
    qs = "&".join(f"{k}={v}" for k, v in params.items())
    return client.post(f"{url}?{qs}", data=xml.encode(), content_type="text/xml")
