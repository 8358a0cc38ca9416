"""Images in an S3 bucket (moto's in-process S3): streamed through Django by default, or
handed to the bucket with a presigned redirect when IMAGE_REDIRECT_SECONDS is set."""

import io
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests
from moto import mock_aws
from PIL import Image

from contentum.generation.tests.test_files_api import URL, body_of

BUCKET = "contentum-test-images"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("contentum.generation.tests.urls"),
    pytest.mark.usefixtures("simulation"),
]


@pytest.fixture
def bucket(settings):
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {"BACKEND": "storages.backends.s3.S3Storage"},
        }
        settings.AWS_STORAGE_BUCKET_NAME = BUCKET
        settings.AWS_S3_REGION_NAME = "us-east-1"
        settings.AWS_S3_ENDPOINT_URL = None
        settings.AWS_ACCESS_KEY_ID = "testing"
        settings.AWS_SECRET_ACCESS_KEY = "testing"
        yield s3


@pytest.fixture
def done(bucket, queue_task):
    return queue_task(max_attempts=1)


def png_size(data: bytes) -> tuple[int, int]:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.size


def test_the_image_is_stored_in_the_bucket_and_streamed_by_default(
    employee_client, bucket, done, settings
):
    settings.IMAGE_REDIRECT_SECONDS = 0
    stored = bucket.get_object(Bucket=BUCKET, Key=done.image.name)["Body"].read()

    response = employee_client.get(f"{URL}{done.pk}/download/")

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="contentum-{done.pk}.png"'
    assert body_of(response) == stored
    assert png_size(stored) == (256, 256)


def test_with_redirects_on_download_hands_over_a_presigned_link(
    employee_client, bucket, done, settings
):
    settings.IMAGE_REDIRECT_SECONDS = 120

    response = employee_client.get(f"{URL}{done.pk}/download/")

    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    link = urlsplit(response["Location"])
    query = parse_qs(link.query)
    assert BUCKET in link.netloc + link.path
    assert query["X-Amz-Expires"] == ["120"]
    assert query["response-content-disposition"] == [
        f'attachment; filename="contentum-{done.pk}.png"'
    ]
    # The bucket serves the same bytes with the headers the API would have sent.
    fetched = requests.get(response["Location"], timeout=5)
    assert fetched.status_code == 200
    assert fetched.headers["Content-Type"] == "image/png"
    assert fetched.headers["Content-Disposition"].startswith("attachment")
    assert fetched.content == bucket.get_object(Bucket=BUCKET, Key=done.image.name)["Body"].read()


def test_a_redirect_keeps_the_rules_of_who_may_see_the_image(client, bucket, done, settings):
    settings.IMAGE_REDIRECT_SECONDS = 120

    assert client.get(f"{URL}{done.pk}/download/").status_code == 401


def test_thumbnails_are_redirected_as_inline_webp(employee_client, bucket, done, settings):
    settings.IMAGE_REDIRECT_SECONDS = 60

    response = employee_client.get(f"{URL}{done.pk}/thumbnail/")

    query = parse_qs(urlsplit(response["Location"]).query)
    assert response.status_code == 302
    assert query["response-content-type"] == ["image/webp"]
    assert query["response-content-disposition"][0].startswith("inline")


def test_local_storage_streams_whatever_the_setting(employee_client, settings, queue_task):
    settings.IMAGE_REDIRECT_SECONDS = 120
    done = queue_task(max_attempts=1)

    response = employee_client.get(f"{URL}{done.pk}/image/")

    assert response.status_code == 200
    assert png_size(body_of(response)) == (256, 256)
