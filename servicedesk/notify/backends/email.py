"""E-mail through Django's mail backend (the log backend in the embedded default), with the
ticket's thread headers (servicedesk/notify/threading.py) and an optional Reply-To."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from ..threading import mail_domain, ticket_thread_headers


class DjangoEmailBackend:
    def build(self, message) -> EmailMultiAlternatives:
        if message.ticket_id:
            headers = ticket_thread_headers(ticket=message.ticket, message_pk=message.pk)
        else:
            headers = {"Message-ID": f"<notify.{message.pk}@{mail_domain()}>"}
        reply_to = [settings.NOTIFY_MAIL_REPLY_TO] if settings.NOTIFY_MAIL_REPLY_TO else None
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body,
            to=[message.recipient],
            reply_to=reply_to,
            headers=headers,
        )
        if message.body_html:
            email.attach_alternative(message.body_html, "text/html")
        return email

    def send(self, message) -> str:
        email = self.build(message)
        email.send(fail_silently=False)
        return email.extra_headers["Message-ID"]
