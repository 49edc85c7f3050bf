"""The IMAP side of the intake, through imap-tools (docs/channels.md says why that library).

Only connecting and fetching live here; what a message means is decided in ``policies`` and
``services``. Messages are fetched by UID above the highest one already processed, with their raw
bytes (the parsing is ours, with ``email.policy.default``).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from imap_tools import A, MailBox, MailBoxStartTls, MailBoxUnencrypted, MailMessage

from .models import Mailbox, Security


class RawMailMessage(MailMessage):
    """imap-tools' message, keeping the bytes as received."""

    def __init__(self, fetch_data: list) -> None:
        super().__init__(fetch_data)
        self.raw: bytes = self._get_message_data_parts(fetch_data)[0]


def _classes():
    classes = {Security.SSL: MailBox, Security.STARTTLS: MailBoxStartTls, Security.NONE: MailBoxUnencrypted}
    return {key: type(f"Raw{value.__name__}", (value,), {"email_message_class": RawMailMessage}) for key, value in classes.items()}


MAILBOX_CLASSES = _classes()


@dataclass(frozen=True)
class Fetched:
    uid: int
    raw: bytes


class Connection:
    def __init__(self, client, folder: str) -> None:
        self.client = client
        self.folder = folder

    def uid_validity(self) -> int:
        return int(self.client.folder.status(self.folder, ["UIDVALIDITY"]).get("UIDVALIDITY", 0))

    def fetch_after(self, last_uid: int, *, limit: int) -> Iterator[Fetched]:
        """Messages with a UID above ``last_uid``, oldest first (marked seen as they are read)."""
        # "N:*" always names the newest message even when its UID is below N: filter again.
        uids = sorted(int(uid) for uid in self.client.uids(A(uid=f"{last_uid + 1}:*")) if int(uid) > last_uid)[:limit]
        if not uids:
            return
        for message in self.client.fetch(A(uid=",".join(map(str, uids))), mark_seen=True, bulk=False):
            uid = int(message.uid or 0)
            if uid > last_uid:
                yield Fetched(uid=uid, raw=message.raw)


@contextmanager
def connect(mailbox: Mailbox) -> Iterator[Connection]:
    timeout = settings.SERVICEDESK.get("MAILIN_TIMEOUT_SECONDS", 30)
    client = MAILBOX_CLASSES[mailbox.security](host=mailbox.host, port=mailbox.port, timeout=timeout)
    with client.login(mailbox.username, mailbox.password, initial_folder=mailbox.folder) as logged_in:
        yield Connection(logged_in, mailbox.folder)
