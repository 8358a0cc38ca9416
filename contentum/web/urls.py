"""The client's pages. Each serves the same shell; the script shows the right screen."""

from django.urls import path

from contentum.web.views import client

app_name = "web"

urlpatterns = [
    path("", client, name="home"),
    path("chats/<uuid:chat_id>/", client, name="chat"),
    path("gallery/", client, name="gallery"),
]
