"""How a pipeline step is sent: by Celery task name, so the pipeline never imports tasks."""

import pytest

from contentum.celery import app as celery_app
from contentum.common.tests.subprocesses import embedded_env, python
from contentum.generation import steps, tasks

SCRIPT = """
import sys, django
django.setup()
from contentum.generation import outcomes, pipeline, services, steps
assert "contentum.generation.tasks" not in sys.modules, "tasks was imported"

# As in a web process: the step goes to the broker by name, no task object needed.
from contentum.celery import app
app.conf.task_always_eager = False
sent = []
app.send_task = lambda name, args=None, kwargs=None, **options: sent.append((name, args))
steps.publish(steps.SUBMIT, "task-id", 1)
assert sent == [("generation.submit", ("task-id", 1))], sent

from contentum.generation import tasks  # and tasks itself loads afterwards
"""


def test_the_pipeline_and_the_services_load_without_the_celery_tasks(tmp_path):
    """tasks → pipeline → outcomes → steps, and services → steps: no way back to tasks.
    A fresh interpreter, since this one has loaded everything already."""
    env = embedded_env(tmp_path, settings_module="contentum.settings.test")

    result = python("-c", SCRIPT, env=env)

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("step", "task"), [(steps.SUBMIT, tasks.submit), (steps.POLL, tasks.poll)])
def test_each_step_names_the_celery_task_that_runs_it(step, task):
    assert task.name == steps.TASK_NAMES[step]
    assert celery_app.tasks[task.name].run == task.run  # bound tasks: equal, not identical


def test_a_step_is_published_by_name_with_its_countdown(monkeypatch):
    """Outside eager mode the message goes to the broker under the task's name, which
    CELERY_TASK_ROUTES maps to the step's queue."""
    published = []
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setattr(
        celery_app,
        "send_task",
        lambda name, args=None, kwargs=None, **options: published.append(
            (name, tuple(args), options.get("countdown"))
        ),
    )

    steps.publish(steps.POLL, "task-id", 7, countdown=2.5)

    assert published == [("generation.poll", ("task-id", 7), 2.5)]
    route = celery_app.amqp.router.route({}, "generation.poll", ("task-id", 7), {})
    assert route["queue"].name == "polling"
