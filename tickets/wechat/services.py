"""The WeChat conversation (issue 14, GN-1): bind a WeChat user to a contact by phone verification,
open or continue a ticket (channel messaging), answer with the ticket number and status link.

The callback view parses and verifies; :func:`message_receive` decides and writes, all in one
transaction, and returns the text of the passive reply. Nothing here calls the network: the SMS
code goes through the notify outbox, the picture is fetched by the ``wechat.media_fetch`` outbox
handler, so the answer is well within WeChat's 5 seconds.
"""

import datetime
import logging
import secrets
from dataclasses import dataclass

import filetype
import requests

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext, gettext_noop
from wechatpy import WeChatClient

from servicedesk.core import outbox
from servicedesk.notify.models import MessageKind as NotifyKind
from servicedesk.notify.services import customer_message_send
from staff.services import channel_user_get
from tickets import services as ticket_services
from tickets.intake.services import status_link_url
from tickets.models import Contact, ContactChannel, Ticket, TicketAttachment
from tickets.models.tickets import OPEN_STATUSES, Channel

from . import policies
from .models import MessageKind, WeChatBinding, WeChatMessage

logger = logging.getLogger(__name__)

MEDIA_FETCH_TOPIC = "wechat.media_fetch"
BLOCK_FOR = datetime.timedelta(hours=1)
PICTURE_EXTENSIONS = ("jpg", "jpeg", "png", "gif", "webp")


def _conf(name: str, default=None):
    return settings.SERVICEDESK.get(name, default)


def channel_enabled() -> bool:
    """The callback answers only when a server token is configured (otherwise 404)."""
    return bool(_conf("WECHAT_TOKEN", ""))


def wecom_enabled() -> bool:
    """The WeCom callback needs its token, EncodingAESKey and CorpID (otherwise 404)."""
    return all(_conf(name, "") for name in ("WECOM_TOKEN", "WECOM_ENCODING_AES_KEY", "WECOM_CORP_ID"))


@dataclass(frozen=True)
class Incoming:
    """A parsed WeChat message, independent of wechatpy's classes (the view builds it)."""

    msg_id: str
    openid: str
    kind: str
    created_at: datetime.datetime
    content: str = ""
    event: str = ""
    media_id: str = ""
    pic_url: str = ""


def _bilingual(message: str, *, sep: str = "\n", **params) -> str:
    """The reply in Chinese with the English line under it (one line when they are the same)."""
    lines = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            line = gettext(message) % params if params else gettext(message)
        if line not in lines:
            lines.append(line)
    return sep.join(lines)


# --- Messages the customer reads (translated by the lead in locale/) ----------------------------------
ASK_MOBILE = gettext_noop(
    "Please reply with your mobile number to bind your WeChat to your service account."
)
UNKNOWN_MOBILE = gettext_noop(
    "We do not know this mobile number. Please call our service hotline, or send the number your "
    "company registered with us."
)
CODE_SENT = gettext_noop(
    "We sent a 6-digit code by SMS to %(masked)s. Please reply with the code within %(minutes)s minutes."
)
CODE_WRONG = gettext_noop("That code is not right. %(left)s attempts left.")
CODE_EXPIRED = gettext_noop("The code has expired. Please send your mobile number again for a new code.")
BLOCKED = gettext_noop("Too many attempts. Please try again in an hour or call our service hotline.")
BOUND = gettext_noop(
    "Thank you, %(name)s: your WeChat is now bound. Describe your problem in a message and we open a "
    "service request. Start with \"new\" to open another request."
)
ALREADY_BOUND = gettext_noop(
    "This WeChat account or this contact is already bound. Please call our service hotline if that is wrong."
)
OPENED = gettext_noop("Your service request %(number)s is registered.")
CONTINUED = gettext_noop("Added to your service request %(number)s.")
STATUS_LINK = gettext_noop("Status page:")
PICTURE_ADDED = gettext_noop("Picture received for your service request %(number)s.")
ONLY_TEXT = gettext_noop("We can take text messages and pictures only. Please describe your problem in a message.")
EMPTY = gettext_noop("Please describe your problem in the message.")
WELCOME = gettext_noop("Welcome to our service account.")


