app_name = "maintenance"

# The plan pages (list, detail, form) are not written yet: see docs/onsite.md.
urlpatterns: list = []
