from django.urls import path

from . import views

app_name = "parts"

urlpatterns = [
    path("catalogue/", views.catalogue, name="catalogue"),
    path("locations/", views.location_list, name="locations"),
    path("locations/<int:pk>/", views.location_detail, name="location_detail"),
    path("transfer/", views.transfer, name="transfer"),
    path("my-van/", views.my_van, name="my_van"),
]
