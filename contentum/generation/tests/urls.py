"""The project's URLs with the generation app's mounted under /api/, for tests that must not
wait for contentum/urls.py to include them (the first match wins, so later it is harmless)."""

from django.urls import include, path

from contentum.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("api/", include("contentum.generation.urls")), *project_urlpatterns]
