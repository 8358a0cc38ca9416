from rest_framework import serializers

from contentum.common.serializers import StrictBooleanField, StrictCharField, StrictInputSerializer
from contentum.questionnaire.models import (
    QUESTION_FIELDS,
    Question,
    QuestionKind,
    Scenario,
    validate_key,
)


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = ["position", *QUESTION_FIELDS]
        read_only_fields = fields


class ScenarioSerializer(serializers.ModelSerializer):
    questions = QuestionSerializer(many=True, read_only=True)
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)
    updatedAt = serializers.DateTimeField(source="updated_at", read_only=True)

    class Meta:
        model = Scenario
        fields = [
            "id",
            "name",
            "description",
            "is_active",
            "version",
            "questions",
            "createdAt",
            "updatedAt",
        ]
        read_only_fields = fields


class QuestionInputSerializer(StrictInputSerializer):
    key = StrictCharField(max_length=64, validators=[validate_key])
    text = StrictCharField(max_length=1000)
    kind = serializers.ChoiceField(choices=QuestionKind.choices, default=QuestionKind.TEXT)
    options = serializers.ListField(
        child=StrictCharField(max_length=100), max_length=20, required=False, default=list
    )
    allow_free_answer = StrictBooleanField(required=False, default=True)
    optional = StrictBooleanField(required=False, default=False)
    min_length = serializers.IntegerField(min_value=0, max_value=2000, required=False, default=1)
    max_length = serializers.IntegerField(min_value=1, max_value=2000, required=False, default=500)
    default_value = StrictCharField(max_length=500, required=False, allow_blank=True, default="")


class ScenarioInputSerializer(StrictInputSerializer):
    name = StrictCharField(max_length=200)
    description = StrictCharField(required=False, allow_blank=True, max_length=5000)
    questions = QuestionInputSerializer(many=True, required=False)

    def __init__(self, *args, partial_update: bool = False, **kwargs):
        super().__init__(*args, partial=partial_update, **kwargs)
