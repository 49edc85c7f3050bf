from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tickets.selectors import home_summary

from .health import check_broker, check_database


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Liveness and readiness for load balancers: 200 when the database and the broker answer."""
    db_ok, db_detail = check_database()
    broker_ok, broker_detail = check_broker()
    healthy = db_ok and broker_ok
    payload = {
        "status": "ok" if healthy else "fail",
        "checks": {
            "database": {"ok": db_ok, "detail": db_detail},
            "broker": {"ok": broker_ok, "detail": broker_detail},
        },
    }
    return JsonResponse(payload, status=200 if healthy else 503)


def home(request):
    return render(request, "core/home.html", {"summary": home_summary(user=request.user)})
