from django.apps import AppConfig


class GenerationConfig(AppConfig):
    name = "contentum.generation"
    label = "generation"
    verbose_name = "Генерация изображений"

    def ready(self) -> None:
        from celery.signals import task_postrun, task_prerun

        task_prerun.connect(_task_boundary, dispatch_uid="contentum-task-db-boundary-start")
        task_postrun.connect(_task_boundary, dispatch_uid="contentum-task-db-boundary-end")


def _task_boundary(sender=None, task=None, **kwargs) -> None:
    """Each Celery task is a "request" for the database, as Django treats HTTP requests:
    a connection is kept for CONN_MAX_AGE and health-checked before reuse.

    Celery's own Django fix-up would instead close it before and after every task unless
    CELERY_DB_REUSE_MAX is set (settings/generation.py sets it): two reconnects per poll,
    ~5 ms each on PostgreSQL, were most of a poll's cost. Eager tasks run inside the
    caller's transaction and are left alone.
    """
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
