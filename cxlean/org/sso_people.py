"""The people of single sign-on: who the provider's verified claims are in cxlean.

`sign_in` finds the person by their provider account (`SSOIdentity`: issuer and `sub`),
else by the provider's verified e-mail address, else creates them; then brings their
name and e-mail address up to date and applies the claim mappings (`ClaimMapping`):
roles, unit and CX roles, or refusal. The protocol around it is `cxlean.org.sso`.

Why the provider's e-mail address is used at once, without the confirmation e-mail that
other changes of address need (`cxlean.org.accounts.request_email_change`): that e-mail
exists so that nobody can type in an address they do not own and then receive that
person's password resets. An address the provider asserts (and has verified: a claim
`email_verified` of false is not used) comes from the organisation's directory, for the
person who just proved they hold that directory account; there is nobody else to confirm
it from, and any pending change typed into cxlean is dropped.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.models import Group, User
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cxlean.org.accounts import What, active_event, record, role_events, set_email
from cxlean.org.models import (
    ClaimMapping,
    EmailChange,
    Profile,
    SignInEvent,
    SSOIdentity,
    Surface,
)
from cxlean.org.roles import COORDINATOR, CX_OWNER, EMPLOYEE, MANAGEMENT, ROLE_GROUPS

STAFF_ROLES = frozenset({COORDINATOR, MANAGEMENT, CX_OWNER})
CHANGE_REASON = "single sign-on"


class Refused(Exception):
    """The provider signed the person in, but cxlean does not; the message is theirs."""


def sign_in(claims: dict[str, Any], *, issuer: str) -> User:
    """The cxlean person for the provider's claims, created or brought up to date."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise SuspiciousOperation("The claims name no subject.")
    mappings = list(ClaimMapping.objects.all())
    matched = [mapping for mapping in mappings if mapping.matches(claims)]
    identity = SSOIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject)
    linked = identity.first()
    person = linked.user if linked is not None else _person_by_email(claims, issuer)
    _refuse_if_barred(person, matched)
    with transaction.atomic():
        created = person is None
        if person is None:
            person = _create_person(claims)
        if linked is None:
            linked = SSOIdentity.objects.create(user=person, issuer=issuer, subject=subject)
            if not created:
                record(What.SSO_LINKED, person=person, surface=Surface.SSO, new=subject)
        linked.last_sign_in = timezone.now()
        linked.save(update_fields=["last_sign_in"])
        if not created:
            _update_person(person, claims)
        _apply_roles(person, mappings, matched, created)
        _apply_place(person, mappings, matched)
    return person


def _verified_email(claims: dict[str, Any]) -> str:
    email = str(claims.get("email") or "").strip()
    return "" if claims.get("email_verified") is False else email[:254]


def _person_by_email(claims: dict[str, Any], issuer: str) -> User | None:
    """Someone already in cxlean (added by hand or by an import) signing in through the
    provider for the first time: found by the verified e-mail address."""
    email = _verified_email(claims)
    if not email:
        return None
    people = list(User.objects.filter(email__iexact=email)[:2])
    if len(people) > 1:
        raise Refused(
            _(
                "More than one person in cxlean has the e-mail address %(email)s. Ask an "
                "administrator to keep it on one of them."
            )
            % {"email": email}
        )
    if people and people[0].sso_identities.filter(issuer=issuer).exists():
        raise Refused(
            _(
                "The cxlean account with the e-mail address %(email)s belongs to another "
                "account at the provider. Ask an administrator."
            )
            % {"email": email}
        )
    return people[0] if people else None


def _refuse_if_barred(person: User | None, matched: list[ClaimMapping]) -> None:
    if any(mapping.refuse for mapping in matched):
        if person is not None and person.is_active:
            person.is_active = False
            person.save(update_fields=["is_active"])
            active_event(person, actor=None, surface=Surface.SSO).save()
        raise Refused(
            _(
                "Your organisation does not let you sign in to cxlean. Ask your Lean "
                "coordinator if you think this is wrong."
            )
        )
    if person is not None and not person.is_active:
        raise Refused(
            _(
                "Your cxlean account is deactivated. Ask your Lean coordinator or an "
                "administrator to activate it again."
            )
        )


