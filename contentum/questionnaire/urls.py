from rest_framework.routers import SimpleRouter

from contentum.questionnaire.apis import ScenarioViewSet

router = SimpleRouter()
router.register("scenarios", ScenarioViewSet, basename="scenario")

urlpatterns = router.urls
