"""The OpenAPI document describes itself: tags, readable operationIds, Russian summaries.

One drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])
instead of an `@extend_schema` on every view:

* the tag comes from the path prefix (`PATH_TAGS`);
* the operationId is lowerCamelCase `<verb><Noun>`, derived from the method and the path
  (`operation_id`): `listAuditLogs`, `getGenerationTask`, `chooseGenerationTaskVariant`;
* the summary (ReDoc's heading) comes from `SUMMARIES`, keyed by that operationId.

The views' docstrings stay the operations' `description`s. A new endpoint without a
summary here fails contentum/common/tests/test_openapi.py.
"""

import re

# --- Tags ---------------------------------------------------------------------------------

# In the order ReDoc shows them.
TAGS: dict[str, str] = {
    "auth": "Вход, обновление и отзыв JWT-токенов.",
    "users": "Учётные записи: регистрация, профиль, пароли, одобрение администратором.",
    "chats": "Чаты-опросы, по которым собирается бриф.",
    "messages": "Сообщения чатов: ответы на вопросы опросника.",
    "questionnaire": "Сценарии опросника (вопросы, которые задаёт чат).",
    "prompts": "Наборы параметров, шаблоны промптов и сборка промпта.",
    "generation": "Задачи генерации изображений, варианты, скачивание и ссылки.",
    "design": "Форматы постеров и брендбуки.",
    "usage": "Отчёт об использовании генерации.",
    "audit": "Журнал аудита.",
    "health": "Проверки живости и готовности сервиса.",
}

# Path prefix → tag; the longest matching prefix wins.
PATH_TAGS: dict[str, str] = {
    "/api/auth/": "auth",
    "/api/users/": "users",
    "/api/chats/": "chats",
    "/api/messages/": "messages",
    "/api/scenarios/": "questionnaire",
    "/api/promptparameters/": "prompts",
    "/api/prompttemplates/": "prompts",
    "/api/promptactions/assemble/": "prompts",
    "/api/promptactions/generate/": "generation",
    "/api/generation-tasks/": "generation",
    "/api/formats/": "design",
    "/api/brand-kits/": "design",
    "/api/usage/": "usage",
    "/api/audit-logs/": "audit",
    "/healthz": "health",
    "/readyz": "health",
}


def tag_for(path: str) -> str | None:
    matches = [prefix for prefix in PATH_TAGS if path.startswith(prefix)]
    return PATH_TAGS[max(matches, key=len)] if matches else None


# --- operationIds -------------------------------------------------------------------------

# The first word of every operationId.
VERBS = (
    "list",
    "get",
    "create",
    "update",
    "replace",
    "delete",
    "activate",
    "approve",
    "assemble",
    "cancel",
    "change",
    "check",
    "choose",
    "download",
    "generate",
    "login",
    "logout",
    "refresh",
    "retry",
    "revoke",
    "set",
    "share",
    "step",
    "vary",
)
OPERATION_ID = re.compile(rf"^(?:{'|'.join(VERBS)})(?:[A-Z][a-z0-9]*)*$")

ITEM_VERBS = {"get": "get", "put": "replace", "patch": "update", "delete": "delete"}
COLLECTION_VERBS = {"get": "list", "post": "create"}

# POST <item>/<action>/ → <verb><Item><suffix>.
ACTIONS: dict[str, tuple[str, str]] = {
    "activate": ("activate", ""),
    "approve": ("approve", ""),
    "back": ("stepBack", ""),
    "cancel": ("cancel", ""),
    "choose": ("choose", "Variant"),
    "password": ("set", "Password"),
    "retry": ("retry", ""),
    "share": ("share", ""),
    "vary": ("vary", ""),
}

# Path segments whose words do not split on "-".
NOUNS = {
    "promptparameters": "PromptParameterSets",
    "prompttemplates": "PromptTemplates",
}

TASK = "/api/generation-tasks/{id}"

