"""Where uploaded and exported files are kept: the local disk (MEDIA_ROOT) by default, or
an S3-compatible object store (AWS S3, MinIO, Azure through an S3 gateway…) shared by
every machine that runs cxlean, so that a file uploaded on one web machine is read by a
worker on another, and an export a worker wrote is downloaded through any web machine.

Every file goes through Django's storage API (`FileField`, `default_storage`); nothing
opens a path under MEDIA_ROOT. Files are never served from the storage's own address:
the app checks who may read a file and streams it (`FileResponse` over
`field.open()`), the admin's file fields included (`cxlean.core.uploads.
CheckedFilesAdmin`). The bucket stays private; an address the storage itself would make
is signed and expires after `SIGNED_URL_SECONDS`.

Settings (cxlean/settings.py reads them from the environment):

    STORAGE_URL               s3://BUCKET[/PREFIX][?endpoint_url=…&region=…&addressing_style=path]
    AWS_STORAGE_BUCKET_NAME   the bucket, when STORAGE_URL is not used
    AWS_S3_ENDPOINT_URL       a server other than AWS (MinIO, a gateway)
    AWS_S3_REGION_NAME        the bucket's region
    AWS_ACCESS_KEY_ID         the key (without it, boto3's own chain: instance role, ~/.aws)
    AWS_SECRET_ACCESS_KEY     its secret

A value in STORAGE_URL wins over the AWS_* variable of the same meaning.

No module of django-storages or boto3 is imported here: settings call `file_storage`,
and the local default needs neither.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

LOCAL_BACKEND = "django.core.files.storage.FileSystemStorage"
S3_BACKEND = "storages.backends.s3.S3Storage"
# How long an address the storage signs stays valid (seconds).
SIGNED_URL_SECONDS = 300
# A file read back from S3 (a download, an import read by the worker) is kept in memory
# up to this size and in a temporary file beyond it, never all in memory.
READ_MEMORY_BYTES = 5 * 1024 * 1024
# What STORAGE_URL's query may say, and the storage option each one sets.
URL_OPTIONS = {
    "endpoint_url": "endpoint_url",
    "region": "region_name",
    "addressing_style": "addressing_style",
}
ADDRESSING_STYLES = ("auto", "path", "virtual")


def file_storage(
    url: str = "",
    *,
    bucket: str = "",
    endpoint_url: str = "",
    region: str = "",
    access_key: str = "",
    secret_key: str = "",
) -> dict:
    """`STORAGES["default"]`: the local disk when neither `url` nor `bucket` is given,
    otherwise S3 with `url`'s values over the keyword arguments. Raises
    ImproperlyConfigured, naming what is wrong, for a URL it does not understand."""
    options: dict = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url,
        "region_name": region,
    }
    if url:
        options.update(parse_storage_url(url))
    if not options["bucket_name"]:
        return {"BACKEND": LOCAL_BACKEND}
    options.update(
        access_key=access_key,
        secret_key=secret_key,
        # Private objects, names never reused (as on the local disk, a taken name gets a
        # suffix), addresses signed and short-lived, large reads spooled to disk.
        default_acl=None,
        file_overwrite=False,
        querystring_auth=True,
        querystring_expire=SIGNED_URL_SECONDS,
        signature_version="s3v4",  # what every region and S3-compatible server accepts
        max_memory_size=READ_MEMORY_BYTES,
    )
    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {key: value for key, value in options.items() if value != ""},
    }


def parse_storage_url(url: str) -> dict:
    """`s3://bucket/prefix?endpoint_url=…&region=…` as storage options."""
    parts = urlsplit(url)
    if parts.scheme != "s3":
        raise ImproperlyConfigured(
            f"STORAGE_URL must start with s3:// (leave it empty for the local disk); "
            f"got {parts.scheme or 'no scheme'}://."
        )
    if parts.username or parts.password:
        raise ImproperlyConfigured(
            "STORAGE_URL must not carry credentials: set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY instead."
        )
    if not parts.hostname:
        raise ImproperlyConfigured("STORAGE_URL names no bucket: s3://BUCKET[/PREFIX].")
    options = {"bucket_name": unquote(parts.netloc)}
    prefix = unquote(parts.path).strip("/")
    if prefix:
        options["location"] = prefix
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name not in URL_OPTIONS:
            known = ", ".join(URL_OPTIONS)
            raise ImproperlyConfigured(f"STORAGE_URL: unknown option {name!r} (known: {known}).")
        if name == "addressing_style" and value not in ADDRESSING_STYLES:
            raise ImproperlyConfigured(
                f"STORAGE_URL: addressing_style must be one of {', '.join(ADDRESSING_STYLES)}."
            )
        options[URL_OPTIONS[name]] = value
    return options
