"""The council's pages: internal ones for the secretary and members, public ones for everyone."""

from django.urls import URLPattern, URLResolver, path

from kopir.council.urls_followup import urlpatterns as followup_urlpatterns
from kopir.council.urls_meetings import urlpatterns as meeting_urlpatterns
from kopir.council.views import public

app_name = "council"

# The public list first: "public/" must not be read as a council's address name.
urlpatterns: list[URLPattern | URLResolver] = [
    path("public/", public.public_council_list, name="public_council_list"),
    *meeting_urlpatterns,
    *followup_urlpatterns,
]
