from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoopConfig(AppConfig):
    name = "coop"
    verbose_name = _("Cooperative")

    def ready(self) -> None:
        # Registers the system check that the private files folder is not published.
        from coop import files  # noqa: F401
