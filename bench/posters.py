"""Benchmark 4: what a poster costs beyond the image (issue 16).

1. Composing a 1080×1920 story poster (scale from 576×1024, typeset, layer checks, PNG
   encode) against one PNG encode of the same image, as a ratio within one run.
   Target: ≤ 4×.
2. Re-typesetting a finished poster: PATCH generation-tasks/{id}/text/ through the whole
   Django stack (JWT, the row lock, compose, storage), one request at a time, in-process.
   Target: p95 ≤ 300 ms.

    .venv/bin/python -m bench.posters [--requests 40]
"""

import argparse
import time
from statistics import quantiles

from bench._harness import bench_user, describe, environment, milliseconds

TITLES = ["Вишнёвый сад", "Чайка", "Три сестры", "Дядя Ваня", "Иванов"]


def _finished_poster(user):
    """A story poster drawn by the simulation, run in this process (no worker needed)."""
    from django.db import transaction

    from contentum.design.models import Format
    from contentum.generation import pipeline, services
    from contentum.generation.models import GenerationTask

    with transaction.atomic():
        task = services.generation_task_create(
            user=user,
            prompt="Афиша спектакля Вишнёвый сад, акварель, бордовый и кремовый",
            width=576,
            height=1024,
            max_attempts=1,
            poster_format=Format.objects.get(key="story"),
            poster_text={"title": "Вишнёвый сад", "lines": ["12 декабря, 19:00", "Малая сцена"]},
        )
    pipeline.run_submit(str(task.pk), task.step_token)  # no latency: it polls inline
    task = GenerationTask.objects.get(pk=task.pk)
    if not task.background:
        raise SystemExit(f"the poster did not finish: {task.status} {task.last_error}")
    return task


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()

    from contentum.design.engine.bench import compose_vs_encode_ratio

    ratio = compose_vs_encode_ratio()
    print("Posters: compose vs one PNG encode, 1080×1920")
    print(
        f"  compose {ratio['compose_seconds'] * 1000:.0f} ms, encode "
        f"{ratio['encode_seconds'] * 1000:.0f} ms: ratio {ratio['ratio']:.2f} "
        f"(target ≤ {ratio['target']:g})"
    )

    with environment(IMAGE_PROVIDER="simulation", SIMULATION_LATENCY_SECONDS=0) as env:
        from django.test import Client
        from rest_framework_simplejwt.tokens import AccessToken

        user = bench_user()
        task = _finished_poster(user)
        client = Client(
            SERVER_NAME="127.0.0.1",
            HTTP_HOST="127.0.0.1",
            HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}",
        )
        url = f"/api/generation-tasks/{task.pk}/text/"
        timings = []
        for index in range(args.requests + 3):
            body = {"title": TITLES[index % len(TITLES)], "lines": [f"{index + 1} декабря, 19:00"]}
            started = time.perf_counter()
            response = client.patch(url, body, content_type="application/json")
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise SystemExit(f"PATCH answered {response.status_code}: {response.content!r}")
            if index >= 3:  # the first few warm the fonts and the connection
                timings.append(elapsed)
        print(f"Re-typeset (PATCH …/text/, {describe(env)})")
        p95 = quantiles(timings, n=20)[-1] * 1000
        print(f"  {milliseconds(timings)}; p95 {p95:.0f} ms (target ≤ 300 ms)")


if __name__ == "__main__":
    main()
