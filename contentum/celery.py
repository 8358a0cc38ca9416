"""The one Celery app. Settings live in Django settings under the CELERY_ prefix."""

import logging
import os

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "contentum.settings.base")

logger = logging.getLogger(__name__)

app = Celery("contentum")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect(dispatch_uid="contentum-task-db-boundary-start")
@task_postrun.connect(dispatch_uid="contentum-task-db-boundary-end")
def _task_boundary(sender=None, task=None, **kwargs) -> None:
    """Each Celery task is a "request" for the database, as Django treats HTTP requests:
    a connection is kept for CONN_MAX_AGE and dropped when unusable.

    Celery's own Django fix-up would instead close it before and after every task unless
    CELERY_DB_REUSE_MAX is set: two reconnects per poll, ~5 ms each on PostgreSQL, were
    most of a poll's cost. Eager tasks run inside the caller's transaction and are left alone.
    """
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()


@worker_ready.connect(dispatch_uid="contentum-sweep-on-worker-start")
def _sweep_on_start(sender=None, **kwargs) -> None:
    """A worker that starts (often after one was killed) sweeps at once instead of waiting
    for beat: steps past their deadline are resumed within seconds. The sweep is safe to
    run twice (rows are locked, resumed tasks get a new deadline), so several workers
    starting together change nothing twice."""
    try:
        app.send_task("generation.sweep")
    except Exception:
        logger.warning("Could not send the start-up sweep; beat sends the next one", exc_info=True)
