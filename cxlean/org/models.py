from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from cxlean.core.models import optional_link
from cxlean.core.names import display_name
from cxlean.core.translation import Translated

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from cxlean.org.roles import (
    COORDINATOR,
    CX_OWNER,
    EMPLOYEE,
    MANAGEMENT,
    coordinated_units,
    coordinates_unit,
    may_edit_catalogue,
    may_propose_change,
    sees_everything,
    unit_neighbourhood,
)


class UnitScopedQuerySet(models.QuerySet):
    """Rows that belong to a unit (figures, walks, improvements, feedback…), read by the
    part of the tree they belong to."""

    def visible_to(self, user) -> Self:
        """Management and superusers everything; others the rows of their part of the tree
        (their unit, the units above and below it, a coordinator's units) and what
        `also_visible_to` adds."""
        if not user.is_authenticated:
            return self.none()
        if sees_everything(user):
            return self
        return self.filter(Q(unit__in=unit_neighbourhood(user)) | self.also_visible_to(user))

    def also_visible_to(self, user) -> Q:
        """What someone sees beyond their part of the tree: nothing here; the walks they
        lead, the improvements they own… where a queryset says so."""
        return Q()


class UnitScoped(models.Model):
    """A row that belongs to a unit (a target, a Gemba schedule…): read by the unit's
    part of the tree, changed by its coordinators."""

    unit: models.ForeignKey[Unit, Unit]  # each concrete model declares it (its reverse name)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def can_edit(self, user) -> bool:
        """Coordinators of the unit (and superusers); never management."""
        return coordinates_unit(user, self.unit)


class UnitQuerySet(models.QuerySet):
    def with_descendants(self, unit: Unit) -> UnitQuerySet:
        return self.filter(path__startswith=unit.path)


class Unit(models.Model):
    """A node in the organisation tree (company → department → team).

    `path` holds the ids from the root down ("/1/4/9/") so that "this unit and all
    its sub-units" is a single indexed prefix match instead of a recursive walk.
    """

    name = models.CharField(_("name"), max_length=120)
    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Short identifier used in reports and imports."),
    )
    parent = optional_link(
        "self", _("parent unit"), on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @transaction.atomic
    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        old_path = self.path
        new_path = f"{self.parent.path if self.parent is not None else '/'}{self.pk}/"
        if new_path == old_path:
            return
        Unit.objects.filter(pk=self.pk).update(path=new_path)
        self.path = new_path
        if old_path:  # moved: re-root every descendant under the new path
            moved = list(Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk))
            for unit in moved:
                unit.path = new_path + unit.path[len(old_path) :]
            Unit.objects.bulk_update(moved, ["path"])

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)

    @property
    def line(self) -> list[int]:
        """The ids on the unit's path from the top down, itself last ("/1/4/9/" -> [1, 4, 9]):
        the units whose figures include this one's when reports roll up the tree."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def ancestors(self) -> UnitQuerySet:
        """The units above this one, top first."""
        return Unit.objects.filter(pk__in=self.line[:-1]).order_by("path")

    def subtree(self) -> UnitQuerySet:
        return Unit.objects.with_descendants(self)

    def is_within(self, other: Unit) -> bool:
        return self.path.startswith(other.path)

    def clean(self) -> None:
        if self.parent is not None and self.pk and self.parent.is_within(self):
            raise ValidationError(
                {"parent": _("A unit cannot be placed under itself or one of its sub-units.")}
            )


def unit_placement_message(unit: Unit) -> StrOrPromise:
    """Why `may_place_unit` refused: the same words in the admin and the API."""
    if unit.pk is not None:
        return _(
            "You can move a unit only under one of the units you coordinate, and not "
            "the unit you belong to."
        )
    return _("Place the unit under one of the units you coordinate.")


class CXRole(models.Model):
    """A role in the customer-experience catalogue (data the organisation edits)."""

    slug = models.SlugField(_("code"), max_length=60, unique=True)
    name_sv = models.CharField(_("name (Swedish)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    description_sv = models.TextField(_("contribution to CX and Lean (Swedish)"), blank=True)
    description_en = models.TextField(_("contribution to CX and Lean (English)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    name = Translated()
    description = Translated()

    class Meta:
        verbose_name = _("CX role")
        verbose_name_plural = _("CX roles")
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    """What cxlean knows about a person beyond their login: unit and CX roles."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("user"),
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="profiles"
    )
    cx_roles = models.ManyToManyField(
        CXRole, verbose_name=_("CX roles"), blank=True, related_name="profiles"
    )
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    history = HistoricalRecords(m2m_fields=[cx_roles])

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        ordering = ["user__first_name", "user__last_name"]

    def __str__(self) -> str:
        return display_name(self.user)


