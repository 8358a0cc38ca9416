from django.urls import path
from rest_framework.routers import SimpleRouter

from contentum.chats.apis import ChatViewSet, MessageViewSet, UserSummaryView

router = SimpleRouter(use_regex_path=False)
router.register("chats", ChatViewSet, basename="chat")
router.register("messages", MessageViewSet, basename="message")

urlpatterns = [path("users/summary/", UserSummaryView.as_view(), name="user-summary"), *router.urls]
