from django.apps import AppConfig


class QuestionnaireConfig(AppConfig):
    name = "contentum.questionnaire"
    label = "questionnaire"
    verbose_name = "Сценарии вопросов"
