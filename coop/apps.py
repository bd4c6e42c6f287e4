from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoopConfig(AppConfig):
    name = "coop"
    verbose_name = _("Cooperative")

    def ready(self) -> None:
        from coop import checks  # noqa: F401 - registers the deploy checks
