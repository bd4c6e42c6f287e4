from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Jobs")

    def ready(self) -> None:
        from jobs.services.departures import future_work_preview, future_work_release
        from jobs.widgets import widgets_register
        from members.departures import departure_handler_register

        widgets_register()
        departure_handler_register(preview=future_work_preview, handle=future_work_release)