# --- The entry point ----------------------------------------------------------------------------------


@transaction.atomic
def message_receive(*, incoming: Incoming, now: datetime.datetime) -> str:
    """Handle one message and return the reply text ("" means the plain "success" answer).

    Idempotent (GN-1): the message row is inserted first; a retry or a concurrent twin with the same
    MsgId hits the unique constraint and gets the stored answer, writing nothing."""
    stored = WeChatMessage.objects.filter(msg_id=incoming.msg_id).first()
    if stored is not None:
        return stored.reply
    message = WeChatMessage(
        msg_id=incoming.msg_id[:100],
        openid=incoming.openid[:64],
        kind=incoming.kind,
        event=incoming.event[:40],
        content=incoming.content,
        media_id=incoming.media_id[:200],
        pic_url=incoming.pic_url[:500],
        created_at=now,
    )
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:  # a concurrent retry won the insert: its answer is ours
        return WeChatMessage.objects.get(msg_id=incoming.msg_id).reply
    message.reply = _answer(message=message, now=now)
    message.save(update_fields=["reply", "ticket", "opened_ticket"])
    return message.reply


def _answer(*, message: WeChatMessage, now: datetime.datetime) -> str:
    if message.kind == MessageKind.EVENT:
        if message.event == "subscribe":
            contact = Contact.objects.filter(wechat_openid=message.openid).first()
            return _bilingual(WELCOME) + "\n" + (_bilingual(EMPTY) if contact else _bilingual(ASK_MOBILE))
        return ""  # unsubscribe, menu clicks, location reports: nothing to say
    contact = Contact.objects.filter(wechat_openid=message.openid).select_related("customer").first()
    if contact is None:
        return _binding_step(message=message, now=now)
    if message.kind == MessageKind.TEXT:
        return _text_from_contact(message=message, contact=contact, now=now)
    if message.kind == MessageKind.IMAGE:
        return _picture_from_contact(message=message, contact=contact, now=now)
    return _bilingual(ONLY_TEXT)


# --- Binding (phone verification) ---------------------------------------------------------------------


def _code_hash(*, openid: str, code: str) -> str:
    """Keyed hash of the code: the database never holds a usable code."""
    return salted_hmac("tickets.wechat.bind_code", f"{openid}:{code}").hexdigest()


def bind_code_generate() -> str:
    return f"{secrets.randbelow(10**policies.CODE_LENGTH):0{policies.CODE_LENGTH}d}"


