from contentum.celery import app as celery_app


def test_the_sweeper_is_on_the_beat_schedule_of_the_worker():
    celery_app.loader.import_default_modules()
    entries = [e for e in celery_app.conf.beat_schedule.values() if e["task"] == "generation.sweep"]
    assert len(entries) == 1
    assert entries[0]["options"]["queue"] == "maintenance"
    assert "generation.sweep" in celery_app.tasks
