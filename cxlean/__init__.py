# The Celery app is loaded with Django, so `shared_task`s use it and on_commit enqueueing works.
from cxlean.celery import app as celery_app

__all__ = ["celery_app"]
