import hashlib

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated, NotFound, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contentum.common.converters import FILE_KIND_CONVERTER, UUID_CONVERTER
from contentum.common.exceptions import ApplicationError
from contentum.common.net import request_origin
from contentum.common.responses import success
from contentum.common.schema import ErrorEnvelopeSerializer, envelope
from contentum.common.throttling import GenerationUserThrottle
from contentum.design.engine import encode
from contentum.generation import selectors, services, sharing, variants
from contentum.generation.filters import GenerationTaskFilter
from contentum.generation.models import GenerationTask, TaskStatus
from contentum.generation.posters import open_png
from contentum.generation.serializers import (
    ChooseInputSerializer,
    GenerateInputSerializer,
    GenerateResultSerializer,
    GenerationTaskDetailSerializer,
    GenerationTaskSerializer,
    PosterTextInputSerializer,
    ShareLinkSerializer,
    ShareResultSerializer,
    SharesRevokedSerializer,
    VaryInputSerializer,
    generate_result,
)
from contentum.prompts import selectors as prompt_selectors
from contentum.prompts import services as prompt_services

LINK_REFUSED = "Ссылка недействительна, отозвана или срок её действия истёк."
NO_IMAGE = {
    TaskStatus.PENDING: "Изображение ещё не готово: генерация в очереди.",
    TaskStatus.RUNNING: "Изображение ещё не готово: генерация идёт.",
}
SIGNATURE = OpenApiParameter(
    "signature",
    str,
    description=(
        "Подпись из share/: открывает изображение без токена, пока ссылка не истечёт и не отозвана."
    ),
)
SHARE_ID = OpenApiParameter("share_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


def _image_schema(media_type: str, description: str) -> dict:
    # The views allow anyone in (a signature is a permission of its own), so the schema
    # generator would not list 401 and 403 by itself.
    return {
        (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description=description),
        302: OpenApiResponse(
            description="Со S3 и IMAGE_REDIRECT_SECONDS > 0: временная подписанная ссылка на файл."
        ),
        401: ErrorEnvelopeSerializer,
        403: ErrorEnvelopeSerializer,
    }


def _bucket_url(file: FieldFile, *, disposition: str, content_type: str) -> str | None:
    """A short-lived presigned link to the object, when the storage signs its URLs (S3)
    and IMAGE_REDIRECT_SECONDS allows it; the bucket then sends the same headers."""
    seconds = settings.IMAGE_REDIRECT_SECONDS
    if seconds <= 0 or not getattr(file.storage, "querystring_auth", False):
        return None
    parameters = {"ResponseContentDisposition": disposition, "ResponseContentType": content_type}
    return file.storage.url(file.name, parameters=parameters, expire=seconds)


def _etag(name: str, variant: str = "") -> str:
    """Stored file names never repeat (a re-typeset poster gets a new one), so the name
    is the version of the bytes behind a stable URL such as …/download/."""
    return '"' + hashlib.sha256(f"{name}|{variant}".encode()).hexdigest()[:32] + '"'


def _revalidate(response: HttpResponse, etag: str) -> HttpResponse:
    # The URL stays, the bytes may change (PATCH …/text/): clients keep a copy and ask
    # whether it is current, which costs a 304 and no bytes.
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _not_modified(request: Request, etag: str) -> HttpResponse | None:
    if etag in [tag.strip() for tag in request.META.get("HTTP_IF_NONE_MATCH", "").split(",")]:
        return _revalidate(HttpResponse(status=304), etag)
    return None


def _serve(
    file: FieldFile, *, filename: str, attachment: bool, missing: str, request: Request
) -> HttpResponse:
    """The stored file: a redirect to the bucket (see `_bucket_url`), else streamed from
    Django storage (local disk or S3 alike)."""
    if not file:
        raise NotFound(missing)
    etag = _etag(file.name)
    if (unchanged := _not_modified(request, etag)) is not None:
        return unchanged
    content_type = "image/webp" if file.name.endswith(".webp") else "image/png"
    disposition = content_disposition_header(attachment, filename)
    url = _bucket_url(file, disposition=disposition, content_type=content_type)
    if url:
        redirect = HttpResponseRedirect(url)
        redirect["Cache-Control"] = "private, no-store"  # the link expires, the task does not
        return redirect
    try:
        handle = file.storage.open(file.name, "rb")
    except FileNotFoundError as exc:
        raise NotFound("Файл изображения не найден в хранилище.") from exc
    response = FileResponse(
        handle, as_attachment=attachment, filename=filename, content_type=content_type
    )
    return _revalidate(response, etag)


FORMATS = ("png", "jpeg", "webp")
LAYERS = ("poster", "background")
CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}
FORMAT_PARAMETER = OpenApiParameter(
    "format", str, enum=list(FORMATS), description="Формат файла: png (по умолчанию), jpeg, webp."
)
LAYER_PARAMETER = OpenApiParameter(
    "layer",
    str,
    enum=list(LAYERS),
    description="poster (по умолчанию) или background: фон постера без текста и логотипа.",
)


