from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from tickets.selectors import home_summary

from .health import check_broker, check_database, check_outbox, check_sweep
from .landing import landing_url_name
from .parsing import pk_or_none


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Readiness for load balancers: 200 when the database and the broker answer (503 otherwise).
    The outbox backlog and the age of the last SLA sweep are reported too; when they are out of
    bounds the status is "warn" (still 200: restarting the web process would not help)."""
    db_ok, db_detail = check_database()
    broker_ok, broker_detail = check_broker()
    checks = {
        "database": {"ok": db_ok, "detail": db_detail},
        "broker": {"ok": broker_ok, "detail": broker_detail},
    }
    if db_ok:
        checks["outbox"] = check_outbox()
        checks["sweep"] = check_sweep()
    ready = db_ok and broker_ok
    warn = any(not check["ok"] for name, check in checks.items() if name in ("outbox", "sweep"))
    payload = {"status": "fail" if not ready else ("warn" if warn else "ok"), "checks": checks}
    return JsonResponse(payload, status=200 if ready else 503)


@require_GET
def home(request):
    """``/`` sends each person to their work queue (servicedesk.core.landing)."""
    url_name = landing_url_name(roles=request.user.role_names)
    if url_name is None:
        return start(request)
    return redirect(url_name)


@require_GET
def start(request):
    """The start page: ticket counts, for people without a queue of their own."""
    return render(request, "core/home.html", {"summary": home_summary(user=request.user)})


@require_GET
def search(request):
    """The top bar's search (issue 17): an exact ticket number or order code the user may open goes
    straight to it; anything else lists the matches per kind the user's roles open."""
    from .forms import SearchForm
    from .search import search_exact_url, search_groups, search_kinds_for

    form = SearchForm(request.GET)
    valid = form.is_valid()
    text = form.cleaned_data["q"] if valid else ""
    if text:
        target = search_exact_url(user=request.user, text=text)
        if target is not None:
            return redirect(target)
    context = {
        "form": form,
        "search_query": text,
        "groups": search_groups(user=request.user, text=text),
        "kinds": search_kinds_for(request.user),
    }
    return render(request, "core/search.html", context, status=200 if valid else 400)


@require_GET
def notification_list(request):
    from django.core.paginator import Paginator

    from .selectors import notification_list_for

    page = Paginator(notification_list_for(user=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "core/notification_list.html", {"page": page})


@require_POST
def notification_read(request):
    """Mark one notification (``id``) or all of them read, then follow its link or go back."""
    from .services import notification_mark_read

    notification_id = pk_or_none(request.POST.get("id"))
    ids = [notification_id] if notification_id else None
    notification_mark_read(user=request.user, notification_ids=ids)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("notifications")
    return redirect(target)
