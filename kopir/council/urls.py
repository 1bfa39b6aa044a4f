"""The council's pages: internal ones for the secretary and members, public ones for everyone."""

from kopir.council.urls_followup import urlpatterns as followup_urlpatterns
from kopir.council.urls_meetings import urlpatterns as meeting_urlpatterns

app_name = "council"

urlpatterns = meeting_urlpatterns + followup_urlpatterns
