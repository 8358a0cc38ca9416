"""Russian names of audit action codes, for the admin: the codes stay stable in the
database and the API, the people reading the log see words.

Every code any app records must be here: `tests/test_audit_labels.py` collects them
from the sources and fails on a code without a label.
"""

ACTION_LABELS: dict[str, str] = {
    # accounts, auth (audit/models.py AuditAction, accounts/events.py, accounts/tokens.py)
    "user.registered": "Регистрация",
    "auth.login_succeeded": "Успешный вход",
    "auth.login_failed": "Неудачный вход",
    "auth.logged_out": "Выход",
    "auth.refresh_token_reused": "Повторное использование токена обновления",
    "auth.admin_link_issued": "Выдана ссылка для входа в панель администратора",
    "user.role_changed": "Смена роли",
    "user.activation_changed": "Включение/отключение",
    "user.updated": "Изменение пользователя",
    "user.admin_created": "Создан администратор",
    "user.admin_promoted": "Назначен администратор",
    "user.admin_promotion_refused": "Отказ в назначении администратором",
    "user.approved": "Учётная запись подтверждена",
    "user.created_by_admin": "Пользователь создан администратором",
    "user.password_changed": "Пароль изменён",
    "user.password_change_failed": "Неудачная смена пароля",
    "user.password_set": "Пароль задан администратором",
    "user.tokens_revoked": "Сеансы завершены",
    # Django admin (audit/admin.py)
    "admin.deleted": "Удаление в админке",
    # chats (chats/flow.py, chats/services.py)
    "chat.created": "Чат создан",
    "chat.completed": "Чат завершён",
    "chat.went_back": "Возврат к предыдущему вопросу",
    "chat.renamed": "Чат переименован",
    "chat.deleted": "Чат удалён",
    "chat.expired": "Временный чат истёк",
    # questionnaire (questionnaire/services.py, questionnaire/admin.py)
    "scenario.created": "Сценарий создан",
    "scenario.updated": "Сценарий изменён",
    "scenario.activated": "Сценарий активирован",
    "scenario.deleted": "Сценарий удалён",
    # design (design/events.py)
    "format.created": "Формат создан",
    "format.updated": "Формат изменён",
    "format.deleted": "Формат удалён",
    "brand_kit.created": "Фирменный стиль создан",
    "brand_kit.updated": "Фирменный стиль изменён",
    "brand_kit.activated": "Фирменный стиль включён",
    "brand_kit.deactivated": "Фирменный стиль выключен",
    "brand_kit.deleted": "Фирменный стиль удалён",
    # prompts (prompts/events.py)
    "prompt_template.created": "Шаблон промпта создан",
    "prompt_template.updated": "Шаблон промпта изменён",
    "prompt_template.deleted": "Шаблон промпта удалён",
    "prompt_template.activated": "Шаблон промпта активирован",
    "prompt.assembled": "Промпт собран",
    "prompt.enrichment_fallback": "Дополнение промпта без LLM",
    # generation (generation/events.py)
    "generation.queued": "Генерация поставлена в очередь",
    "generation.succeeded": "Генерация завершена",
    "generation.failed": "Генерация не удалась",
    "generation.cancelled": "Генерация отменена",
    "generation.retried": "Генерация повторена",
    "generation.shared": "Выдана ссылка на изображение",
    "generation.share_revoked": "Ссылка на изображение отозвана",
    "generation.recovered": "Генерация возобновлена после сбоя",
    "generation.text_changed": "Текст постера изменён",
    "generation.variant_chosen": "Выбран вариант",
    "generation.variant_added": "Добавлен вариант",
}


def action_label(code: str) -> str:
    """The Russian name, or the code itself for one recorded before it had a name."""
    return ACTION_LABELS.get(code, code)
