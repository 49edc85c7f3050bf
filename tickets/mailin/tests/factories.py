import factory
from factory.django import DjangoModelFactory

from tickets.mailin.models import Mailbox, Security


class MailboxFactory(DjangoModelFactory):
    class Meta:
        model = Mailbox

    name = factory.Sequence(lambda n: f"service-{n}")
    host = "imap.example.com"
    port = 993
    security = Security.SSL
    username = factory.Sequence(lambda n: f"service{n}@desk.example")
    password = "app-password-123"
