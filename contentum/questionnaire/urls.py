from rest_framework.routers import SimpleRouter

from contentum.questionnaire.apis import ScenarioViewSet

router = SimpleRouter(use_regex_path=False)
router.register("scenarios", ScenarioViewSet, basename="scenario")

urlpatterns = router.urls