# (method, path) the rules above do not name well.
OVERRIDES: dict[tuple[str, str], str] = {
    ("post", "/api/auth/login/"): "login",
    ("post", "/api/auth/logout/"): "logout",
    ("post", "/api/auth/refresh/"): "refreshAccessToken",
    ("post", "/api/auth/admin-link/"): "createAdminLink",
    ("get", "/api/users/me/"): "getCurrentUser",
    ("post", "/api/users/me/password/"): "changeCurrentUserPassword",
    ("get", "/api/users/summary/"): "getCurrentUserSummary",
    ("get", "/api/chats/unfinished/"): "getUnfinishedChat",
    ("get", "/api/messages/recent/"): "listRecentMessages",
    ("get", "/api/brand-kits/active/"): "getActiveBrandKit",
    ("get", "/api/usage/"): "getUsageReport",
    ("post", "/api/promptactions/assemble/"): "assemblePrompt",
    ("post", "/api/promptactions/generate/"): "generateImage",
    ("get", TASK + "/download/"): "downloadGenerationTaskImage",
    ("get", TASK + "/image/"): "getGenerationTaskImage",
    ("get", TASK + "/attempts/{number}/{kind}/"): "getGenerationTaskAttemptImage",
    ("get", TASK + "/variants/{number}/{kind}/"): "getGenerationTaskVariantImage",
    ("delete", TASK + "/share/"): "revokeGenerationTaskShares",
    ("delete", TASK + "/share/{share_id}/"): "revokeGenerationTaskShare",
    ("get", "/healthz"): "checkLiveness",
    ("get", "/readyz"): "checkReadiness",
}


def _plural_noun(segment: str) -> str:
    return NOUNS.get(segment) or "".join(word.capitalize() for word in segment.split("-"))


def _singular_noun(segment: str) -> str:
    noun = _plural_noun(segment)
    if noun.endswith("ies"):
        return noun[:-3] + "y"
    return noun.removesuffix("s")


def operation_id(method: str, path: str) -> str:
    """`listChats`, `getChat`, `updateChat`, `stepBackChat`, `listChatMessages`, …

    A literal segment followed by a parameter is one item of that collection (singular);
    the last literal segment is the collection itself, an action (`ACTIONS`) on the items
    before it, or a sub-resource of them.
    """
    method = method.lower()
    if (method, path) in OVERRIDES:
        return OVERRIDES[(method, path)]
    segments = [s for s in path.strip("/").split("/") if s]
    if segments and segments[0] == "api":
        segments = segments[1:]
    parts: list[tuple[str, bool]] = []  # (literal, followed by a parameter)
    for segment in segments:
        if segment.startswith("{"):
            if parts:
                parts[-1] = (parts[-1][0], True)
        else:
            parts.append((segment, False))
    if not parts:
        raise ValueError(f"no literal segment in {path!r}")
    items = "".join(_singular_noun(literal) for literal, has_id in parts if has_id)
    last, last_has_id = parts[-1]
    if last_has_id:
        return ITEM_VERBS.get(method, method) + items
    if len(parts) == 1:
        verb = COLLECTION_VERBS.get(method, method)
        return verb + (_plural_noun(last) if verb == "list" else _singular_noun(last))
    if method == "post" and last in ACTIONS:
        verb, suffix = ACTIONS[last]
        return verb + items + suffix
    noun = _plural_noun(last)
    if method == "get" and noun.endswith("s"):
        return "list" + items + noun
    return ITEM_VERBS.get(method, method) + items + noun


# --- Summaries ----------------------------------------------------------------------------