class Surface(models.TextChoices):
    """Where a change to someone's sign-in was made."""

    API = "api", _("API")
    WEB = "web", _("web")
    ADMIN = "admin", _("admin")
    IMPORT = "import", _("import")
    SSO = "sso", _("single sign-on")


class EmailChangeQuerySet(models.QuerySet):
    def pending(self) -> EmailChangeQuerySet:
        """Not confirmed yet and still within the time the link is valid."""
        from django.utils import timezone

        return self.filter(
            confirmed_at__isnull=True, created_at__gt=timezone.now() - EmailChange.VALID_FOR
        )


class EmailChange(models.Model):
    """A new e-mail address waiting to be confirmed from that address.

    `User.email` keeps the confirmed address until then, and the password reset only ever
    mails `User.email`: whoever types in someone else's address cannot receive their
    reset link. The link in the confirmation e-mail is signed (see `cxlean.org.accounts`),
    so no secret is kept in the database."""

    VALID_FOR = dt.timedelta(days=3)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="email_changes",
    )
    new_email = models.EmailField(_("new e-mail address"))
    requested_by = optional_link(settings.AUTH_USER_MODEL, _("requested by"), related_name="+")
    surface = models.CharField(_("where"), max_length=10, choices=Surface.choices)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    objects = EmailChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("e-mail change")
        verbose_name_plural = _("e-mail changes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} → {self.new_email}"

    @property
    def expires_at(self):
        return self.created_at + self.VALID_FOR


class SignInEventQuerySet(models.QuerySet):
    def visible_to(self, user) -> SignInEventQuerySet:
        """Superusers and management read every event; coordinators those about the
        people of their units; nobody else any."""
        from cxlean.org.roles import coordinated_units, is_coordinator, sees_everything

        if sees_everything(user):
            return self
        if is_coordinator(user):
            return self.filter(person__profile__unit__in=coordinated_units(user))
        return self.none()


class SignInEvent(models.Model):
    """The sign-in audit: every change to how someone signs in (username, e-mail address,
    password, roles, active), and every sign-in, failed sign-in and password reset.

    Written explicitly by the code that makes the change, never a password."""

    class What(models.TextChoices):
        CREATED = "created", _("person created")
        USERNAME_CHANGED = "username_changed", _("username changed")
        EMAIL_REQUESTED = "email_requested", _("e-mail change requested")
        EMAIL_CONFIRMED = "email_confirmed", _("e-mail change confirmed")
        EMAIL_CHANGED = "email_changed", _("e-mail address changed")
        PASSWORD_SET = "password_set", _("password set")
        PASSWORD_CHANGED = "password_changed", _("password changed")
        PASSWORD_RESET_REQUESTED = "password_reset_requested", _("password reset requested")
        PASSWORD_RESET = "password_reset", _("password reset")
        ROLE_GRANTED = "role_granted", _("role granted")
        ROLE_REMOVED = "role_removed", _("role removed")
        SUPERUSER_CHANGED = "superuser_changed", _("superuser status changed")
        ACTIVATED = "activated", _("activated")
        DEACTIVATED = "deactivated", _("deactivated")
        LOGGED_IN = "logged_in", _("signed in")
        LOGIN_FAILED = "login_failed", _("sign-in failed")
        SSO_LINKED = "sso_linked", _("linked to the single sign-on account")
        LOCKED_OUT = "locked_out", _("locked out")
        TWO_FACTOR_ADDED = "two_factor_added", _("two-factor device added")

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = optional_link(
        settings.AUTH_USER_MODEL,
        _("by"),
        related_name="+",
        help_text=_(
            "Empty: the person themselves without signing in, the single sign-on when "
            "they signed in through it, or nobody known."
        ),
    )
    person = optional_link(settings.AUTH_USER_MODEL, _("person"), related_name="sign_in_events")
    username = models.CharField(
        _("username"),
        max_length=150,
        blank=True,
        help_text=_("As it was at the time (also for failed sign-ins of unknown names)."),
    )
    what = models.CharField(_("what"), max_length=30, choices=What.choices)
    old_value = models.CharField(_("old value"), max_length=254, blank=True)
    new_value = models.CharField(_("new value"), max_length=254, blank=True)
    surface = models.CharField(_("where"), max_length=10, choices=Surface.choices)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = SignInEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("sign-in event")
        verbose_name_plural = _("sign-in audit")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["person", "-created_at"], name="signin_person_recent")]

    def __str__(self) -> str:
        return f"{self.get_what_display()}: {self.username}"


