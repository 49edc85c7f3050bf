"""E-mail backend for development and the demo: one INFO line per message instead of the whole text.

Django's console backend writes every message (headers and body) to stdout. A Celery worker
redirects stdout to its logger at WARNING level, so each notification e-mail became a dozen
WARNING lines in the worker log and hid the real warnings. This backend logs a one-line summary at
INFO (subject, number of recipients, body length) and keeps the full text at DEBUG for anyone who
runs with ``LOG_LEVEL=DEBUG``. Addresses never reach the log (GN-7); failures of a real SMTP backend
are still raised and logged by the outbox at WARNING/ERROR.
"""

import logging

from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger("servicedesk.mail")


class LogEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        sent = 0
        for message in email_messages:
            recipients = message.recipients()
            if not recipients:
                continue
            logger.info(
                "e-mail not sent (log backend): %r to %d recipient(s), %d characters",
                str(message.subject)[:120],
                len(recipients),
                len(message.body or ""),
            )
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug("e-mail body of %r:\n%s", str(message.subject)[:120], message.body)
            sent += 1
        return sent
