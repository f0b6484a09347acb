import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth.models import Group, User

from cxlean.backlog.models import Attachment, Comment, Item
from cxlean.competence.models import (
    Area,
    CompetenceActivity,
    Goal,
    GreenCard,
    Level,
    Record,
    Requirement,
    TraineePlan,
)
from cxlean.games.models import (
    Card,
    Deck,
    DeckKind,
    GameSession,
    Slot,
    TaskCard,
    Team,
    TeamMember,
)
from cxlean.guide.models import GuideActivity, GuideStep
from cxlean.journeys.models import (
    Channel,
    Feedback,
    FeedbackSource,
    Journey,
    Stage,
    Touchpoint,
    Transition,
)
from cxlean.org.models import CXRole, Profile, Unit
from cxlean.org.roles import COORDINATOR, CX_OWNER, EMPLOYEE, MANAGEMENT
from cxlean.plans.models import Activity, Phase, Plan

PASSWORD = "correct-horse-battery"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Unit {n}")
    code = factory.Sequence(lambda n: f"unit-{n}")


class CXRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CXRole

    slug = factory.Sequence(lambda n: f"role-{n}")
    name_sv = factory.Sequence(lambda n: f"Roll {n}")
    name_en = factory.Sequence(lambda n: f"Role {n}")


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    unit = factory.SubFactory(UnitFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User.groups.through

    class Params:
        role = EMPLOYEE

    group = factory.LazyAttribute(lambda o: Group.objects.get_or_create(name=o.role)[0])


# Names for people a test does not name itself: fixed, and never holding the names tests
# look for or rule out (Alice, Bob, Carol, Dave, Sam, Erik…). A random surname such as
# "Sampson" once put "Sam" on a page that must not show Sam.
FIRST_NAMES = ("Kim", "Robin", "Alex", "Tove", "Greta", "Ture", "Vera", "Stig")
LAST_NAMES = ("Berglöf", "Lundin", "Ekholm", "Strand", "Dahlgren", "Norell", "Vikström", "Frost")


class UserFactory(factory.django.DjangoModelFactory):
    """A person: a user with a profile in `unit` and the cxlean group `role`."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        role = EMPLOYEE
        unit = factory.SubFactory(UnitFactory)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: FIRST_NAMES[n % len(FIRST_NAMES)])
    last_name = factory.Sequence(lambda n: LAST_NAMES[n // len(FIRST_NAMES) % len(LAST_NAMES)])
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    is_staff = factory.LazyAttribute(lambda u: u.role in (COORDINATOR, MANAGEMENT, CX_OWNER))
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)
    profile = factory.RelatedFactory(
        ProfileFactory, factory_related_name="user", unit=factory.SelfAttribute("..unit")
    )

    membership = factory.RelatedFactory(
        "tests.factories.MembershipFactory",
        factory_related_name="user",
        role=factory.SelfAttribute("..role"),
    )

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()  # persist the password set above


class GuideStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuideStep

    number = factory.Sequence(lambda n: n + 1)
    title_sv = factory.Sequence(lambda n: f"Steg {n + 1}")
    title_en = factory.Sequence(lambda n: f"Step {n + 1}")


class GuideActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuideActivity

    step = factory.SubFactory(GuideStepFactory)
    title_sv = factory.Sequence(lambda n: f"Aktivitet {n}")
    title_en = factory.Sequence(lambda n: f"Activity {n}")


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    name = factory.Sequence(lambda n: f"Rollout {n}")
    unit = factory.SubFactory(UnitFactory)
    coordinator = factory.SubFactory(
        UserFactory, role=COORDINATOR, unit=factory.SelfAttribute("..unit")
    )
    start_date = dt.date(2026, 1, 5)
    end_date = dt.date(2026, 12, 18)
    budget = Decimal("100000.00")


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Phase {n}")
    order = factory.Sequence(lambda n: n)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    phase = factory.SubFactory(PhaseFactory)
    title = factory.Sequence(lambda n: f"Activity {n}")
    start_date = dt.date(2026, 2, 1)
    due_date = dt.date(2026, 2, 28)
    planned_cost = Decimal("1000.00")


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    name_sv = factory.Sequence(lambda n: f"Område {n}")
    name_en = factory.Sequence(lambda n: f"Area {n}")
    order = factory.Sequence(lambda n: n)


class CompetenceActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompetenceActivity

    area = factory.SubFactory(AreaFactory)
    code = factory.Sequence(lambda n: f"competence-{n}")
    title_sv = factory.Sequence(lambda n: f"Kompetens {n}")
    title_en = factory.Sequence(lambda n: f"Competence {n}")
    order = factory.Sequence(lambda n: n)


class RequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Requirement

    activity = factory.SubFactory(CompetenceActivityFactory)
    role = factory.SubFactory(CXRoleFactory)
    level = Level.U


class RecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Record

    person = factory.SubFactory(UserFactory)
    activity = factory.SubFactory(CompetenceActivityFactory)


class GreenCardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GreenCard

    person = factory.SubFactory(UserFactory)
    issued_on = dt.date(2026, 1, 15)
    expires_on = dt.date(2028, 1, 15)


class TraineePlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TraineePlan

    person = factory.SubFactory(UserFactory)
    start_date = dt.date(2026, 9, 1)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    plan = factory.SubFactory(TraineePlanFactory)
    activity = factory.SubFactory(CompetenceActivityFactory)
    target_level = Level.L
    due_date = dt.date(2026, 10, 1)


# --- customer journeys, Voice of the Customer, improvement backlog ---------------------


class JourneyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Journey

    name = factory.Sequence(lambda n: f"Journey {n}")
    unit = factory.SubFactory(UnitFactory)


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stage

    journey = factory.SubFactory(JourneyFactory)
    order = factory.Sequence(lambda n: n)
    name = factory.Sequence(lambda n: f"Stage {n}")


class TouchpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Touchpoint

    stage = factory.SubFactory(StageFactory)
    order = factory.Sequence(lambda n: n)
    name = factory.Sequence(lambda n: f"Touchpoint {n}")
    channel = Channel.WEB


class TransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Transition

    source = factory.SubFactory(TouchpointFactory)
    target = factory.SubFactory(TouchpointFactory, stage=factory.SelfAttribute("..source.stage"))


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feedback

    unit = factory.SubFactory(UnitFactory)
    source = FeedbackSource.SURVEY
    channel = Channel.PHONE
    received_on = dt.date(2026, 11, 2)
    what_happened = factory.Sequence(lambda n: f"The customer waited on the phone ({n}).")
    how_it_felt = "Frustrated."
    what_to_improve = "Call back instead of a queue."


class ItemFactory(factory.django.DjangoModelFactory):
    """An improvement idea; pass impact/feasibility/customer_value to score it."""

    class Meta:
        model = Item

    title = factory.Sequence(lambda n: f"Improvement {n}")
    unit = factory.SubFactory(UnitFactory)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    item = factory.SubFactory(ItemFactory)
    text = "Good idea."


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    item = factory.SubFactory(ItemFactory)
    file = factory.django.FileField(filename="notes.txt", data=b"notes")


# --- the timeline game -------------------------------------------------------------------


class DeckFactory(factory.django.DjangoModelFactory):
    """A challenge deck; `deck_with_cards` below gives one with slots and cards."""

    class Meta:
        model = Deck

    title_sv = factory.Sequence(lambda n: f"Utmaning {n}")
    title_en = factory.Sequence(lambda n: f"Challenge {n}")
    kind = DeckKind.STEPS


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Slot

    deck = factory.SubFactory(DeckFactory)
    position = factory.Sequence(lambda n: n + 1)
    label_sv = factory.Sequence(lambda n: f"Plats {n}")
    label_en = factory.Sequence(lambda n: f"Slot {n}")


class CardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Card

    deck = factory.SelfAttribute("correct_slot.deck")
    correct_slot = factory.SubFactory(SlotFactory)
    text_sv = factory.Sequence(lambda n: f"Kort {n}")
    text_en = factory.Sequence(lambda n: f"Card {n}")
    points = 10


class TaskCardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskCard

    deck = factory.SubFactory(DeckFactory)
    text_sv = factory.Sequence(lambda n: f"Uppgift {n}")
    text_en = factory.Sequence(lambda n: f"Task {n}")


def deck_with_cards(slots: int = 4, ordered: bool = True, **kwargs) -> Deck:
    """A deck with `slots` slots (positions 1…n), one 10-point card per slot (card i
    belongs in slot i) and two task cards."""
    deck = DeckFactory(ordered=ordered, **kwargs)
    for position in range(1, slots + 1):
        slot = SlotFactory(deck=deck, position=position)
        CardFactory(deck=deck, correct_slot=slot, order=position)
    TaskCardFactory(deck=deck)
    TaskCardFactory(deck=deck)
    return deck


class GameSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GameSession

    unit = factory.SubFactory(UnitFactory)
    deck = factory.SubFactory(DeckFactory)
    facilitator = factory.SubFactory(UserFactory, role=COORDINATOR)
    title = factory.Sequence(lambda n: f"Game {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    session = factory.SubFactory(GameSessionFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Team {n + 1}")


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
