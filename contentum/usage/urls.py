from django.urls import path

from contentum.usage.apis import UsageReportView

urlpatterns = [path("usage/", UsageReportView.as_view(), name="usage-report")]
