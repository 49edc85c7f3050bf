"""Factories for webhook tests, and a local HTTP receiver that checks signatures like an
integrator's endpoint would (docs/webhooks.md)."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import factory
from factory.django import DjangoModelFactory

from servicedesk.webhooks.models import EventType, WebhookDelivery, WebhookSubscription
from servicedesk.webhooks.services import verify


class WebhookSubscriptionFactory(DjangoModelFactory):
    """Listens to every event by default; ``url`` points nowhere until a test gives it a receiver."""

    class Meta:
        model = WebhookSubscription

    name = factory.Sequence(lambda n: f"ERP integration {n}")
    url = factory.Sequence(lambda n: f"https://hooks{n}.example.com/servicedesk")
    secret = factory.Sequence(lambda n: f"test-secret-{n}-0123456789abcdef")
    event_types = factory.LazyFunction(lambda: list(EventType.values))


class WebhookDeliveryFactory(DjangoModelFactory):
    class Meta:
        model = WebhookDelivery

    subscription = factory.SubFactory(WebhookSubscriptionFactory)
    event_type = EventType.TICKET_CREATED
    event_key = factory.Sequence(lambda n: f"ticket.created:{n}")
    payload = factory.LazyAttribute(lambda d: {"ticket": {"id": 1, "number": "SD-2026-000001"}})


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    signature_valid: bool
    answered: int = 200

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A webhook endpoint on 127.0.0.1 in a thread. ``status`` is what it answers; ``secret`` what
    it verifies the signature with; ``requests`` what it got, in order."""

    secret: str = ""
    status: int = 200
    requests: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks/servicedesk"

    @property
    def delivered(self) -> list[Received]:
        """The requests it accepted (answered 2xx)."""
        return [r for r in self.requests if r.answered < 300]

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                received = Received(
                    path=self.path,
                    headers=headers,
                    body=body,
                    signature_valid=verify(
                        secret=receiver.secret,
                        timestamp=headers.get("x-servicedesk-timestamp", ""),
                        body=body,
                        signature=headers.get("x-servicedesk-signature", ""),
                    ),
                    answered=receiver.status,
                )
                receiver.requests.append(received)
                answer = b"ok" if receiver.status < 300 else b"receiver broken"
                self.send_response(receiver.status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):  # keep the test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
