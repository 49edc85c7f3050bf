"""Leave requests (ST-2): mine, new, detail with the next step for whoever may take it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from servicedesk.core.pagination import page_of
from servicedesk.core.uploads import file_response
from staff.permissions import role_required

from .. import policies, selectors, services
from ..forms import CertificateForm, DecisionForm, LeaveRequestForm, ReturnForm
from ..models import LeaveRequest, LeaveStatus
from ..roles import STAFF_ROLES
from ._common import form_submit, render


@require_GET
@role_required(*STAFF_ROLES)
def leave_list(request):
    queryset = LeaveRequest.objects.filter(employee=request.user).select_related("manager_decided_by", "hr_decided_by")
    return render(request, "staff/leave_list.html", {"page": page_of(request, queryset)})


@role_required(*STAFF_ROLES)
def leave_new(request):
    form = LeaveRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        leave = form_submit(
            form,
            lambda data: services.leave_request_submit(employee=request.user, now=timezone.now(), **data),
            once="staff.leave",
            user=request.user,
        )
        if leave is not None:
            messages.success(request, _("Leave request sent to your manager."))
            return redirect(leave)
    return render(request, "staff/leave_form.html", {"form": form})


def _get_leave(request, pk) -> LeaveRequest:
    return get_object_or_404(selectors.leave_visible(user=request.user), pk=pk)


def _leave_page(request, leave, **forms):
    user = request.user
    is_owner = leave.employee_id == user.pk
    context = {
        "leave": leave,
        "is_owner": is_owner,
        "can_decide": policies.can_decide_leave(user, status=leave.status, employee=leave.employee),
        "can_return": is_owner and leave.status == LeaveStatus.APPROVED,
        "can_upload": is_owner and policies.leave_accepts_certificate(status=leave.status),
        "can_cancel": is_owner
        and policies.leave_cancellable(status=leave.status, start_date=leave.start_date, today=timezone.localdate()),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "certificate_form": forms.get("certificate_form") or CertificateForm(),
        "return_form": forms.get("return_form") or ReturnForm(initial={"returned_on": timezone.localdate()}),
    }
    return render(request, "staff/leave_detail.html", context)


@require_GET
@role_required(*STAFF_ROLES)
def leave_detail(request, pk):
    return _leave_page(request, _get_leave(request, pk))


@require_POST
@role_required(*STAFF_ROLES)
def leave_decide(request, pk):
    leave = _get_leave(request, pk)
    form = DecisionForm(request.POST)
    decided = form_submit(
        form,
        lambda data: services.leave_request_decide(
            leave=leave, actor=request.user, approve=form.approve, note=data["note"], now=timezone.now()
        ),
    )
    if decided is None:
        return _leave_page(request, leave, decision_form=form)
    messages.success(request, _("Leave request: %(status)s.") % {"status": decided.get_status_display()})
    return redirect(decided)


@require_POST
@role_required(*STAFF_ROLES)
def leave_certificate(request, pk):
    leave = _get_leave(request, pk)
    form = CertificateForm(request.POST, request.FILES)
    uploaded = form_submit(
        form,
        lambda data: services.leave_certificate_upload(leave=leave, employee=request.user, now=timezone.now(), **data),
    )
    if uploaded is None:
        return _leave_page(request, leave, certificate_form=form)
    messages.success(request, _("Certificate uploaded."))
    return redirect(leave)


@require_POST
@role_required(*STAFF_ROLES)
def leave_return(request, pk):
    leave = _get_leave(request, pk)
    form = ReturnForm(request.POST)
    returned = form_submit(
        form, lambda data: services.leave_return_report(leave=leave, employee=request.user, now=timezone.now(), **data)
    )
    if returned is None:
        return _leave_page(request, leave, return_form=form)
    messages.success(request, _("Return reported (销假). Welcome back."))
    return redirect(leave)


@require_POST
@role_required(*STAFF_ROLES)
def leave_cancel(request, pk):
    leave = _get_leave(request, pk)
    try:
        services.leave_cancel(leave=leave, employee=request.user, now=timezone.now())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Leave request cancelled."))
    return redirect(leave)


@require_GET
@role_required(*STAFF_ROLES)
def leave_certificate_file(request, pk):
    """The certificate, for the people who may see the leave request (never a public media URL): a
    download with nosniff; only a photo is shown in the browser."""
    leave = _get_leave(request, pk)
    if not leave.certificate:
        raise Http404
    name = leave.certificate.name.rsplit("/", 1)[-1]
    try:
        handle = leave.certificate.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The stored file is missing.")) from exc
    return file_response(handle, filename=name, inline_images=True)
