"""Events for people: what happened to a person's things ("your level was signed off",
"you were made owner"), told by the app where the change happens.

Core knows no notifications: an area app calls `notify(...)` from the one place a state
change happens (a model method or service), and the notifications app, registered in its
AppConfig.ready, turns it into one notification per person. Without a receiver (e.g. a
project without notifications) nothing happens.

- `kind` names the event (the notifications app renders its text in the reader's
  language); `params` are plain, language-independent values: ids, names, numbers,
  ISO dates, and lazy translations (stored as their message id).
- `about` is the object the event concerns and `state` what makes this event distinct
  (e.g. the level and date of a sign-off): with the kind and the person they form the
  idempotency key, so a retried request tells nobody twice.
- The actor is never told of their own doing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Receiver = Callable[..., object]
receivers: list[Receiver] = []


def on_event(receiver: Receiver) -> None:
    """Register a receiver (once; the notifications app does this in ready())."""
    if receiver not in receivers:
        receivers.append(receiver)


def notify(
    recipients: Iterable[Any],
    kind: str,
    params: dict[str, Any],
    *,
    actor=None,
    about=None,
    state: str = "",
    url: str = "",
) -> None:
    """Tell `recipients` (people; None and duplicates are skipped) that `kind` happened."""
    actor_id = getattr(actor, "pk", None)
    people: dict[int, Any] = {}
    for person in recipients:
        if person is None or person.pk is None or person.pk == actor_id:
            continue
        people.setdefault(person.pk, person)
    if not people:
        return
    for receiver in receivers:
        receiver(
            list(people.values()), kind, params, actor=actor, about=about, state=state, url=url
        )


def bilingual(sv: str, en: str = "") -> dict[str, str]:
    """A fact stored in Swedish and English (catalogue titles): read in the reader's
    language when the notification is shown."""
    return {"$sv": sv, "$en": en}


def acting_user():
    """Who is making the change being saved: the user of the request (web, API, admin)
    or of an import (simple_history's context); None in a shell or a sweep."""
    from simple_history.models import HistoricalRecords

    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


class RemembersLoaded:
    """A model mixin: remembers the columns in `remembered` (e.g. ("owner_id",)) as they
    were loaded from the database, so a save can tell what changed without a query."""

    remembered: tuple[str, ...] = ()

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)  # type: ignore[misc]
        instance._loaded_values = {
            name: instance.__dict__[name] for name in cls.remembered if name in instance.__dict__
        }
        return instance


def stored_value(instance, field: str):
    """`field`'s value (its column, e.g. owner_id) as stored before this save: as loaded
    (`RemembersLoaded`), else read; None for a new row."""
    if instance.pk is None or instance._state.adding:
        return None
    loaded = getattr(instance, "_loaded_values", {})
    if field in loaded:
        return loaded[field]
    return type(instance)._base_manager.filter(pk=instance.pk).values_list(field, flat=True).first()


def remember_saved(instance, field: str) -> None:
    """After a save: what is stored now is what a later save compares with."""
    loaded = getattr(instance, "_loaded_values", None)
    if loaded is None:
        loaded = instance._loaded_values = {}
    loaded[field] = getattr(instance, field)


def tell_new_owner(instance, field: str, before, what, title: str, url: Callable[[], str]) -> None:
    """After a save: the person `field` (e.g. "owner") now names hears they were made
    owner of `what` (a lazy "the activity") “title”, unless they were it already.
    Only a change someone made (in a request or an import) is told, not one of a script
    or the demo. `url` is called only when someone is told."""
    person_id = getattr(instance, f"{field}_id")
    remember_saved(instance, f"{field}_id")
    actor = acting_user()
    if person_id is None or person_id == before or actor is None:
        return
    notify(
        [getattr(instance, field)],
        "made_owner",
        {"what": what, "title": title},
        actor=actor,
        about=instance,
        state=f"{field}:{person_id}",
        url=url(),
    )


def tell_when_added(relation, tell: Callable[[Any, list[int], Any], None]) -> None:
    """Call `tell(instance, person_ids, actor)` whenever someone (`acting_user`) adds
    people to the many-to-many `relation` (e.g. Walk.participants), whichever way (form,
    API, admin, import): Django's m2m_changed is the one place every surface passes
    through. Connected in the app's ready()."""
    from django.db.models.signals import m2m_changed

    def added(sender, instance, action, reverse, pk_set, **kwargs) -> None:
        actor = acting_user()
        if action == "post_add" and not reverse and pk_set and actor is not None:
            tell(instance, sorted(pk_set), actor)

    m2m_changed.connect(added, sender=relation.through, weak=False)