def _names(claims: dict[str, Any]) -> tuple[str, str]:
    first = str(claims.get("given_name") or "")
    last = str(claims.get("family_name") or "")
    if not first and not last:
        first = str(claims.get("name") or "")
    return first[:150], last[:150]


def _free_username(claims: dict[str, Any]) -> str:
    wanted = str(claims.get("preferred_username") or claims.get("email") or claims["sub"])
    base = re.sub(r"[^\w.@+-]", "", wanted)[:140] or "person"
    candidate, number = base, 2
    while User.objects.filter(username__iexact=candidate).exists():
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _create_person(claims: dict[str, Any]) -> User:
    first, last = _names(claims)
    person = User(
        username=_free_username(claims),
        email=_verified_email(claims),
        first_name=first,
        last_name=last,
    )
    person.set_unusable_password()  # they sign in through the provider
    person.save()
    record(What.CREATED, person=person, surface=Surface.SSO, new=person.email)
    return person


def _update_person(person: User, claims: dict[str, Any]) -> None:
    first, last = _names(claims)
    changed = [
        name
        for name, value in (("first_name", first), ("last_name", last))
        if value and value != getattr(person, name)
    ]
    for name in changed:
        setattr(person, name, first if name == "first_name" else last)
    if changed:
        person.save(update_fields=changed)
    email = _verified_email(claims)
    if email and email.lower() != person.email.lower():
        EmailChange.objects.filter(user=person, confirmed_at__isnull=True).delete()
        set_email(person, email, actor=None, surface=Surface.SSO)


def _apply_roles(
    person: User, mappings: list[ClaimMapping], matched: list[ClaimMapping], created: bool
) -> None:
    """The roles the mappings name follow the claims; other roles stay. Everyone keeps
    at least one role: employee, as every new person."""
    mapped = {mapping.role for mapping in mappings if mapping.role}
    if not mapped and not created:
        return
    before = set(person.groups.values_list("name", flat=True))
    after = (before - mapped) | {mapping.role for mapping in matched if mapping.role}
    if not after & set(ROLE_GROUPS):
        after.add(EMPLOYEE)
    if after == before:
        return
    person.groups.set([Group.objects.get_or_create(name=name)[0] for name in sorted(after)])
    SignInEvent.objects.bulk_create(
        role_events(person, before, after, actor=None, surface=Surface.SSO)
    )
    staff = bool(after & STAFF_ROLES) or person.is_superuser
    if staff != person.is_staff:
        person.is_staff = staff
        person.save(update_fields=["is_staff"])


def _apply_place(person: User, mappings: list[ClaimMapping], matched: list[ClaimMapping]) -> None:
    """The unit of the first matching mapping that gives one (by order); the CX roles the
    mappings name follow the claims, others stay. Without a unit nobody gets a profile:
    a coordinator places them."""
    unit = next((mapping.unit for mapping in matched if mapping.unit_id), None)
    profile = Profile.objects.filter(user=person).first()
    if profile is None:
        if unit is None:
            return
        profile = Profile(user=person, unit=unit)
    if profile.pk is None or (unit is not None and profile.unit_id != unit.pk):
        if unit is not None:
            profile.unit = unit
        profile._change_reason = CHANGE_REASON  # type: ignore[attr-defined]
        profile.save()
    mapped = {mapping.cx_role_id for mapping in mappings if mapping.cx_role_id}
    if not mapped:
        return
    held = set(profile.cx_roles.values_list("pk", flat=True))
    wanted = (held - mapped) | {mapping.cx_role_id for mapping in matched if mapping.cx_role_id}
    if wanted != held:
        profile._change_reason = CHANGE_REASON  # type: ignore[attr-defined]
        profile.cx_roles.set(wanted)
