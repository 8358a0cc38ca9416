"""0004 turns the installed default scenario's aspect ratio into a format, adds the event's
date and venue, and undoes it all."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("questionnaire", "0003_question_key_identifier")]
AFTER = [("questionnaire", "0004_default_scenario_formats")]
OLD_KEYS = [
    "idea",
    "event_name",
    "event_genre",
    "visual_style",
    "composition_focus",
    "color_palette",
    "visual_associations",
    "platform",
    "aspect_ratio",
]


def migrated_to(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    executor.loader.build_graph()
    return executor.loader.project_state(target).apps


def default_scenario(apps):
    scenario = apps.get_model("questionnaire", "Scenario").objects.get(
        name="Маркетинговое изображение"
    )
    questions = list(scenario.questions.order_by("position"))
    return scenario, questions


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_default_scenario_migrates_both_ways():
    try:
        old, questions = default_scenario(migrated_to(BEFORE))
        assert [q.key for q in questions] == OLD_KEYS
        ratio = questions[-1]
        assert (ratio.options, ratio.default_value) == (
            ["1:1", "9:16", "16:9", "4:5", "2:3"],
            "1:1",
        )

        new, questions = default_scenario(migrated_to(AFTER))
        keys = [q.key for q in questions]
        assert keys == [*OLD_KEYS[:2], "event_date", "venue", *OLD_KEYS[2:-1], "format"]
        assert [q.position for q in questions] == list(range(1, 12))
        assert new.version == old.version + 1
        date = questions[2]
        assert date.text.startswith("Когда событие?") and date.optional
        assert (date.max_length, questions[3].max_length) == (100, 150)
        chosen = questions[-1]
        assert (chosen.kind, chosen.options, chosen.default_value) == ("choice", [], "")
        assert chosen.optional and not chosen.allow_free_answer

        back, questions = default_scenario(migrated_to(BEFORE))
        assert [q.key for q in questions] == OLD_KEYS
        assert [q.position for q in questions] == list(range(1, 10))
        assert questions[-1].options == ["1:1", "9:16", "16:9", "4:5", "2:3"]
        assert back.version == new.version + 1  # an edit too: versions only grow
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_admins_own_edits_are_left_alone():
    try:
        apps = migrated_to(BEFORE)
        scenario, questions = default_scenario(apps)
        Question = apps.get_model("questionnaire", "Question")
        Question.objects.filter(scenario=scenario, key="event_name").delete()
        Question.objects.create(scenario=scenario, position=99, key="format", text="Свой формат")

        after, questions = default_scenario(migrated_to(AFTER))

        assert "event_date" not in [q.key for q in questions]
        assert [q.key for q in questions][-2:] == ["aspect_ratio", "format"]
        assert after.version == scenario.version  # nothing changed
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
