import socket

import pytest

from .factories import Receiver


@pytest.fixture
def receiver():
    """A local webhook receiver (see ``factories.Receiver``); stopped after the test."""
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def closed_port_url():
    """A URL on 127.0.0.1 where nothing listens (connection refused), like a receiver that is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hooks"
