from django.urls import path

from . import views

app_name = "parts"

urlpatterns = [
    path("catalogue/", views.catalogue, name="catalogue"),
    path("locations/", views.location_list, name="locations"),
    path("locations/<int:pk>/", views.location_detail, name="location_detail"),
    path("transfer/", views.transfer, name="transfer"),
    path("receive/", views.receive, name="receive"),
    path("count/", views.count, name="count"),
    path("factory/", views.factory, name="factory"),
    path("factory/<int:pk>/returned/", views.factory_returned, name="factory_returned"),
    path("orders/<int:pk>/use/", views.part_use, name="part_use"),
    path("my-van/", views.my_van, name="my_van"),
]
