import threading

import pytest
from django.db import connection

from contentum.common.exceptions import ConflictError
from contentum.prompts import services
from contentum.prompts.models import PromptTemplate
from contentum.prompts.tests.factories import make_template


@pytest.mark.postgres
# Restores the data migrations' rows (default scenario and template) after the flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_activations_leave_exactly_one_active_template():
    templates = [make_template(name=f"Гонка {index}") for index in range(4)]
    barrier = threading.Barrier(len(templates))
    outcomes: list[str] = []

    def activate(template: PromptTemplate) -> None:
        try:
            barrier.wait()
            services.template_activate(actor=None, prompt_template=template)
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=activate, args=(t,)) for t in templates]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(outcomes) == len(templates)
    assert "ok" in outcomes
    assert PromptTemplate.objects.filter(is_active=True).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_default_template_survives_the_transactional_tests():
    assert PromptTemplate.objects.filter(is_active=True).count() == 1
