from django.urls import path
from rest_framework.routers import SimpleRouter

from contentum.prompts.apis import AssembleView, PromptParametersViewSet, PromptTemplateViewSet

router = SimpleRouter(use_regex_path=False)
router.register("prompttemplates", PromptTemplateViewSet, basename="prompt-template")
router.register("promptparameters", PromptParametersViewSet, basename="prompt-parameters")

# `promptactions/` is a prefix, not a viewset: the generation app adds `generate/` beside it.
urlpatterns = [
    path("promptactions/assemble/", AssembleView.as_view(), name="prompt-assemble"),
    *router.urls,
]
