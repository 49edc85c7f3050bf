import socket

import pytest

from .helpers import APP_ID, TOKEN


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """No call leaves the machine: any socket connect in these tests fails loudly."""

    def refuse(self, address, *args, **kwargs):
        raise AssertionError(f"network call to {address!r} in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: refuse(None, address))


@pytest.fixture
def wechat_on(settings):
    settings.SERVICEDESK = {
        **settings.SERVICEDESK,
        "WECHAT_TOKEN": TOKEN,
        "WECHAT_APP_ID": APP_ID,
        "WECHAT_APP_SECRET": "test-secret",
        "WECHAT_ENCODING_AES_KEY": "",
    }
    return settings
