"""The duty manager's SLA board and the callback specialists' contract reminder queue (CT-2)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from servicedesk.core.pagination import page_of
from staff.permissions import role_required

from . import selectors, services
from .apps import BOARD_ROLES, REMINDER_ROLES
from .forms import BoardFilterForm, ReminderDoneForm, ReminderLostForm
from .letters import notice_render
from .models import ContractReminder, LetterLanguage
from .selectors import ReminderScope


@require_GET
@role_required(*BOARD_ROLES)
def board(request):
    """Clocks due within the hour, breaches of the day, HL-7 call-backs; htmx refreshes the body."""
    form = BoardFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    now = timezone.now()
    context = {
        "form": form,
        "board": selectors.board_clocks(now=now, team=filters.get("team"), kind=filters.get("kind", "")),
        "now": now,
        "query": request.GET.urlencode(),
    }
    template = "sla/_board.html" if request.headers.get("HX-Request") else "sla/board.html"
    return render(request, template, context)


def _reminder_queue_url(scope: str) -> str:
    return f"{reverse('sla:reminders')}?{urlencode({'scope': scope})}"


@require_GET
@role_required(*REMINDER_ROLES)
def reminder_list(request):
    scope = request.GET.get("scope", ReminderScope.MINE)
    if scope not in ReminderScope.ALL:
        scope = ReminderScope.MINE
    queryset = selectors.reminder_queue(user=request.user, scope=scope)
    page = page_of(request, queryset)
    return render(
        request,
        "sla/reminder_list.html",
        {
            "page": page,
            "scope": scope,
            "query": urlencode({"scope": scope}),
            "today": timezone.localdate(),
            "done_form": ReminderDoneForm(),
        },
    )


@require_POST
@role_required(*REMINDER_ROLES)
def reminder_done(request, pk):
    reminder = get_object_or_404(ContractReminder, pk=pk)
    form = ReminderDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["note"]))
    else:
        try:
            services.contract_reminder_done(
                reminder=reminder, actor=request.user, note=form.cleaned_data["note"], now=timezone.now()
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Reminder for %(number)s done.") % {"number": reminder.contract.number})
    return redirect(_reminder_queue_url(request.POST.get("scope", ReminderScope.MINE)))


@role_required(*REMINDER_ROLES)
def reminder_lost(request, pk):
    reminder = get_object_or_404(ContractReminder.objects.select_related("contract__customer"), pk=pk)
    form = ReminderLostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_mark_lost(
                reminder=reminder, actor=request.user, note=form.cleaned_data["note"], now=timezone.now()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Contract %(number)s marked lost.") % {"number": reminder.contract.number})
            return redirect(_reminder_queue_url(ReminderScope.MINE))
    return render(request, "sla/reminder_lost.html", {"reminder": reminder, "form": form})


@require_GET
@role_required(*REMINDER_ROLES)
def reminder_letter(request, pk):
    """The printable expiry notice (CT-2), in the reminder's language or ``?lang=en|zh-hans``."""
    reminder = get_object_or_404(ContractReminder.objects.select_related("contract__customer"), pk=pk)
    language = request.GET.get("lang")
    if language not in LetterLanguage.values:
        language = reminder.language
    letter = notice_render(reminder=reminder, language=language, today=timezone.localdate())
    return HttpResponse(letter.html)
