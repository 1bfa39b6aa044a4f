"""MSE pages: the clinic's, the MSE division's, and the public citizen status page."""

from kopir.assessment.urls_clinic import urlpatterns as clinic_urlpatterns
from kopir.assessment.urls_division import urlpatterns as division_urlpatterns
from kopir.assessment.urls_intake import urlpatterns as intake_urlpatterns
from kopir.assessment.urls_public import urlpatterns as public_urlpatterns

app_name = "assessment"

urlpatterns = clinic_urlpatterns + intake_urlpatterns + division_urlpatterns + public_urlpatterns
