"""Helpers shared by the staff views."""

from django.core.exceptions import ValidationError
from django.shortcuts import render as django_render

from servicedesk.core.idempotency import run_once

from ..roles import APPROVER_ROLES, FUND_ROLES, PAYROLL_ROLES


def render(request, template: str, context: dict):
    """Render a staff page with the flags its sub-navigation needs (roles are cached per request)."""
    user = request.user
    context.setdefault("can_approve", user.has_role(*APPROVER_ROLES))
    context.setdefault("can_payroll", user.has_role(*PAYROLL_ROLES))
    context.setdefault("can_fund", user.has_role(*FUND_ROLES))
    return django_render(request, template, context)


def form_submit(form, call, *, once: str = "", user=None, url_of=None):
    """Validate ``form`` and run the service ``call(cleaned_data)``. A ValidationError from the
    service is shown on the form, so the page re-renders with everything the user typed.
    Returns the service's result, or None when nothing was done.

    ``once`` names the idempotency scope of a creating form: a repeat of the form's key by ``user``
    is answered with the first result (``url_of(result)``, default its absolute URL)."""
    if not form.is_valid():
        return None
    try:
        if once:
            return run_once(
                scope=once,
                key=form.idempotency_key,
                user=user,
                create=lambda: call(form.cleaned_data),
                url_of=url_of or (lambda result: result.get_absolute_url()),
            )
        return call(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
