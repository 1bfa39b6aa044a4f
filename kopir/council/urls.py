"""The council's pages: internal ones for the secretary and members, public ones for everyone."""

from django.urls import URLPattern, URLResolver, path

from kopir.council.urls_dossiers import urlpatterns as dossier_urlpatterns
from kopir.council.urls_followup import urlpatterns as followup_urlpatterns
from kopir.council.urls_meetings import urlpatterns as meeting_urlpatterns
from kopir.council.views import invitations, public

app_name = "council"

# The public list first: "public/" must not be read as a council's address name.
urlpatterns: list[URLPattern | URLResolver] = [
    path("public/", public.public_council_list, name="public_council_list"),
    # The invitee's personal link: three segments, so no council's address name can shadow it.
    path("invitations/reply/<str:token>/", invitations.invitation_reply, name="invitation_reply"),
    *meeting_urlpatterns,
    *followup_urlpatterns,
    *dossier_urlpatterns,
]
