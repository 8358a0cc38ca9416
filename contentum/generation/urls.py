from django.urls import path
from rest_framework.routers import SimpleRouter

from contentum.generation.apis import GenerateView, GenerationTaskViewSet

router = SimpleRouter(use_regex_path=False)
router.register("generation-tasks", GenerationTaskViewSet, basename="generation-task")

# `promptactions/generate/` sits beside the prompts app's `promptactions/assemble/`.
urlpatterns = [
    path("promptactions/generate/", GenerateView.as_view(), name="prompt-generate"),
    *router.urls,
]
