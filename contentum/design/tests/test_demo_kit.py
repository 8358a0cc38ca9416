"""`make run` on a fresh install gets an example brand kit, so its first poster carries a
logo and the house's colours; an install that has kits is left alone."""

import pytest
from django.core.management import call_command

from contentum.design.models import BrandKit
from contentum.design.selectors import brand_style

pytestmark = pytest.mark.django_db


def test_a_fresh_install_gets_one_active_example_kit_with_a_usable_logo(media):
    call_command("ensure_brand_kit")
    call_command("ensure_brand_kit")  # idempotent

    kit = BrandKit.objects.get()
    assert kit.is_active and kit.logo
    style = brand_style(kit)
    assert style.logo is not None and style.logo.mode == "RGBA"
    assert style.logo.getchannel("A").getextrema() == (0, 255)  # a real alpha channel
    assert style.text_color.lower() == "#f5e6c8"


def test_an_install_with_any_kit_is_left_alone(media):
    BrandKit.objects.create(name="Свой", is_active=False)

    call_command("ensure_brand_kit")

    assert list(BrandKit.objects.values_list("name", flat=True)) == ["Свой"]
