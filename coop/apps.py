from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoopConfig(AppConfig):
    name = "coop"
    verbose_name = _("Cooperative")

    def ready(self) -> None:
        # Register the system checks: the private files folder is not published; the deploy checks.
        from coop import checks, files  # noqa: F401
