"""Health checks for /healthz: the database answers a query, the Celery broker accepts a connection."""

from django.db import connection

from servicedesk.celery import app as celery_app


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the message is for operators
        return False, type(exc).__name__
    return True, connection.vendor


def check_broker(timeout: float = 2.0) -> tuple[bool, str]:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
            transport = conn.transport_cls
    except Exception as exc:  # kombu raises many types for "cannot connect"
        return False, type(exc).__name__
    return True, str(transport)
