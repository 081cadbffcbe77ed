app_name = "contacts"
urlpatterns: list = []  # the per-account contacts pages live here (see accounts' page)
