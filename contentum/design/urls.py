from rest_framework.routers import SimpleRouter

from contentum.design.apis import BrandKitViewSet, FormatViewSet

router = SimpleRouter(use_regex_path=False)
router.register("formats", FormatViewSet, basename="format")
router.register("brand-kits", BrandKitViewSet, basename="brand-kit")

urlpatterns = router.urls
