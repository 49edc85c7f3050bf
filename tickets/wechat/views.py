"""The WeChat server callback (issue 14): verify, parse, hand to the service, answer passively.

Public (WeChat's servers call it) and CSRF-exempt; trust comes from the signature over the shared
token. Bad signatures are 403, malformed or unknown XML 400 — never 500."""

import datetime
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.enterprise import parse_message as parse_work_message
from wechatpy.enterprise.crypto import WeChatCrypto as WorkCrypto
from wechatpy.enterprise.exceptions import InvalidCorpIdException
from wechatpy.enterprise.replies import TextReply as WorkTextReply
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from . import policies, services
from .models import MessageKind

logger = logging.getLogger(__name__)
MAX_BODY_BYTES = 64 * 1024  # WeChat's messages are a few hundred bytes


def _conf(name: str) -> str:
    return settings.SERVICEDESK.get(name, "") or ""


def _text(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _has_dtd(body) -> bool:
    """WeChat never sends a DTD: refusing one rules out entity expansion and external entities."""
    raw = (body.encode() if isinstance(body, str) else body).upper()
    return b"<!DOCTYPE" in raw or b"<!ENTITY" in raw


def _signed(request) -> bool:
    params = request.GET
    try:
        check_signature(_conf("WECHAT_TOKEN"), params.get("signature", ""), params.get("timestamp", ""), params.get("nonce", ""))
    except InvalidSignatureException:
        return False
    return True


def _incoming(message, *, id_of) -> services.Incoming | None:
    """wechatpy's message as the service's :class:`~services.Incoming`, or None when incomplete.
    ``id_of`` maps the sender to the stored id (WeCom user ids get their prefix)."""
    source, created = getattr(message, "source", None), getattr(message, "create_time", None)
    if not source or not isinstance(created, datetime.datetime):
        return None
    openid = id_of(source)
    if len(openid) > policies.OPENID_MAX:
        return None
    kind = {"text": MessageKind.TEXT, "image": MessageKind.IMAGE, "event": MessageKind.EVENT}.get(message.type, MessageKind.OTHER)
    msg_id = str(getattr(message, "id", "") or "")
    if kind == MessageKind.EVENT or msg_id in ("", "0"):  # events carry no MsgId
        msg_id = f"{openid}:{int(created.timestamp())}:{getattr(message, 'event', '') or message.type}"
    return services.Incoming(
        msg_id=msg_id,
        openid=openid,
        kind=kind,
        created_at=created,
        content=(getattr(message, "content", "") or "") if kind == MessageKind.TEXT else "",
        event=(getattr(message, "event", "") or "") if kind == MessageKind.EVENT else "",
        media_id=(getattr(message, "media_id", "") or "") if kind == MessageKind.IMAGE else "",
        pic_url=(getattr(message, "image", "") or "") if kind == MessageKind.IMAGE else "",
    )


def _answer(request, *, body, parse, reply_class, crypto, id_of=lambda source: source) -> HttpResponse:
    """Parse the (decrypted) XML, hand the message to the service and render the passive reply,
    encrypted again when the message was. Shared by the official account and WeCom."""
    if _has_dtd(body):
        return _text(_("The message is not WeChat XML."), 400)
    try:
        message = parse(body)
    except Exception:  # expat errors, missing <xml>, wrong types: wechatpy raises many kinds
        return _text(_("The message is not WeChat XML."), 400)
    try:  # wechatpy converts fields lazily: a CreateTime of "nope" raises only when read
        incoming = _incoming(message, id_of=id_of)
    except (ValueError, TypeError, OverflowError, OSError):
        incoming = None
    if incoming is None:
        return _text(_("The message lacks a valid FromUserName, CreateTime or MsgId."), 400)
    reply = services.message_receive(incoming=incoming, now=timezone.now())
    if not reply:
        return _text("success", 200)
    xml = reply_class(content=reply, message=message).render()
    if crypto is not None:
        xml = crypto.encrypt_message(xml, request.GET.get("nonce", ""), request.GET.get("timestamp") or None)
    return HttpResponse(xml, content_type="application/xml; charset=utf-8")


def _decrypt(request, crypto, invalid_owner) -> tuple[str | bytes | None, HttpResponse | None]:
    """The decrypted body, or the 4xx answer: a wrong msg_signature or owner id is 403, a body
    that cannot be decrypted 400."""
    try:
        body = crypto.decrypt_message(
            request.body, request.GET.get("msg_signature", ""), request.GET.get("timestamp", ""), request.GET.get("nonce", "")
        )
    except InvalidSignatureException:
        return None, _text(_("The WeChat message signature does not match."), 403)
    except invalid_owner:
        return None, _text(_("The message is for another WeChat account."), 403)
    except Exception:  # malformed XML, bad base64 or padding: the sender's fault, not ours
        logger.info("wechat: undecryptable message", exc_info=True)
        return None, _text(_("The encrypted message cannot be read."), 400)
    return body, None


def _body_refused(request) -> HttpResponse | None:
    if len(request.body) > MAX_BODY_BYTES:
        return _text(_("The message is too large."), 400)
    if _has_dtd(request.body):
        return _text(_("The message is not WeChat XML."), 400)
    return None


@csrf_exempt
@login_not_required
@require_http_methods(["GET", "POST"])
def callback(request):
    """The official account's (公众号) server callback: plain or safe (encrypted) mode."""
    if not services.channel_enabled():
        raise Http404(_("The WeChat channel is not configured."))
    if not _signed(request):
        return _text(_("The WeChat signature does not match."), 403)
    if request.method == "GET":  # the account's "server configuration" check
        return _text(request.GET.get("echostr", ""), 200)
    refused = _body_refused(request)
    if refused is not None:
        return refused
    aes_key = _conf("WECHAT_ENCODING_AES_KEY")
    crypto = None
    body = request.body
    if aes_key:  # safe mode: every message is encrypted and carries msg_signature
        if request.GET.get("encrypt_type") != "aes":
            return _text(_("This account expects encrypted messages (safe mode)."), 400)
        crypto = WeChatCrypto(_conf("WECHAT_TOKEN"), aes_key, _conf("WECHAT_APP_ID"))
        body, refused = _decrypt(request, crypto, InvalidAppIdException)
        if refused is not None:
            return refused
    return _answer(request, body=body, parse=parse_message, reply_class=TextReply, crypto=crypto)


@csrf_exempt
@login_not_required
@require_http_methods(["GET", "POST"])
def work_callback(request):
    """The WeCom (企业微信) self-built app's callback: always encrypted, signed with msg_signature;
    the URL check sends an encrypted echostr that must be answered decrypted."""
    if not services.wecom_enabled():
        raise Http404(_("The WeCom channel is not configured."))
    crypto = WorkCrypto(_conf("WECOM_TOKEN"), _conf("WECOM_ENCODING_AES_KEY"), _conf("WECOM_CORP_ID"))
    if request.method == "GET":
        try:
            echo = crypto.check_signature(
                request.GET.get("msg_signature", ""), request.GET.get("timestamp", ""), request.GET.get("nonce", ""),
                request.GET.get("echostr", ""),
            )
        except InvalidSignatureException:
            return _text(_("The WeChat signature does not match."), 403)
        except InvalidCorpIdException:
            return _text(_("The message is for another WeChat account."), 403)
        except Exception:
            return _text(_("The encrypted message cannot be read."), 400)
        return _text(echo.decode() if isinstance(echo, bytes) else echo, 200)
    refused = _body_refused(request)
    if refused is not None:
        return refused
    body, refused = _decrypt(request, crypto, InvalidCorpIdException)
    if refused is not None:
        return refused
    return _answer(
        request, body=body, parse=parse_work_message, reply_class=WorkTextReply, crypto=crypto, id_of=policies.wecom_id
    )
