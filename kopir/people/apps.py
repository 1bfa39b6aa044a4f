from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "kopir.people"
    label = "people"
    verbose_name = _("Registry of persons")
