from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contentum.chats import flow, selectors, services
from contentum.chats.filters import ChatFilter, MessageFilter
from contentum.chats.models import Chat, Message
from contentum.chats.serializers import (
    AnswerResultSerializer,
    ChatCreatedSerializer,
    ChatCreateSerializer,
    ChatRenameSerializer,
    ChatSerializer,
    MessageCreateSerializer,
    MessageSerializer,
    SummarySerializer,
)
from contentum.common.converters import UUID_CONVERTER
from contentum.common.net import request_origin
from contentum.common.pagination import LongPagination
from contentum.common.responses import success
from contentum.common.schema import envelope


class ChatViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Guided chats. Employees see their own active chats; admins see all."""

    serializer_class = ChatSerializer
    filterset_class = ChatFilter
    search_fields = ["title", "user__email", "user__full_name"]
    lookup_value_converter = UUID_CONVERTER
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Chat.objects.none()
        return selectors.chat_list(user=self.request.user)

    @extend_schema(request=ChatCreateSerializer, responses={201: envelope(ChatCreatedSerializer)})
    def create(self, request: Request) -> Response:
        """Starts a chat and asks the first question; 409 while another chat is unfinished."""
        data = ChatCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        started = flow.chat_create(
            user=request.user,
            title=data.validated_data["title"],
            initial_message=(data.validated_data["initialMessage"] or "").strip() or None,
            origin=request_origin(request),
        )
        body = ChatSerializer(started.chat, context={"messages": started.messages}).data
        body["initial_system_message"] = MessageSerializer(started.messages[0]).data
        return success("Чат создан", body, status=status.HTTP_201_CREATED)

    @extend_schema(request=ChatRenameSerializer, responses={200: ChatSerializer})
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Renames the chat."""
        chat = self.get_object()
        data = ChatRenameSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.chat_rename(actor=request.user, chat=chat, title=data.validated_data["title"])
        return Response(ChatSerializer(chat).data)

    def destroy(self, request: Request, pk: str | None = None) -> Response:
        """Soft delete: the chat is hidden and no longer counts as unfinished."""
        services.chat_delete(actor=request.user, chat=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={200: envelope(ChatSerializer)}, filters=False)
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def unfinished(self, request: Request) -> Response:
        """The user's unfinished chat, or null."""
        chat = selectors.chat_unfinished(user=request.user)
        data = ChatSerializer(chat).data if chat else None
        return success("Незавершённый чат" if chat else "Незавершённых чатов нет", data)

    @extend_schema(responses={200: MessageSerializer(many=True)}, filters=False)
    @action(
        detail=True,
        methods=["get"],
        filterset_class=None,
        search_fields=[],
        pagination_class=LongPagination,
        serializer_class=MessageSerializer,
    )
    def messages(self, request: Request, pk: str | None = None) -> Response:
        """The chat's messages, oldest first (`page_size` up to 1000)."""
        chat = selectors.chat_for_messages(user=request.user, chat_id=pk)
        if chat is None:
            raise NotFound("Чат не найден.")
        page = self.paginate_queryset(chat.messages.order_by("seq"))
        return self.get_paginated_response(MessageSerializer(page, many=True).data)

    @extend_schema(request=None, responses={200: envelope(MessageSerializer)})
    @action(detail=True, methods=["post"])
    def back(self, request: Request, pk: str | None = None) -> Response:
        """Returns to the previous question; the last answer is kept as withdrawn."""
        message = flow.chat_back(user=request.user, chat_id=pk)
        return success("Возвращаемся к предыдущему вопросу", MessageSerializer(message).data)


class MessageViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = MessageSerializer
    filterset_class = MessageFilter
    search_fields = ["content", "chat__title"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Message.objects.none()
        return selectors.message_list(user=self.request.user)

    @extend_schema(
        request=MessageCreateSerializer, responses={201: envelope(AnswerResultSerializer)}
    )
    def create(self, request: Request) -> Response:
        """Answers the chat's current question."""
        input_serializer = MessageCreateSerializer(data=request.data)
        input_serializer.is_valid(raise_exception=True)
        data = input_serializer.validated_data
        outcome = flow.message_answer(
            user=request.user,
            chat_id=data["chat"],
            content=data["content"],
            origin=request_origin(request),
        )
        body = {
            "user_message": MessageSerializer(outcome.user_message).data,
            "system_message": MessageSerializer(outcome.system_message).data,
            **outcome.extra,
        }
        text = flow.ANSWER_ACCEPTED
        if outcome.completed:
            text = f"{flow.FLOW_COMPLETED}: ответы собраны, изображение генерируется."
        return success(text, body, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: envelope(MessageSerializer, many=True)}, filters=False)
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def recent(self, request: Request) -> Response:
        """The user's last 50 messages, newest first."""
        limit = settings.CHAT_RECENT_MESSAGES
        messages = selectors.message_list(user=request.user).filter(chat__user=request.user)[:limit]
        return success("Последние сообщения", MessageSerializer(messages, many=True).data)


class UserSummaryView(APIView):
    @extend_schema(responses={200: envelope(SummarySerializer)})
    def get(self, request: Request) -> Response:
        """Counts of the user's chats and messages."""
        return success("Сводка", selectors.user_summary(user=request.user))