def _choice(request: Request, name: str, allowed: tuple[str, ...]) -> str:
    value = request.query_params.get(name, allowed[0]).lower()
    if value not in allowed:
        message = f"Параметр {name}: одно из значений {', '.join(allowed)}."
        raise ApplicationError(message, errors={name: [message]})
    return value


def _converted(
    file: FieldFile, fmt: str, *, filename: str, attachment: bool, missing: str, request: Request
) -> HttpResponse:
    """The stored PNG converted on the way out (JPEG, WebP): stored once, served in any."""
    if not file:
        raise NotFound(missing)
    etag = _etag(file.name, fmt)
    if (unchanged := _not_modified(request, etag)) is not None:
        return unchanged
    try:
        with file.storage.open(file.name, "rb") as stored:
            data = encode(open_png(stored.read()), fmt)
    except FileNotFoundError as exc:
        raise NotFound("Файл изображения не найден в хранилище.") from exc
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(attachment, filename)
    return _revalidate(response, etag)


def _in_format(
    file: FieldFile, *, request: Request, name: str, attachment: bool, missing: str
) -> HttpResponse:
    """The stored PNG as `?format=` asks: served as stored, or converted on the way out."""
    fmt = _choice(request, "format", FORMATS)
    where = {"filename": f"{name}.{fmt}", "attachment": attachment, "missing": missing}
    if fmt == "png":
        return _serve(file, request=request, **where)
    return _converted(file, fmt, request=request, **where)


class GenerateView(APIView):
    throttle_classes = [GenerationUserThrottle]

    @extend_schema(
        request=GenerateInputSerializer,
        # 404: a parameter set or template that is not the caller's (or does not exist).
        responses={202: envelope(GenerateResultSerializer), 404: ErrorEnvelopeSerializer},
        tags=["promptactions"],
    )
    def post(self, request: Request) -> Response:
        """Assembles the prompt as `assemble/` does and queues its generation; answers at
        once with the task id (the image comes later: see generation-tasks/{id}/)."""
        data = GenerateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values.get("prompt_parameters_id"):
            parameters = prompt_selectors.parameters_get(
                user=request.user, parameters_id=values["prompt_parameters_id"]
            )
        else:
            parameters = prompt_services.prompt_parameters_build(
                user=request.user, answers=values["parameters"]
            )
        template = None
        if values.get("template_id"):
            template = prompt_selectors.template_get(template_id=values["template_id"])
        task = services.generation_task_generate(
            user=request.user,
            parameters=parameters,
            template=template,
            max_attempts=values["max_attempts"],
            aspect_ratio=values.get("aspect_ratio"),
            width=values.get("width"),
            height=values.get("height"),
            origin=request_origin(request),
            variant_count=values["variant_count"],
        )
        return success("Генерация запущена", generate_result(task), status=status.HTTP_202_ACCEPTED)


class GenerationTaskViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Generation tasks: employees see their own, admins everyone's."""

    serializer_class = GenerationTaskSerializer
    filterset_class = GenerationTaskFilter
    search_fields = ["prompt", "owner__email"]
    lookup_value_converter = UUID_CONVERTER

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return GenerationTask.objects.none()
        if self.action == "retrieve":
            return selectors.task_detail_list(user=self.request.user)
        return selectors.task_list(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return GenerationTaskDetailSerializer
        return GenerationTaskSerializer

    def _detail(self, task: GenerationTask) -> dict:
        task = selectors.task_get(user=self.request.user, task_id=task.pk, detailed=True)
        return GenerationTaskDetailSerializer(task).data

    @extend_schema(
        responses={
            200: envelope(GenerationTaskDetailSerializer),
            304: OpenApiResponse(description="If-None-Match совпал с ETag: ничего не менялось."),
        }
    )
    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        """The task, its attempts and variants. Cheap to poll: the answer carries an ETag,
        and `If-None-Match` with it answers 304 after one query while nothing changed."""
        version = selectors.task_version(user=request.user, task_id=kwargs.get("pk"))
        if version is not None and (unchanged := _not_modified(request, version)) is not None:
            return unchanged
        response = super().retrieve(request, *args, **kwargs)
        if version is not None:
            response["ETag"] = version
            response["Cache-Control"] = "private, no-cache"
        return response

    @extend_schema(
        request=ChooseInputSerializer,
        responses={
            200: envelope(GenerationTaskDetailSerializer),
            404: ErrorEnvelopeSerializer,
            409: ErrorEnvelopeSerializer,
        },
    )
    @action(detail=True, methods=["post"])
    def choose(self, request: Request, pk: str | None = None) -> Response:
        """Makes a finished variant the task's poster: downloads and share links serve it
        from now on, and the chat gets a message with its link."""
        data = ChooseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = variants.variant_choose(
            actor=request.user, task=self.get_object(), number=data.validated_data["variant"]
        )
        return success("Вариант выбран", self._detail(task))

    @extend_schema(
        request=VaryInputSerializer,
        responses={
            202: envelope(GenerationTaskDetailSerializer),
            404: ErrorEnvelopeSerializer,
            409: ErrorEnvelopeSerializer,
            429: ErrorEnvelopeSerializer,
        },
        parameters=[OpenApiParameter("number", int, OpenApiParameter.PATH)],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="variants/<int:number>/vary",
        url_name="variant-vary",
        throttle_classes=[GenerationUserThrottle],
    )
    def vary(self, request: Request, pk: str | None = None, number: int = 0) -> Response:
        """«Ещё похожий»: a new variant from variant `number`, with the same prompt and
        another seed (subtle) or the prompt reworded (strong). It joins this task."""
        data = VaryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = variants.variant_vary(
            actor=request.user,
            task=self.get_object(),
            number=number,
            strength=data.validated_data["strength"],
        )
        return success(
            "Новый вариант в очереди", self._detail(task), status=status.HTTP_202_ACCEPTED
        )

    @extend_schema(
        responses=_image_schema("image/png", "Постер варианта, его миниатюра или файл."),
        parameters=[
            OpenApiParameter("number", int, OpenApiParameter.PATH),
            OpenApiParameter(
                "kind", str, OpenApiParameter.PATH, enum=["image", "thumbnail", "download"]
            ),
            FORMAT_PARAMETER,
        ],
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=f"variants/<int:number>/<{FILE_KIND_CONVERTER}:kind>",
        url_name="variant-file",
    )
    def variant_file(
        self, request: Request, pk: str | None = None, number: int = 0, kind: str = ""
    ) -> HttpResponse:
        """One variant's poster (inline or as a file) or thumbnail, chosen or not."""
        variant = selectors.variant_get(user=request.user, task_id=pk, number=number)
        missing = NO_IMAGE.get(variant.status, "У этого варианта нет изображения.")
        name = f"contentum-{pk}-variant-{number}"
        if kind == "thumbnail":
            return _serve(
                variant.thumbnail,
                filename=f"{name}-thumbnail.webp",
                attachment=False,
                missing=missing,
                request=request,
            )
        return _in_format(
            variant.image,
            request=request,
            name=name,
            attachment=kind == "download",
            missing=missing,
        )

    @extend_schema(request=None, responses={200: envelope(GenerationTaskDetailSerializer)})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Stops a task that is queued or running; 409 once it has finished."""
        task = services.generation_task_cancel(actor=request.user, task=self.get_object())
        return success("Генерация отменена", self._detail(task))

    @extend_schema(request=None, responses={202: envelope(GenerationTaskDetailSerializer)})
    @action(detail=True, methods=["post"], throttle_classes=[GenerationUserThrottle])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        """Queues a new task copying a failed or cancelled one; 409 for any other."""
        retry = services.generation_task_retry(
            actor=request.user,
            task=self.get_object(),
            origin=request_origin(request),
        )
        return success(
            "Генерация запущена повторно", self._detail(retry), status=status.HTTP_202_ACCEPTED
        )

    @extend_schema(request=None, responses={200: envelope(ShareResultSerializer)})
    @action(detail=True, methods=["post"])
    def share(self, request: Request, pk: str | None = None) -> Response:
        """A new signed link to the finished image that works without a token until
        `expires_at`, or until revoked with DELETE share/{share_id}/."""
        link = sharing.share_link_create(
            actor=request.user, task=self.get_object(), origin=request_origin(request)
        )
        data = {
            "share_id": link.share.pk,
            "url": link.download_url,
            "download_url": link.download_url,
            "image_url": link.image_url,
            "thumbnail_url": link.thumbnail_url,
            "expires_at": link.expires_at,
        }
        return success("Ссылка создана", ShareResultSerializer(data).data)

    @extend_schema(
        request=None,
        responses={200: envelope(SharesRevokedSerializer)},
    )
    @share.mapping.delete
    def share_revoke_all(self, request: Request, pk: str | None = None) -> Response:
        """Revokes every link to this task's image made so far."""
        revoked = sharing.share_links_revoke_all(actor=request.user, task=self.get_object())
        return success("Ссылки отозваны", {"revoked": revoked})

    @extend_schema(
        request=None,
        responses={200: envelope(ShareLinkSerializer)},
        parameters=[SHARE_ID],
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=f"share/<{UUID_CONVERTER}:share_id>",
        url_name="share-revoke",
    )
    def share_revoke(
        self, request: Request, pk: str | None = None, share_id: str | None = None
    ) -> Response:
        """Revokes one link (its `share_id` came with it from share/): it opens nothing
        from now on."""
        share = sharing.share_link_revoke(
            actor=request.user, task=self.get_object(), share_id=share_id
        )
        return success("Ссылка отозвана", ShareLinkSerializer(share).data)

    # --- The image files: the owner, an admin, or a signed link ----------------------------

    def perform_content_negotiation(self, request: Request, force: bool = False):
        # An image client may accept only image/*: answer it rather than refuse with 406.
        return super().perform_content_negotiation(request, force=True)

    def _file_task(self, request: Request, task_id: str) -> GenerationTask:
        # `task_id` comes canonical from the path converter, as the signature was made.
        signature = request.query_params.get("signature")
        if signature is not None:
            try:
                return sharing.share_link_open(signature=signature, task_id=task_id)
            except sharing.InvalidShareLink as exc:
                raise PermissionDenied(LINK_REFUSED) from exc
        if not request.user or not request.user.is_authenticated:
            raise NotAuthenticated()
        return selectors.task_get(user=request.user, task_id=task_id)

    def _task_file(self, request: Request, pk: str, *, kind: str, attachment: bool):
        task = self._file_task(request, pk)
        missing = NO_IMAGE.get(task.status, "У этой задачи нет изображения.")
        if kind == "thumbnail":
            filename = f"contentum-{task.pk}-thumbnail.webp"
            return _serve(
                task.thumbnail,
                filename=filename,
                attachment=attachment,
                missing=missing,
                request=request,
            )
        layer = _choice(request, "layer", LAYERS)
        file = task.background if layer == "background" else task.image
        if layer == "background" and not task.background:
            missing = "У этой задачи нет отдельного фона: это не постер."
        suffix = "-background" if layer == "background" else ""
        return _in_format(
            file,
            request=request,
            name=f"contentum-{task.pk}{suffix}",
            attachment=attachment,
            missing=missing,
        )

    @extend_schema(
        request=PosterTextInputSerializer,
        responses={200: envelope(GenerationTaskDetailSerializer)},
    )
    @action(detail=True, methods=["patch"])
    def text(self, request: Request, pk: str | None = None) -> Response:
        """New text on a finished poster: re-composed from its stored background, with no
        provider call. 400 names a title that cannot fit or characters no font has."""
        data = PosterTextInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.generation_task_text_update(
            actor=request.user, task=self.get_object(), **data.validated_data
        )
        return success("Текст постера обновлён", self._detail(task))

    @extend_schema(
        responses=_image_schema(
            "image/png",
            "Постер как вложение (Content-Disposition: attachment): PNG, или JPEG/WebP "
            "с ?format=; чистый фон без текста с ?layer=background.",
        ),
        parameters=[SIGNATURE, FORMAT_PARAMETER, LAYER_PARAMETER],
    )
    @action(detail=True, methods=["get"], permission_classes=[AllowAny])
    def download(self, request: Request, pk: str | None = None) -> HttpResponse:
        """The image as a file to save."""
        return self._task_file(request, pk, kind="image", attachment=True)

    @extend_schema(
        responses=_image_schema("image/png", "PNG для показа (inline)."),
        parameters=[SIGNATURE, FORMAT_PARAMETER, LAYER_PARAMETER],
    )
    @action(detail=True, methods=["get"], permission_classes=[AllowAny])
    def image(self, request: Request, pk: str | None = None) -> HttpResponse:
        """The image to show in a page."""
        return self._task_file(request, pk, kind="image", attachment=False)

    @extend_schema(
        responses=_image_schema("image/webp", "Миниатюра WebP, около 256 px."),
        parameters=[SIGNATURE],
    )
    @action(detail=True, methods=["get"], permission_classes=[AllowAny])
    def thumbnail(self, request: Request, pk: str | None = None) -> HttpResponse:
        """A small WebP preview of the image."""
        return self._task_file(request, pk, kind="thumbnail", attachment=False)

    @extend_schema(
        responses=_image_schema("image/png", "Изображение или миниатюра одной попытки."),
        parameters=[
            OpenApiParameter("number", int, OpenApiParameter.PATH),
            OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=["image", "thumbnail"]),
        ],
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="attempts/<int:number>/<str:kind>",
        url_name="attempt-file",
    )
    def attempt_file(
        self, request: Request, pk: str | None = None, number: int = 0, kind: str = ""
    ) -> HttpResponse:
        """One attempt's image (rejected ones too, to see what the checks refused)."""
        if kind not in ("image", "thumbnail"):
            raise NotFound()
        task = self.get_object()
        attempt = task.attempt_set.filter(number=number).first()
        if attempt is None:
            raise NotFound("Такой попытки нет.")
        file = attempt.thumbnail if kind == "thumbnail" else attempt.image
        extension = "webp" if kind == "thumbnail" else "png"
        return _serve(
            file,
            filename=f"contentum-{task.pk}-attempt-{attempt.number}.{extension}",
            attachment=False,
            missing="У этой попытки нет изображения.",
            request=request,
        )
