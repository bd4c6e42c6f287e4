"""The Celery app: one per process, configured from Django settings (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coop.settings")

app = Celery("wijkwerk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Subject packages inside an app keep their own tasks.py.
app.autodiscover_tasks(["jobs.matching", "jobs.hours", "invoicing.payments"])
