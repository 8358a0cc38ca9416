from rest_framework.routers import SimpleRouter

from contentum.audit.apis import AuditLogViewSet

router = SimpleRouter()
router.register("audit-logs", AuditLogViewSet, basename="audit-log")

urlpatterns = router.urls
