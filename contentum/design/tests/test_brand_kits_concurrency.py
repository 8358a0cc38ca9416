"""Simultaneous activations: the partial unique index settles them (PostgreSQL)."""

import pytest

from contentum.common.exceptions import ConflictError
from contentum.common.tests.threads import run_together
from contentum.design import services
from contentum.design.models import BrandKit
from contentum.design.tests.factories import BrandKitFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_simultaneous_activations_leave_exactly_one_active_kit():
    kits = [BrandKitFactory(name=f"Гонка {index}") for index in range(6)]

    def activate(index: int) -> str:
        try:
            services.brand_kit_activate(actor=None, kit=kits[index])
        except ConflictError:
            return "conflict"
        return "ok"

    outcomes = run_together(len(kits), activate)

    assert "ok" in outcomes
    assert set(outcomes) <= {"ok", "conflict"}
    assert BrandKit.objects.filter(is_active=True).count() == 1


def test_simultaneous_creates_of_active_kits_leave_exactly_one_active():
    def create(index: int) -> str:
        try:
            services.brand_kit_create(actor=None, name=f"Новый {index}", is_active=True)
        except ConflictError:
            return "conflict"
        return "ok"

    outcomes = run_together(6, create)

    assert "ok" in outcomes
    assert BrandKit.objects.filter(is_active=True).count() == 1
    assert BrandKit.objects.count() == outcomes.count("ok")
