import factory

from contentum.accounts.tests.factories import UserFactory
from contentum.prompts.models import PromptParameters
from contentum.prompts.semantic import semantic_vector

ANSWERS = {
    "idea": "Кот на крыше под луной",
    "event_name": "Чайка",
    "event_genre": "Спектакль",
    "visual_style": "Акварель",
    "composition_focus": "рыжий кот",
    "color_palette": "Тёплые тона",
    "visual_associations": "луна, трубы, черепица",
    "platform": "Telegram",
    "aspect_ratio": "9:16",
}


class PromptParametersFactory(factory.django.DjangoModelFactory):
    """A stored set as the chat would leave it, without enrichment (tests add it when needed)."""

    class Meta:
        model = PromptParameters

    user = factory.SubFactory(UserFactory)
    data = factory.LazyFunction(lambda: dict(ANSWERS))
    semantic_vector = factory.LazyAttribute(lambda obj: semantic_vector(obj.data))


def make_template(
    *, name: str = "Короткий", template: str = "{idea}. Стиль: {visual_style}", **fields
):
    """A template made the way the API makes it (with its first revision)."""
    from contentum.prompts.services import template_create

    return template_create(actor=None, name=name, template=template, **fields)


def make_active_template(*, name: str = "Активный", template: str = "{idea}.", **fields):
    """A template made as the API makes it, then made the active one."""
    from contentum.prompts.services import template_activate

    return template_activate(
        actor=None, prompt_template=make_template(name=name, template=template, **fields)
    )
