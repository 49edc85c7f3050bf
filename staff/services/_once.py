"""Exactly-once inserts: the database's unique constraint decides, also under concurrency."""

from django.db import IntegrityError, transaction


def record_once(model, *, key: dict, defaults: dict):
    """``get_or_create`` on a unique ``key`` that survives a concurrent insert of the same key.

    Returns ``(row, created)``.
    """
    try:
        with transaction.atomic():
            return model.objects.get_or_create(**key, defaults=defaults)
    except IntegrityError:  # a concurrent report won the race between the get and the insert
        return model.objects.get(**key), False