SUMMARIES: dict[str, str] = {
    # auth
    "login": "Вход по email и паролю",
    "logout": "Выход: отзыв refresh-токена",
    "refreshAccessToken": "Обновление access-токена",
    "createAdminLink": "Ссылка для входа в панель администратора",
    # users
    "listUsers": "Список пользователей",
    "createUser": "Регистрация пользователя",
    "getUser": "Пользователь",
    "updateUser": "Изменение пользователя администратором",
    "approveUser": "Одобрение учётной записи",
    "setUserPassword": "Установка пароля пользователю",
    "getCurrentUser": "Текущий пользователь и его квота",
    "changeCurrentUserPassword": "Смена своего пароля",
    "getCurrentUserSummary": "Сводка по чатам и сообщениям пользователя",
    # chats
    "listChats": "Список чатов",
    "createChat": "Новый чат",
    "getChat": "Чат",
    "updateChat": "Переименование чата",
    "deleteChat": "Удаление чата",
    "stepBackChat": "Возврат к предыдущему вопросу",
    "listChatMessages": "Сообщения чата",
    "getUnfinishedChat": "Незавершённый чат пользователя",
    # messages
    "listMessages": "Список сообщений",
    "createMessage": "Ответ на текущий вопрос чата",
    "listRecentMessages": "Последние сообщения пользователя",
    # questionnaire
    "listScenarios": "Список сценариев опросника",
    "createScenario": "Новый сценарий",
    "getScenario": "Сценарий",
    "replaceScenario": "Замена сценария",
    "updateScenario": "Изменение сценария",
    "deleteScenario": "Удаление сценария",
    "activateScenario": "Активация сценария",
    # prompts
    "listPromptParameterSets": "Список наборов параметров",
    "createPromptParameterSet": "Новый набор параметров",
    "getPromptParameterSet": "Набор параметров",
    "listPromptTemplates": "Список шаблонов промптов",
    "createPromptTemplate": "Новый шаблон промпта",
    "getPromptTemplate": "Шаблон промпта",
    "replacePromptTemplate": "Замена шаблона промпта",
    "updatePromptTemplate": "Изменение шаблона промпта",
    "deletePromptTemplate": "Удаление шаблона промпта",
    "activatePromptTemplate": "Активация шаблона промпта",
    "assemblePrompt": "Сборка промпта по шаблону",
    # generation
    "generateImage": "Запуск генерации изображения",
    "listGenerationTasks": "Список задач генерации",
    "getGenerationTask": "Задача генерации",
    "cancelGenerationTask": "Отмена задачи генерации",
    "retryGenerationTask": "Повтор задачи генерации",
    "chooseGenerationTaskVariant": "Выбор варианта постера",
    "varyGenerationTaskVariant": "Ещё похожий вариант",
    "updateGenerationTaskText": "Замена текста на постере",
    "getGenerationTaskImage": "Изображение для показа",
    "getGenerationTaskThumbnail": "Миниатюра изображения",
    "downloadGenerationTaskImage": "Скачивание изображения",
    "getGenerationTaskAttemptImage": "Изображение попытки",
    "getGenerationTaskVariantImage": "Изображение варианта",
    "shareGenerationTask": "Ссылка для просмотра без входа",
    "revokeGenerationTaskShares": "Отзыв всех ссылок на изображение",
    "revokeGenerationTaskShare": "Отзыв одной ссылки на изображение",
    # design
    "listFormats": "Список форматов постеров",
    "createFormat": "Новый формат постера",
    "getFormat": "Формат постера",
    "updateFormat": "Изменение формата постера",
    "deleteFormat": "Удаление формата постера",
    "listBrandKits": "Список брендбуков",
    "createBrandKit": "Новый брендбук",
    "getBrandKit": "Брендбук",
    "updateBrandKit": "Изменение брендбука",
    "deleteBrandKit": "Удаление брендбука",
    "activateBrandKit": "Активация брендбука",
    "getBrandKitLogo": "Логотип брендбука",
    "getActiveBrandKit": "Активный брендбук",
    # usage
    "getUsageReport": "Отчёт об использовании",
    # audit
    "listAuditLogs": "Журнал аудита",
    "getAuditLog": "Запись журнала аудита",
    # health
    "checkLiveness": "Проверка живости",
    "checkReadiness": "Проверка готовности",
}

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def postprocess_schema(result: dict, generator, request, public) -> dict:
    """POSTPROCESSING_HOOKS entry: tags, operationIds and summaries for every operation."""
    used_tags: set[str] = set()
    for path, item in result.get("paths", {}).items():
        tag = tag_for(path)
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            if tag:
                operation["tags"] = [tag]
            used_tags.update(operation.get("tags", []))
            operation["operationId"] = operation_id(method, path)
            summary = SUMMARIES.get(operation["operationId"]) or operation.get("summary")
            if summary:
                # Right after the operationId, ahead of the (long) description.
                rest = {k: v for k, v in operation.items() if k not in ("operationId", "summary")}
                item[method] = {"operationId": operation["operationId"], "summary": summary, **rest}
    result["tags"] = [
        {"name": name, "description": description}
        for name, description in TAGS.items()
        if name in used_tags
    ]
    return result
