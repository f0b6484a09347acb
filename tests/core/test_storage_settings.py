"""Where files are kept, from the environment (cxlean/core/storage.py): the local disk by
default; S3 from STORAGE_URL or the AWS_* variables, private and signed; a URL that is not
understood stops the start with a message naming what is wrong."""

import json
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from cxlean.core.storage import LOCAL_BACKEND, S3_BACKEND, file_storage
from tests.core.test_readme_settings import ROOT


def test_nothing_set_is_the_local_disk():
    assert file_storage("") == {"BACKEND": LOCAL_BACKEND}
    assert file_storage("", endpoint_url="http://minio:9000", region="eu-north-1") == {
        "BACKEND": LOCAL_BACKEND
    }


def test_a_storage_url_names_bucket_prefix_endpoint_region_and_addressing():
    found = file_storage(
        "s3://cxlean-files/prod?endpoint_url=https://minio.example.org:9000"
        "&region=eu-north-1&addressing_style=path",
        access_key="AKIA",
        secret_key="s3cr3t",
    )
    assert found["BACKEND"] == S3_BACKEND
    assert found["OPTIONS"] == {
        "bucket_name": "cxlean-files",
        "location": "prod",
        "endpoint_url": "https://minio.example.org:9000",
        "region_name": "eu-north-1",
        "addressing_style": "path",
        "access_key": "AKIA",
        "secret_key": "s3cr3t",
        "default_acl": None,
        "file_overwrite": False,
        "querystring_auth": True,
        "querystring_expire": 300,
        "signature_version": "s3v4",
        "max_memory_size": 5 * 1024 * 1024,
    }


def test_the_aws_variables_alone_choose_s3_and_the_url_wins_over_them():
    explicit = file_storage("", bucket="files", region="eu-west-1")["OPTIONS"]
    assert (explicit["bucket_name"], explicit["region_name"]) == ("files", "eu-west-1")
    assert "access_key" not in explicit  # boto3's own chain: an instance role, ~/.aws
    both = file_storage("s3://other?region=eu-north-1", bucket="files", region="eu-west-1")
    assert both["OPTIONS"]["bucket_name"] == "other"
    assert both["OPTIONS"]["region_name"] == "eu-north-1"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///srv/media", "STORAGE_URL must start with s3://"),
        ("s3://key:secret@bucket", "must not carry credentials"),
        ("s3:///prefix", "names no bucket"),
        ("s3://bucket?acl=public-read", "unknown option 'acl'"),
        ("s3://bucket?addressing_style=sideways", "addressing_style must be one of"),
    ],
)
def test_a_storage_url_not_understood_is_refused_with_the_reason(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        file_storage(url)


SHOW = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({"storage": settings.STORAGES["default"], "cache": settings.CACHES["default"]}))
"""


def test_the_settings_read_the_storage_and_the_shared_cache_from_the_environment():
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cxlean.settings",
        "STORAGE_URL": "s3://cxlean-files?endpoint_url=http://127.0.0.1:9000",
        "AWS_S3_REGION_NAME": "eu-north-1",
        "CACHE_URL": "redis://127.0.0.1:6379/1",
    }
    done = subprocess.run(
        [sys.executable, "-c", SHOW], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.splitlines()[-1])
    assert loaded["storage"]["BACKEND"] == S3_BACKEND
    assert loaded["storage"]["OPTIONS"]["bucket_name"] == "cxlean-files"
    assert loaded["storage"]["OPTIONS"]["region_name"] == "eu-north-1"
    assert loaded["cache"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/1",
    }
