"""Kopir's URLs. Every human-facing page lives under a language prefix (/kk/, /ru/, /en/)."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import URLPattern, URLResolver, include, path

from kopir.api import api
from kopir.core.views import healthz

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", healthz, name="healthz"),
    path("api/", api.urls),
]

urlpatterns += i18n_patterns(
    path("", include("kopir.core.urls")),
    path("accounts/", include("kopir.accounts.urls")),
    path("directory/", include("kopir.directory.urls")),
    path("people/", include("kopir.people.urls")),
    path("audit/", include("kopir.audit.urls")),
    path("council/", include("kopir.council.urls")),
    path("mse/", include("kopir.assessment.urls")),
    path("notices/", include("kopir.notices.urls")),
    path("rehabilitation/", include("kopir.rehabilitation.urls")),
    path("exchange/", include("kopir.exchange.urls")),
    path("oversight/", include("kopir.oversight.urls")),
    prefix_default_language=True,
)