# --- single sign-on -------------------------------------------------------------------------


class SSOIdentity(models.Model):
    """The account at the OpenID Connect provider a person signs in with: the provider
    (`issuer`) and its stable identifier for them (`subject`, the `sub` claim). Found
    again by these on every sign-in, whatever their name or e-mail address became."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="sso_identities",
    )
    issuer = models.CharField(_("provider"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    created_at = models.DateTimeField(_("linked at"), auto_now_add=True)
    last_sign_in = models.DateTimeField(_("last sign-in"), null=True, editable=False)

    class Meta:
        verbose_name = _("single sign-on account")
        verbose_name_plural = _("single sign-on accounts")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.subject})"


class ClaimMapping(models.Model):
    """One rule of the single sign-on: a person whose claim `claim` holds `value` gets
    `role`, `unit` and/or `cx_role`, or is refused.

    Applied on every sign-in through the provider (`cxlean.org.sso`). The mappings are
    the source of truth for what they map, and for nothing else: a role, CX role or
    unit that no mapping names is kept as it was set in cxlean."""

    ROLE_CHOICES = [
        (EMPLOYEE, _("employee")),
        (COORDINATOR, _("Lean coordinator")),
        (MANAGEMENT, _("management")),
        (CX_OWNER, _("CX owner")),
    ]

    claim = models.CharField(
        _("claim"),
        max_length=100,
        help_text=_("The claim's name in the ID token or user info, e.g. groups or department."),
    )
    value = models.CharField(
        _("value"),
        max_length=255,
        help_text=_("Matches when the claim is this value or is a list that holds it."),
    )
    role = models.CharField(_("role"), max_length=40, choices=ROLE_CHOICES, blank=True)
    unit = optional_link(Unit, _("unit"), on_delete=models.CASCADE, related_name="claim_mappings")
    cx_role = optional_link(
        CXRole, _("CX role"), on_delete=models.CASCADE, related_name="claim_mappings"
    )
    refuse = models.BooleanField(
        _("refuse sign-in"),
        default=False,
        help_text=_("People with this claim value are deactivated and cannot sign in."),
    )
    order = models.PositiveSmallIntegerField(
        _("order"),
        default=0,
        help_text=_("When several matching mappings give a unit, the lowest order wins."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("claim mapping")
        verbose_name_plural = _("claim mappings")
        ordering = ["order", "claim", "value", "pk"]

    def __str__(self) -> str:
        return f"{self.claim} = {self.value}"

    def clean(self) -> None:
        if not (self.role or self.unit_id or self.cx_role_id or self.refuse):
            raise ValidationError(_("Give a role, a unit or a CX role, or refuse sign-in."))

    def matches(self, claims: dict) -> bool:
        held = claims.get(self.claim)
        if isinstance(held, list | tuple):
            return self.value in [str(item) for item in held]
        return held is not None and str(held) == self.value


# --- proposals to change the catalogues ---------------------------------------------------


class Catalogue(models.TextChoices):
    """The organisation-wide catalogues the CX owner owns (`may_edit_catalogue`)."""

    CX_ROLES = "cx_roles", _("CX roles")
    GUIDE = "guide", _("The guide")
    COMPETENCE = "competence", _("Competence activities and Green Card requirements")
    CHECKLISTS = "checklists", _("Checklist templates")
    GEMBA = "gemba", _("Gemba question sets")
    METRICS = "metrics", _("CX metric definitions")
    MATURITY = "maturity", _("CX maturity model")


class ProposalStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("proposal status", "Open")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


DECISIONS = (ProposalStatus.ACCEPTED, ProposalStatus.DECLINED)


def may_propose_for(user, unit: Unit | None) -> bool:
    """A Lean coordinator proposes on behalf of a unit they coordinate."""
    return unit is not None and may_propose_change(user) and coordinates_unit(user, unit)


class CatalogueProposalQuerySet(models.QuerySet):
    def visible_to(self, user) -> CatalogueProposalQuerySet:
        """The CX owner, management and superusers read every proposal; coordinators
        their own and those of the units they coordinate."""
        if not user.is_authenticated:
            return self.none()
        if sees_everything(user) or may_edit_catalogue(user):
            return self
        return self.filter(Q(proposed_by=user) | Q(unit__in=coordinated_units(user)))


class CatalogueProposal(models.Model):
    """A unit coordinator's proposal to change a catalogue, decided by the CX owner.

    The catalogues are the same for the whole organisation (every unit's Green Card
    rules, checklists, metrics…), so a unit does not change them itself: it proposes,
    and the CX owner accepts (and makes the change) or declines, with a note."""

    catalogue = models.CharField(_("catalogue"), max_length=20, choices=Catalogue.choices)
    entry = models.CharField(
        _("entry"),
        max_length=200,
        blank=True,
        help_text=_("Which role, activity, question… the proposal is about, if one."),
    )
    title = models.CharField(_("title"), max_length=160)
    change = models.TextField(_("what should change"))
    reason = models.TextField(_("why"))
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("proposed for"),
        on_delete=models.PROTECT,
        related_name="catalogue_proposals",
    )
    proposed_by = optional_link(
        settings.AUTH_USER_MODEL, _("proposed by"), related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("proposed"), default=timezone.now, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    decided_by = optional_link(
        settings.AUTH_USER_MODEL, _("decided by"), related_name="+", editable=False
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    decision_note = models.TextField(_("decision note"), blank=True)
    history = HistoricalRecords()

    objects = CatalogueProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("catalogue proposal")
        verbose_name_plural = _("catalogue proposals")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", decided_at__isnull=True)
                | (~Q(status="open") & Q(decided_at__isnull=False)),
                name="catalogue_proposal_decided_when_closed",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == ProposalStatus.OPEN

    def can_decide(self, user) -> bool:
        return self.is_open and may_edit_catalogue(user)

    def decide(self, *, by, status: str, note: str = "") -> None:
        """Accept or decline the proposal, once, as the CX owner (or a superuser)."""
        if not may_edit_catalogue(by):
            raise PermissionDenied(_("Only the CX owner decides on catalogue proposals."))
        if not self.is_open:
            raise ValidationError(_("This proposal has already been decided."), code="decided")
        if status not in DECISIONS:
            raise ValidationError({"status": _("Accept or decline the proposal.")}, code="status")
        self.status = status
        self.decision_note = note
        self.decided_by = by
        self.decided_at = timezone.now()
        self.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
