"""Importing people: new ones are created (with an unusable password: they choose one
through "forgot password"), existing ones (by username) updated.

An empty cell of an existing person keeps what is there (so a file of usernames and
units moves people without touching their names); a new person without a role is an
employee, without `active` active. A coordinator imports people into the units they
coordinate, and changes only people who are in those units already and below their own
rank; giving any role but employee is for superusers; nobody changes their own role or
deactivates themselves (all decided in `cxlean.org.roles`, as for the API and admin).
A new e-mail address of an existing person waits for confirmation from that address;
every change of e-mail, role or active goes into the sign-in audit.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxlean.imports.kinds.base import Importer, Units, people_by_username
from cxlean.imports.rows import Column, Row, as_yes_no, suggestion
from cxlean.org.accounts import What, active_event, event, request_email_change, role_events
from cxlean.org.models import CXRole, Profile, SignInEvent, Surface, Unit
from cxlean.org.roles import (
    COORDINATOR,
    EMPLOYEE,
    MANAGEMENT,
    ROLE_GROUPS,
    may_change_access,
    may_grant_role,
    sign_in_refusal,
)

# The `role` column's values and the groups of cxlean/org/roles.py they stand for.
ROLES = {"employee": EMPLOYEE, "coordinator": COORDINATOR, "management": MANAGEMENT}
ROLE_ALIASES = {**ROLES, **{group.lower(): group for group in ROLE_GROUPS}}
NAME_LIMIT = 150
EMAIL_LIMIT = 254


@dataclass
class PersonRow:
    row: int
    user: User | None  # None: a new person
    username: str
    unit: Unit
    first_name: str
    last_name: str
    email: str
    cx_roles: list[CXRole] | None  # None: keep
    role: str | None  # a group name; None: keep (new people: employee)
    active: bool | None  # None: keep (new people: active)


class PeopleImporter(Importer):
    columns = (
        Column(
            "username",
            True,
            gettext_lazy(
                "The sign-in name. An existing username updates that person; a new one creates a "
                "person."
            ),
            example="anna.berg",
        ),
        Column("first_name", False, gettext_lazy("First name."), example="Anna"),
        Column("last_name", False, gettext_lazy("Last name."), example="Berg"),
        Column(
            "email",
            False,
            gettext_lazy("E-mail address: where the password-reset link and reminders go."),
            example="anna.berg@example.org",
        ),
        Column(
            "unit",
            True,
            gettext_lazy("The code of the person's unit (see the list of units below)."),
            example="kundservice",
        ),
        Column(
            "cx_roles",
            False,
            gettext_lazy(
                "The codes of the person's CX roles, separated by commas (see the list below)."
            ),
            example="customer-service, data-analyst",
        ),
        Column(
            "role",
            False,
            gettext_lazy(
                "employee, coordinator or management (coordinator and management only by a "
                "superuser). Empty: a new person is an employee, an existing one keeps their role."
            ),
            "employee / coordinator / management",
            "employee",
        ),
        Column(
            "active",
            False,
            gettext_lazy(
                "yes or no: whether the person can sign in. Empty: yes for a new person, unchanged"
                " for an existing one."
            ),
            "yes / no",
            "yes",
        ),
    )

    def prepare(self, rows: list[Row]) -> None:
        self.units = Units(self.user)
        self.cx_roles = {role.slug: role for role in CXRole.objects.all()}
        self.people = people_by_username(row.text("username") for row in rows)
        self.seen: dict[str, int] = {}

    def check(self, row: Row) -> PersonRow | None:
        errors_before = len(self.errors)
        username = self.username(row)
        user = self.people.get(username) if username else None
        if user is not None and not self.may_change(row, user):
            user = username = None
        unit = self.units.find(self, row, "unit")
        first_name, last_name = row.text("first_name"), row.text("last_name")
        email = self.email(row)
        self.too_long(row, "first_name", first_name, NAME_LIMIT)
        self.too_long(row, "last_name", last_name, NAME_LIMIT)
        cx_roles = self.roles_of(row)
        role = self.role(row, user)
        active = self.active(row, user)
        if len(self.errors) > errors_before or username is None or unit is None:
            return None
        return PersonRow(
            row.number, user, username, unit, first_name, last_name, email, cx_roles, role, active
        )

    def username(self, row: Row) -> str | None:
        username = self.required(row, "username")
        if username is None:
            return None
        try:
            User.username_validator(username)
        except ValidationError:
            self.error(
                row,
                "username",
                _("'%(value)s' is not a valid username: use letters, digits and @ . + - _ only.")
                % {"value": username},
            )
            return None
        if self.too_long(row, "username", username, NAME_LIMIT):
            return None
        if username in self.seen:
            self.error(
                row,
                "username",
                _("'%(value)s' appears already in row %(row)s: each person once per file.")
                % {"value": username, "row": self.seen[username]},
            )
            return None
        self.seen[username] = row.number
        return username

    def may_change(self, row: Row, user: User) -> bool:
        refusal = sign_in_refusal(self.user, user)
        if refusal is not None:
            self.error(row, "username", refusal)
        return refusal is None

    def email(self, row: Row) -> str:
        email = row.text("email")
        if not email:
            return ""
        try:
            validate_email(email)
        except ValidationError:
            self.error(row, "email", _("'%(value)s' is not an e-mail address.") % {"value": email})
            return ""
        self.too_long(row, "email", email, EMAIL_LIMIT)
        return email

    def roles_of(self, row: Row) -> list[CXRole] | None:
        text = row.text("cx_roles")
        if not text:
            return None
        roles = []
        for slug in dict.fromkeys(
            part.strip().lower() for part in text.replace(";", ",").split(",")
        ):
            if not slug:
                continue
            if slug not in self.cx_roles:
                message = _("There is no CX role with the code '%(code)s'.") % {"code": slug}
                self.error(row, "cx_roles", message + suggestion(slug, self.cx_roles))
                continue
            roles.append(self.cx_roles[slug])
        return roles

    def role(self, row: Row, user: User | None) -> str | None:
        text = row.text("role")
        if not text:
            return None
        group = ROLE_ALIASES.get(text.lower())
        if group is None:
            message = _("'%(value)s' is not a role: write employee, coordinator or management.")
            self.error(row, "role", message % {"value": text})
            return None
        if user is not None and {g.name for g in user.groups.all()} & set(ROLE_GROUPS) == {group}:
            return None  # the role they have: nothing changes
        if not may_grant_role(self.user, group):
            if group == MANAGEMENT:
                self.error(row, "role", _("Only a superuser makes someone management."))
            else:
                self.error(row, "role", _("Only a superuser makes someone a Lean coordinator."))
            return None
        if user is not None and not may_change_access(self.user, user):
            self.error(row, "role", _("You cannot change your own role."))
            return None
        return group

    def active(self, row: Row, user: User | None) -> bool | None:
        active = self.parsed(row, "active", as_yes_no)
        if active is None or user is None or active == user.is_active:
            return active
        if not may_change_access(self.user, user):
            self.error(row, "active", _("You cannot deactivate yourself."))
            return None
        return active

    # --- writing -------------------------------------------------------------------------

    def write(self, planned: list[PersonRow]) -> tuple[int, int]:
        groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLE_GROUPS}
        self.audit: list[SignInEvent] = []
        created = updated = 0
        for person in planned:
            if person.user is None:
                self.create(person, groups)
                created += 1
            else:
                self.update(person, person.user, groups)
                updated += 1
        SignInEvent.objects.bulk_create(self.audit)
        return created, updated

    def audited(self, what: str, user: User, **values) -> None:
        self.audit.append(
            event(what, person=user, actor=self.user, surface=Surface.IMPORT, **values)
        )

    def create(self, person: PersonRow, groups: dict[str, Group]) -> None:
        user = User(
            username=person.username,
            first_name=person.first_name,
            last_name=person.last_name,
            email=person.email,
            is_active=person.active is not False,
            is_staff=person.role in (COORDINATOR, MANAGEMENT),
        )
        user.set_unusable_password()  # they choose one through "forgot password"
        user.save()
        user.groups.add(groups[person.role or EMPLOYEE])
        self.audited(What.CREATED, user, new=user.email)
        self.audited(What.ROLE_GRANTED, user, new=person.role or EMPLOYEE)
        profile = Profile.objects.create(user=user, unit=person.unit)
        if person.cx_roles:
            profile.cx_roles.set(person.cx_roles)

    def update(self, person: PersonRow, user: User, groups: dict[str, Group]) -> None:
        changed = []
        for name in ("first_name", "last_name"):
            value = getattr(person, name)
            if value and value != getattr(user, name):
                setattr(user, name, value)
                changed.append(name)
        if person.email and person.email.lower() != user.email.lower():
            # Confirmed from the new address before a password reset goes there.
            request_email_change(user, person.email, actor=self.user, surface=Surface.IMPORT)
        if person.active is not None and person.active != user.is_active:
            user.is_active = person.active
            changed.append("is_active")
            self.audit.append(active_event(user, actor=self.user, surface=Surface.IMPORT))
        if person.role is not None:
            before = {group.name for group in user.groups.all()}
            user.groups.remove(*[groups[name] for name in ROLE_GROUPS if name != person.role])
            user.groups.add(groups[person.role])
            after = (before - set(ROLE_GROUPS)) | {person.role}
            self.audit += role_events(user, before, after, actor=self.user, surface=Surface.IMPORT)
            staff = person.role in (COORDINATOR, MANAGEMENT) or user.is_superuser
            if staff != user.is_staff:
                user.is_staff = staff
                changed.append("is_staff")
        if changed:
            user.save(update_fields=changed)
        profile = Profile.objects.filter(user=user).first() or Profile(user=user)
        if profile.unit_id != person.unit.pk:
            profile.unit = person.unit
            profile.save()
        if person.cx_roles is not None:
            profile.cx_roles.set(person.cx_roles)