def _mask(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else phone


def _binding_step(*, message: WeChatMessage, now: datetime.datetime) -> str:
    binding, _created = WeChatBinding.objects.select_for_update().get_or_create(
        openid=message.openid, defaults={"created_at": now}
    )
    if binding.is_blocked(now=now):
        return _bilingual(BLOCKED)
    text = message.content.strip() if message.kind == MessageKind.TEXT else ""
    if binding.code_hash and policies.looks_like_code(text):
        return _binding_verify(binding=binding, code=text, now=now)
    phone = policies.mobile_in(text)
    if phone:
        return _binding_start(binding=binding, phone=phone, now=now)
    return _bilingual(ASK_MOBILE)


def _block(binding: WeChatBinding, *, now) -> None:
    binding.blocked_until = now + BLOCK_FOR
    binding.attempts = 0
    binding.codes_sent = 0
    binding.code_hash = ""
    binding.expires_at = None


def _binding_start(*, binding: WeChatBinding, phone: str, now: datetime.datetime) -> str:
    contact = (
        Contact.objects.filter(mobile_normalized=phone).select_related("customer").order_by("wechat_openid", "id").first()
    )
    if contact is None:
        binding.phone = phone
        binding.save()
        return _bilingual(UNKNOWN_MOBILE)
    if binding.codes_sent >= policies.MAX_CODES_SENT:  # SMS cost and abuse: five codes, then an hour's pause
        _block(binding, now=now)
        binding.save()
        return _bilingual(BLOCKED)
    code = bind_code_generate()
    minutes = _conf("WECHAT_BIND_CODE_MINUTES", 10)
    binding.phone = phone
    binding.contact = contact
    binding.code_hash = _code_hash(openid=binding.openid, code=code)
    binding.expires_at = now + datetime.timedelta(minutes=minutes)
    binding.codes_sent += 1
    binding.blocked_until = None
    binding.save()
    _bind_code_send(contact=contact, code=code, key=f"wechat.bind_code:{binding.pk}:{binding.codes_sent}:{now.timestamp():.0f}", now=now)
    return _bilingual(CODE_SENT, masked=_mask(phone), minutes=minutes)


def _bind_code_send(*, contact: Contact, code: str, key: str, now) -> None:
    """The code goes by SMS through the notify outbox (written in this transaction)."""
    customer_message_send(
        contact=contact,
        kind=NotifyKind.BIND_CODE,
        channel=ContactChannel.SMS,
        context={"code": code},
        key=key,
        now=now,
    )


def _binding_verify(*, binding: WeChatBinding, code: str, now: datetime.datetime) -> str:
    if binding.expires_at is None or binding.expires_at <= now:
        binding.code_hash = ""
        binding.expires_at = None
        binding.save()
        return _bilingual(CODE_EXPIRED)
    if not constant_time_compare(binding.code_hash, _code_hash(openid=binding.openid, code=code)):
        binding.attempts += 1
        if binding.attempts >= policies.MAX_WRONG_CODES:
            _block(binding, now=now)
            binding.save()
            return _bilingual(BLOCKED)
        binding.save()
        return _bilingual(CODE_WRONG, left=policies.MAX_WRONG_CODES - binding.attempts)
    contact = binding.contact
    contact.wechat_openid = binding.openid
    try:
        with transaction.atomic():
            contact.save(update_fields=["wechat_openid"])
    except IntegrityError:  # the OpenID is on another contact already (unique when non-empty)
        contact.wechat_openid = ""
        return _bilingual(ALREADY_BOUND)
    binding.code_hash = ""
    binding.expires_at = None
    binding.attempts = 0
    binding.codes_sent = 0
    binding.bound_at = now
    binding.save()
    return _bilingual(BOUND, name=contact.name)


# --- Tickets ------------------------------------------------------------------------------------------


def _ticket_to_continue(*, contact: Contact, now: datetime.datetime) -> Ticket | None:
    """The contact's newest open ticket opened from WeChat within WECHAT_CONTINUE_DAYS."""
    since = now - datetime.timedelta(days=_conf("WECHAT_CONTINUE_DAYS", 7))
    return (
        Ticket.objects.filter(
            contact=contact,
            channel=Channel.MESSAGING,
            status__in=OPEN_STATUSES,
            created_at__gte=since,
            wechat_messages__opened_ticket=True,
        )
        .order_by("-created_at", "-id")
        .first()
    )


def _ticket_open(*, contact: Contact, subject: str, description: str, now) -> Ticket:
    return ticket_services.ticket_create(
        channel=Channel.MESSAGING,
        created_by=channel_user_get(),
        customer=contact.customer,
        contact=contact,
        subject=subject,
        description=description,
        now=now,
    )


def status_url(*, ticket: Ticket) -> str:
    """The customer's signed status link (tickets.intake)."""
    return status_link_url(ticket=ticket)


def _with_status(text: str, *, ticket: Ticket) -> str:
    url = status_url(ticket=ticket)
    return text + "\n" + _bilingual(STATUS_LINK, sep=" / ") + " " + url


def _text_from_contact(*, message: WeChatMessage, contact: Contact, now: datetime.datetime) -> str:
    forced_new, text = policies.split_new_prefix(message.content)
    if not text:
        return _bilingual(EMPTY)
    ticket = None if forced_new else _ticket_to_continue(contact=contact, now=now)
    if ticket is not None:
        ticket_services.ticket_customer_message(
            ticket=ticket, body=text, channel=Channel.MESSAGING, sender=contact.name, data={"wechat_msg_id": message.msg_id}, now=now
        )
        message.ticket = ticket
        return _with_status(_bilingual(CONTINUED, number=ticket.number), ticket=ticket)
    ticket = _ticket_open(contact=contact, subject=policies.subject_from(text), description=text, now=now)
    message.ticket, message.opened_ticket = ticket, True
    return _with_status(_bilingual(OPENED, number=ticket.number), ticket=ticket)


def _picture_from_contact(*, message: WeChatMessage, contact: Contact, now: datetime.datetime) -> str:
    """A picture: a timeline note now, the file later (``wechat.media_fetch``, a network call)."""
    ticket = _ticket_to_continue(contact=contact, now=now)
    if ticket is None:
        with translation.override(settings.LANGUAGE_CODE):
            subject = gettext("Picture sent over WeChat")
        ticket = _ticket_open(contact=contact, subject=subject, description=subject, now=now)
        message.opened_ticket = True
    message.ticket = ticket
    ticket_services.ticket_customer_message(
        ticket=ticket,
        body=gettext("(picture sent over WeChat)"),
        channel=Channel.MESSAGING,
        sender=contact.name,
        data={"wechat_msg_id": message.msg_id, "media_id": message.media_id, "pic_url": message.pic_url},
        now=now,
    )
    outbox.enqueue(topic=MEDIA_FETCH_TOPIC, payload={"message_id": message.pk}, key=f"{MEDIA_FETCH_TOPIC}:{message.pk}", now=now)
    return _with_status(_bilingual(PICTURE_ADDED, number=ticket.number), ticket=ticket)


# --- Outbox: fetching the picture ---------------------------------------------------------------------


class MediaFetchError(Exception):
    pass


def _media_download(*, message: WeChatMessage) -> tuple[bytes, str]:
    """The picture's bytes and content type: the media API when the account's AppID/secret are set,
    else the PicUrl WeChat sent (valid for a few days)."""
    app_id, secret = _conf("WECHAT_APP_ID", ""), _conf("WECHAT_APP_SECRET", "")
    # The media API is the official account's; a WeCom picture is fetched by its PicUrl.
    if message.media_id and app_id and secret and not policies.is_wecom(message.openid):
        response = WeChatClient(app_id, secret, timeout=10).media.download(message.media_id)
    elif message.pic_url:
        response = requests.get(message.pic_url, timeout=10)
    else:
        raise MediaFetchError("no media id (or no AppID/secret) and no picture URL")
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    if response.status_code != 200 or content_type in ("application/json", "text/plain"):
        raise MediaFetchError(f"media download answered {response.status_code} {content_type}: {response.text[:200]}")
    return response.content, content_type


@outbox.handler(MEDIA_FETCH_TOPIC)
def media_fetch(*, now, message_id: int) -> None:
    """Download a WeChat picture and store it on the ticket (idempotent: stamped ``attachment``)."""
    message = (
        # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer join to ticket
        WeChatMessage.objects.select_for_update(of=("self",)).filter(pk=message_id).select_related("ticket").first()
    )
    if message is None or message.attachment_id is not None or message.ticket is None:
        return
    content, _content_type = _media_download(message=message)
    if not content:
        raise MediaFetchError("media download returned no bytes")
    guessed = filetype.guess(content[:8192])
    extension = guessed.extension if guessed is not None else "jpg"  # upload_check refuses what is no picture
    upload = SimpleUploadedFile(f"wechat-{message.msg_id}.{extension}", content)
    attachment = ticket_services.ticket_attachment_add(
        ticket=message.ticket, upload=upload, source=TicketAttachment.Source.MESSAGING, extensions=PICTURE_EXTENSIONS, now=now
    )
    message.attachment = attachment
    message.save(update_fields=["attachment"])
