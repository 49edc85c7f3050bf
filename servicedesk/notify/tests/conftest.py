import datetime

import pytest

NOW = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def wechat_configured(settings):
    settings.NOTIFY_WECHAT_APP_ID = "wx-test-app"
    settings.NOTIFY_WECHAT_APP_SECRET = "wx-test-secret"
    return settings
