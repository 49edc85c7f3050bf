"""Development backend: one INFO log line per message, nothing sent. No address and no text reach
the log (GN-7), only the kind, channel, message id and length."""

import logging
import uuid

logger = logging.getLogger("servicedesk.notify")


class ConsoleBackend:
    def send(self, message) -> str:
        provider_id = f"console-{uuid.uuid4().hex[:12]}"
        logger.info(
            "customer message not sent (console backend): #%s %s by %s, %d characters",
            message.pk,
            message.kind,
            message.channel,
            len(message.body or ""),
        )
        return provider_id
