"""Remote-maintenance pages: a ticket's service records, change requests and bugs, the knowledge
base, the document archive. Views parse input, call a selector or a service, and render."""


from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from servicedesk.core.pagination import page_of, query_without_page
from servicedesk.core.uploads import file_response
from staff.permissions import role_required
from staff.roles import Role
from tickets.models.tickets import Status
from tickets.policies import TransitionNotAllowed
from tickets.selectors import ticket_detail_queryset

from . import forms, selectors, services
from .models import Attachment, RecordKind
from .policies import allowed_change_steps, required_record_kinds
from .selectors import (
    ARCHIVE_ROLES,
    ATTACHMENT_ROLES,
    CHANGE_REVIEW_ROLES,
    CHANGE_ROLES,
    CHANGE_WORK_ROLES,
    FAQ_EDIT_ROLES,
    FAQ_ROLES,
    RECORD_ROLES,
)
from .services import RECORD_TEXT_FIELDS, RECORD_UPLOAD_KINDS


def _get_ticket(request, number):
    return get_object_or_404(ticket_detail_queryset(user=request.user), number=number)


# --- A ticket's remote service (RM-1..RM-4) --------------------------------------------------------


@require_GET
@role_required(*RECORD_ROLES)
def ticket_remote(request, number):
    """The remote service of one ticket: its typed records, what it still needs, its change request."""
    ticket = _get_ticket(request, number)
    records = list(selectors.ticket_records(ticket=ticket))
    recorded = {record.kind for record in records}
    needs = [
        {"kinds": [RecordKind(kind).label for kind in sorted(need)], "done": bool(need & recorded)}
        for need in required_record_kinds(channel=ticket.channel, ticket_type=ticket.type)
    ]
    return render(
        request,
        "remote/ticket_remote.html",
        {
            "ticket": ticket,
            "records": records,
            "needs": needs,
            "kinds": RecordKind.choices,
            "change": selectors.ticket_change_request(ticket=ticket),
            "faq": selectors.ticket_faq_entry(ticket=ticket),
            "can_promote": ticket.status in (Status.RESOLVED, Status.CLOSED),
        },
    )


@role_required(*RECORD_ROLES)
def record_create(request, number, kind):
    if kind not in RecordKind.values:
        raise Http404
    ticket = _get_ticket(request, number)
    form = forms.RemoteRecordForm(request.POST or None, request.FILES or None, ticket=ticket, kind=kind)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.remote_record_create(
                ticket=ticket,
                kind=kind,
                engineer=request.user,
                contact=data["contact"],
                served_at=data["served_at"],
                form_upload=data.get("form_upload"),
                told_contact=data.get("told_contact"),
                **{field: data[field] for field in RECORD_TEXT_FIELDS if field in data},
            )
        except ValidationError as exc:
            forms.add_service_errors(form, exc, {RECORD_UPLOAD_KINDS.get(kind, ""): "form_upload", "file": "form_upload"})
        else:
            messages.success(request, _("%(kind)s record saved.") % {"kind": RecordKind(kind).label})
            return redirect("remote:ticket_remote", number=ticket.number)
    return render(
        request, "remote/record_form.html", {"ticket": ticket, "form": form, "kind_label": RecordKind(kind).label}
    )


# --- Change requests (RM-5) and bugs (RM-6) --------------------------------------------------------


@require_GET
@role_required(*CHANGE_ROLES)
def change_list(request):
    form = forms.ChangeFilterForm(request.GET or None)
    status, overdue = "", False
    if form.is_valid():
        status, overdue = form.cleaned_data["status"], form.cleaned_data["overdue"]
    queryset = selectors.change_request_list(
        user=request.user, status=status, overdue_on=timezone.localdate() if overdue else None
    )
    return render(
        request,
        "remote/change_list.html",
        {"form": form, "page": page_of(request, queryset), "query": query_without_page(request), "today": timezone.localdate()},
    )


