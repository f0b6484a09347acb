"""The data model per area as Mermaid `erDiagram` text, generated from the models.

`manage.py datamodel` writes docs/datamodel/<app>.mmd; the manual's "How cxlean is built"
chapter shows them (a fenced block "datamodel <app>"), and a test fails when a committed
diagram differs from the one the models give, so the diagrams never go stale.
"""

from pathlib import Path

from django.apps import apps
from django.db import models

from cxlean.help.manual import DOCS_DIR

DIAGRAM_DIR = DOCS_DIR / "datamodel"

# The apps drawn, in the order the chapter shows them.
AREAS = (
    "core",
    "org",
    "guide",
    "plans",
    "competence",
    "journeys",
    "backlog",
    "checklists",
    "gemba",
    "metrics",
    "maturity",
    "notifications",
    "games",
    "exports",
    "imports",
)


def _is_history(model: type[models.Model]) -> bool:
    """django-simple-history's shadow tables (HistoricalItem ...): not drawn."""
    return model.__name__.startswith("Historical") and hasattr(model, "history_id")


def _entity(model: type[models.Model], app_label: str) -> str:
    """The model's name; another app's model carries its app's label (org_Unit)."""
    meta = model._meta
    if meta.app_label == app_label:
        return str(meta.object_name)
    return f"{meta.app_label}_{meta.object_name}"


def _relation(field: models.Field) -> str:
    """Mermaid crow's-foot notation from this model to the related one."""
    if field.many_to_many:
        return "}o--o{"
    if field.one_to_one:
        return "|o--o|" if field.null else "|o--||"
    return "}o--o|" if field.null else "}o--||"


def diagram(app_label: str) -> str:
    """One app's models, their fields and relations, as an erDiagram."""
    config = apps.get_app_config(app_label)
    lines = ["erDiagram"]
    relations: list[str] = []
    for model in config.get_models():
        if _is_history(model):
            continue
        name = _entity(model, app_label)
        lines.append(f"    {name} {{")
        # Forward fields only: a reverse relation is drawn from the other side.
        for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
            kind = field.get_internal_type()
            key = " PK" if field.primary_key else " FK" if field.is_relation else ""
            lines.append(f"        {kind} {field.name}{key}")
            if field.is_relation and field.related_model is not None:
                other = _entity(field.related_model, app_label)
                relations.append(f'    {name} {_relation(field)} {other} : "{field.name}"')
        lines.append("    }")
    return "\n".join([*lines, *relations]) + "\n"


def path(app_label: str) -> Path:
    return DIAGRAM_DIR / f"{app_label}.mmd"


def write_all(directory: Path = DIAGRAM_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for app_label in AREAS:
        target = directory / f"{app_label}.mmd"
        target.write_text(diagram(app_label), encoding="utf-8")
        written.append(target)
    return written


def stale() -> list[str]:
    """The apps whose committed diagram differs from the one their models give."""
    return [
        label
        for label in AREAS
        if not path(label).exists() or path(label).read_text(encoding="utf-8") != diagram(label)
    ]
