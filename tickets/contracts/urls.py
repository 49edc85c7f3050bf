from django.urls import path

from . import views

app_name = "contracts"

urlpatterns = [
    path("list/", views.contract_list, name="list"),
    path("list/<int:pk>/", views.contract_detail, name="detail"),
    path("list/<int:pk>/renew/", views.renewal_offer, name="renewal_offer"),
    path("renewals/", views.renewal_list, name="renewals"),
    path("renewals/<int:pk>/", views.renewal_detail, name="renewal_detail"),
    path("renewals/<int:pk>/sign/", views.renewal_sign, name="renewal_sign"),
    path("renewals/<int:pk>/pay/", views.renewal_pay, name="renewal_pay"),
    path("renewals/<int:pk>/apply/", views.renewal_apply, name="renewal_apply"),
    path("renewals/<int:pk>/decline/", views.renewal_decline, name="renewal_decline"),
    path("renewals/<int:pk>/cancel/", views.renewal_cancel, name="renewal_cancel"),
    path("overdue/", views.overdue_list, name="overdue"),
    path("targets/", views.targets, name="targets"),
    path("targets/<int:year>/", views.targets, name="targets_year"),
    path("targets/<int:year>/<int:month>/", views.target_edit, name="target_edit"),
]