@role_required(*CHANGE_WORK_ROLES)
def change_create(request, number):
    ticket = _get_ticket(request, number)
    if (existing := selectors.ticket_change_request(ticket=ticket)) is not None:
        return redirect(existing)
    form = forms.ChangeRequestForm(
        request.POST or None, request.FILES or None, initial={"title": ticket.subject, "requirement": ticket.description}
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = services.change_request_create(
                ticket=ticket,
                title=form.cleaned_data["title"],
                requirement=form.cleaned_data["requirement"],
                form_upload=form.cleaned_data["form_upload"],
                requested_by=request.user,
            )
        except ValidationError as exc:
            forms.add_service_errors(form, exc, {"requirement_form": "form_upload", "file": "form_upload"})
        else:
            messages.success(request, _("Change request filed."))
            return redirect(change)
    return render(
        request, "remote/change_form.html", {"ticket": ticket, "form": form, "title": _("New change request")}
    )


@role_required(*CHANGE_WORK_ROLES)
def bug_create(request, number):
    ticket = _get_ticket(request, number)
    if (existing := selectors.ticket_change_request(ticket=ticket)) is not None:
        return redirect(existing)
    initial = {"title": ticket.subject}
    if ticket.installation_id:
        initial["product"] = ticket.installation.product_id
    form = forms.BugForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            bug = services.bug_report(ticket=ticket, reported_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            forms.add_service_errors(form, exc)
        else:
            messages.success(request, _("Bug reported; it is now a change request waiting for review."))
            return redirect(bug.change_request)
    return render(request, "remote/change_form.html", {"ticket": ticket, "form": form, "title": _("Report a bug")})


# Step name on the page -> form class; "review" covers the service's approve and reject steps.
STEP_FORMS = {
    "confirm": forms.ConfirmForm,
    "review": forms.ReviewForm,
    "tell": forms.TellForm,
    "delay": forms.DelayForm,
    "develop": forms.NoteForm,
    "test": forms.TestForm,
    "update": forms.NoteForm,
    "opinion": forms.OpinionForm,
}


def _step_form(action, change, data=None):
    form_class = STEP_FORMS[action]
    if form_class is forms.TellForm:
        return form_class(data, change=change, prefix=action)
    return form_class(data, prefix=action)


def _steps_for(user, change) -> list[str]:
    """The steps this user may take now (the review is the manager's, the test the requester's)."""
    if not user.has_role(*CHANGE_WORK_ROLES):
        return []
    actions = []
    for step in allowed_change_steps(change.status):
        action = "review" if step.action in ("approve", "reject") else step.action
        if action in actions:
            continue
        if action == "review" and not user.has_role(*CHANGE_REVIEW_ROLES):
            continue
        if action == "test" and user.pk != change.requested_by_id:
            continue
        actions.append(action)
    return actions


def _render_change(request, change, bound=None, status=200):
    step_forms = {action: _step_form(action, change) for action in _steps_for(request.user, change)}
    if bound is not None:
        step_forms[bound.prefix] = bound
    return render(
        request,
        "remote/change_detail.html",
        {
            "change": change,
            "step_forms": step_forms,
            "steps": [(action, form) for action, form in step_forms.items()],
            "timeline": selectors.change_request_timeline(change=change),
            "today": timezone.localdate(),
        },
        status=status,
    )


def _get_change(request, pk):
    return get_object_or_404(selectors.change_request_detail_queryset(user=request.user), pk=pk)


@require_GET
@role_required(*CHANGE_ROLES)
def change_detail(request, pk):
    return _render_change(request, _get_change(request, pk))


def _run_step(action, change, actor, data):
    if action == "confirm":
        return services.change_request_confirm(change=change, actor=actor, note=data["note"])
    if action == "review":
        return services.change_request_review(
            change=change, actor=actor, approve=data["decision"] == "approve", opinion=data["opinion"],
            expected_on=data["expected_on"],
        )  # fmt: skip
    if action == "tell":
        return services.change_request_tell_customer(change=change, actor=actor, contact=data["contact"])
    if action == "delay":
        return services.change_request_announce_delay(
            change=change, actor=actor, new_expected_on=data["new_expected_on"], reason=data["reason"]
        )
    if action == "develop":
        return services.change_request_mark_developed(change=change, actor=actor, note=data["note"])
    if action == "test":
        return services.change_request_record_test(change=change, actor=actor, passed=data["passed"], note=data["note"])
    if action == "update":
        return services.change_request_mark_customer_updated(change=change, actor=actor, note=data["note"])
    return services.change_request_record_opinion(change=change, actor=actor, opinion=data["opinion"])


@require_POST
@role_required(*CHANGE_WORK_ROLES)
def change_step(request, pk, action):
    change = _get_change(request, pk)
    if action not in STEP_FORMS:
        raise Http404
    form = _step_form(action, change, request.POST)
    if not form.is_valid():
        return _render_change(request, change, bound=form)
    try:
        _run_step(action, change, request.user, form.cleaned_data)
    except (ValidationError, TransitionNotAllowed) as exc:
        if isinstance(exc, TransitionNotAllowed):
            form.add_error(None, exc.message)
        else:
            forms.add_service_errors(form, exc)
        return _render_change(request, change, bound=form)
    messages.success(request, _("Change request updated."))
    return redirect(change)


# --- Knowledge base (GN-5) ------------------------------------------------------------------------


@require_GET
@role_required(*FAQ_ROLES)
def faq_list(request):
    form = forms.FaqSearchForm(request.GET or None)
    text, product = "", None
    if form.is_valid():
        text, product = form.cleaned_data["q"], form.cleaned_data["product"]
    page = page_of(request, selectors.faq_list(text=text, product=product))
    return render(request, "remote/faq_list.html", {"form": form, "page": page, "query": query_without_page(request), "q": text})


@require_GET
@role_required(*FAQ_ROLES)
def faq_detail(request, pk):
    entry = get_object_or_404(selectors.faq_detail_queryset(user=request.user), pk=pk)
    return render(request, "remote/faq_detail.html", {"entry": entry})


@role_required(*FAQ_EDIT_ROLES)
def faq_promote(request, number):
    ticket = _get_ticket(request, number)
    initial = {"problem": ticket.subject, "solution": ticket.resolution}
    if ticket.installation_id:
        initial["product"] = ticket.installation.product_id
    form = forms.FaqForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.faq_promote(ticket=ticket, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            forms.add_service_errors(form, exc)
        else:
            messages.success(request, _("Added to the knowledge base."))
            return redirect(entry)
    return render(request, "remote/faq_form.html", {"ticket": ticket, "form": form})


# --- Stored documents (RM-7) -----------------------------------------------------------------------


@require_GET
@role_required(*ARCHIVE_ROLES)
def attachment_list(request):
    form = forms.ArchiveFilterForm(request.GET or None)
    search, kind = "", ""
    if form.is_valid():
        search, kind = form.cleaned_data["q"], form.cleaned_data["kind"]
    page = page_of(request, selectors.attachment_archive(user=request.user, search=search, kind=kind))
    return render(
        request,
        "remote/attachment_list.html",
        {"form": form, "page": page, "query": query_without_page(request), "can_delete": request.user.has_role(Role.ADMIN)},
    )


def _get_attachment(request, pk) -> Attachment:
    """GN-7: a document outside what the user may see answers 404, as if it did not exist."""
    return get_object_or_404(selectors.attachment_visible_queryset(user=request.user), pk=pk)


@require_GET
@role_required(*ATTACHMENT_ROLES)
def attachment_download(request, pk):
    attachment = _get_attachment(request, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The stored file is missing.")) from exc
    return file_response(handle, filename=attachment.original_name)  # attachment, nosniff


@require_POST
@role_required(Role.ADMIN)
def attachment_delete(request, pk):
    attachment = _get_attachment(request, pk)
    try:
        services.attachment_delete(attachment=attachment, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Document deleted."))
    return redirect("remote:attachment_list")
