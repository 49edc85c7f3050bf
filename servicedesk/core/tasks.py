from celery import shared_task

from .services import notification_email_deliver


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def notification_email_send(notification_id: int) -> bool:
    """E-mail a stored notification; a second delivery of the same message sends nothing."""
    return notification_email_deliver(notification_id=notification_id)
