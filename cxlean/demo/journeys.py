"""Customer journeys and Voice of the Customer for the demo organisation, Nordljus
Energi AB.

`cxlean.demo.org` builds the people and units and calls `build_journeys`, which maps
two journeys of Kundservice's household customers and logs three months of customer
feedback (answers to the loop's three questions, from surveys, support cases, social
media and complaints). `cxlean.demo.backlog` then turns some of that feedback into
improvements and ties items to the journeys' touchpoints and transitions, so it gets
what this module built back as a `DemoJourneys`.

Everything is written out (no randomness) and dated from the day the demo is built.
The journeys are told in Swedish, the organisation's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import QuerySet

from cxlean.demo.content import demo_content
from cxlean.demo.history import changes_recorded_as
from cxlean.journeys.models import (
    Channel,
    Emotion,
    Feedback,
    Journey,
    Stage,
    Touchpoint,
    Transition,
)
from cxlean.org.models import CXRole, Unit

JOURNEY_UNIT = "nordljus-kundservice"


@dataclass(frozen=True)
class TouchpointSpec:
    key: str
    name: str
    channel: str
    role: str | None  # slug of the owning CX role (fixtures/cx_roles.json)
    emotion: int
    description: str = ""
    partner: bool = False


@dataclass(frozen=True)
class StageSpec:
    name: str
    description: str
    touchpoints: tuple[TouchpointSpec, ...]


@dataclass(frozen=True)
class JourneySpec:
    name: str
    persona: str
    description: str
    stages: tuple[StageSpec, ...]
    # (key, from touchpoint, to touchpoint, friction notes)
    transitions: tuple[tuple[str, str, str, str], ...]


@dataclass(frozen=True)
class FeedbackSpec:
    key: str
    days_ago: int
    unit: str
    source: str
    channel: str
    touchpoint: str | None
    sentiment: int
    what_happened: str
    how_it_felt: str
    what_to_improve: str
    logged_by: str
    reference: str = ""


@dataclass
class DemoJourneys:
    """What the backlog demo ties its items to, by key."""

    journeys: dict[str, Journey] = field(default_factory=dict)
    touchpoints: dict[str, Touchpoint] = field(default_factory=dict)
    transitions: dict[str, Transition] = field(default_factory=dict)
    feedback: dict[str, Feedback] = field(default_factory=dict)


W, APP, PHONE, MAIL, CHAT = Channel.WEB, Channel.APP, Channel.PHONE, Channel.EMAIL, Channel.CHAT
VNEG, NEG, NEUTRAL, POS, VPOS = (
    Emotion.VERY_NEGATIVE,
    Emotion.NEGATIVE,
    Emotion.NEUTRAL,
    Emotion.POSITIVE,
    Emotion.VERY_POSITIVE,
)

# fmt: off
MOVING = JourneySpec(
    name="Flytta och teckna elavtal",
    persona="Hushållskund som flyttar från hyresrätt till villa i Umeå",
    description=(
        "Från att kunden inser att elen måste flyttas med till att första fakturan på den "
        "nya adressen är betald. Kartlagd med Kundservice, Digitala kanaler och två "
        "kundintervjuer i våras."
    ),
    stages=(
        StageSpec("Inför flytten", "Kunden tar reda på vad som måste göras med elen.", (
            TouchpointSpec("search", "Söker ”flytta el” på nätet", W, "growth-digital-strategist",
                           NEUTRAL, "Sökmotorer och prisjämförelser, utanför vår kontroll.",
                           partner=True),
            TouchpointSpec("moving-page", "Sidan ”Ska du flytta?” på nordljus.se", W,
                           "content-strategist", POS,
                           "Checklista för flytten och länk till flyttanmälan."),
        )),
        StageSpec("Teckna avtal", "Kunden anmäler flytten och väljer avtal för nya adressen.", (
            TouchpointSpec("moving-form", "Flyttanmälan på Mina sidor", W, "product-owner",
                           NEUTRAL, "Formulär med adress, datum och avtalsval."),
            TouchpointSpec("price-comparison", "Prisjämförelse hos Elpriskollen", Channel.PARTNER,
                           "marketer", POS, "Partnersajt där många nya kunder tecknar.",
                           partner=True),
            TouchpointSpec("confirmation", "Avtalsbekräftelse via e-post", MAIL,
                           "content-strategist", POS),
        )),
        StageSpec("Flyttdagen", "Elen ska fungera och mätaren ska läsas av.", (
            TouchpointSpec("meter-reading", "Mätarställning vid inflyttning", APP,
                           "product-owner", NEG,
                           "Kunden fotograferar eller skriver in mätarställningen i appen."),
            TouchpointSpec("grid-owner", "Nätägarens flyttanmälan", Channel.PARTNER,
                           "customer-service", VNEG,
                           "Nätägaren sköter anslutningen; kunden måste ofta kontakta dem själv.",
                           partner=True),
            TouchpointSpec("moving-call", "Samtal: ”Varför har jag två avtal?”", PHONE,
                           "customer-service", VNEG),
        )),
        StageSpec("Första fakturan", "Slutfaktura för den gamla adressen och första för den nya.", (
            TouchpointSpec("final-invoice", "Slutfaktura för gamla adressen", MAIL,
                           "customer-service", NEG),
            TouchpointSpec("first-invoice", "Första fakturan på nya adressen", MAIL,
                           "customer-service", NEG, "Ofta en delperiod plus en hel månad."),
            TouchpointSpec("invoice-chat", "Chatt om fakturan", CHAT, "customer-service",
                           NEUTRAL),
        )),
        StageSpec("Bo kvar", "De första månaderna som kund på den nya adressen.", (
            TouchpointSpec("welcome", "Välkomstbrev med energitips", MAIL, "marketer", POS),
            TouchpointSpec("nki-survey", "Nöjdhetsenkät efter 60 dagar", MAIL, "cx-strategist",
                           NEUTRAL),
        )),
    ),
    transitions=(
        ("form-to-grid", "moving-form", "grid-owner",
         "Kunden tror att flyttanmälan hos oss räcker, men nätägaren behöver en egen. "
         "Ingen av oss säger det tydligt."),
        ("comparison-to-confirmation", "price-comparison", "confirmation",
         "Avtalet från prisjämförelsen kommer in som ett nytt avtal; det gamla avslutas inte "
         "automatiskt."),
        ("meter-to-final", "meter-reading", "final-invoice",
         "Mätarställningen når faktureringen först efter fem dagar, så slutfakturan "
         "bygger på uppskattad förbrukning."),
        ("final-to-first", "final-invoice", "first-invoice",
         "Två fakturor samma vecka med olika förfallodagar och olika OCR-nummer."),
    ),
)

INVOICE = JourneySpec(
    name="Fel på fakturan",
    persona="Hushållskund med autogiro som får en oväntat hög faktura",
    description=(
        "Från att kunden ser fakturan till att rättelsen är gjord och pengarna tillbaka. "
        "Den vanligaste orsaken till samtal till Kundservice under vintern."
    ),
    stages=(
        StageSpec("Upptäcka felet", "Kunden ser att beloppet inte stämmer.", (
            TouchpointSpec("digital-mailbox", "Fakturan i den digitala brevlådan", Channel.PARTNER,
                           "it-tech", NEG, "Kivra eller internetbanken.", partner=True),
            TouchpointSpec("app-invoice", "Fakturan och förbrukningen i appen", APP,
                           "product-owner", NEG),
        )),
        StageSpec("Söka hjälp", "Kunden försöker förstå fakturan eller nå oss.", (
            TouchpointSpec("help-page", "Hjälpsidan ”Förstå din faktura”", W,
                           "content-strategist", NEUTRAL),
            TouchpointSpec("chatbot", "Chattbot på webben", CHAT, "it-tech", NEG,
                           "Svarar på vanliga frågor, lämnar över till en rådgivare dagtid."),
            TouchpointSpec("phone-queue", "Telefonkön till Kundservice", PHONE,
                           "customer-service", VNEG, "Vintertid ofta över 20 minuter."),
        )),
        StageSpec("Få hjälp", "En rådgivare reder ut vad som hänt.", (
            TouchpointSpec("advisor-call", "Samtal med kundrådgivare", PHONE, "customer-service",
                           VPOS, "Det bästa ögonblicket i resan när rådgivaren löser felet "
                           "direkt."),
            TouchpointSpec("billing-case", "Ärende till faktureringsgruppen", MAIL,
                           "customer-service", NEG,
                           "Rådgivaren skickar ärendet vidare; svar inom fem arbetsdagar."),
        )),
        StageSpec("Rättelse", "Fakturan rättas och pengarna betalas tillbaka.", (
            TouchpointSpec("credit-note", "Kreditfaktura och ny faktura", MAIL,
                           "customer-service", NEUTRAL),
            TouchpointSpec("refund", "Återbetalning till kontot", Channel.LETTER,
                           "customer-service", POS),
        )),
        StageSpec("Efteråt", "Hur kunden ser på oss när det är över.", (
            TouchpointSpec("follow-up-sms", "Sms-enkät efter avslutat ärende", Channel.OTHER,
                           "cx-strategist", POS),
            TouchpointSpec("review", "Omdöme på Trustpilot", W, "marketer", NEUTRAL,
                           partner=True),
        )),
    ),
    transitions=(
        ("chatbot-to-phone", "chatbot", "phone-queue",
         "Chattboten kan inte lämna över kvällstid och hänvisar till telefon, där kunden "
         "får börja om från början."),
        ("call-to-billing", "advisor-call", "billing-case",
         "Kunden vet inte att ärendet skickats vidare och ringer igen efter tre dagar."),
        ("billing-to-credit", "billing-case", "credit-note",
         "Kreditfakturan kommer utan förklaring; många tror att de fått en ny faktura att "
         "betala."),
    ),
)

# fmt: on

# The feedback log (Swedish prose) is content: fixtures/demo/feedback.json.
FEEDBACK = tuple(FeedbackSpec(**row) for row in demo_content("feedback.json"))


def build_journeys(units: dict[str, Unit], users: dict[str, User], today: dt.date) -> DemoJourneys:
    """The two journeys of Kundservice and three months of customer feedback; the
    history names the coordinator as the journeys' author and each logger as theirs."""

    built = DemoJourneys()
    roles = {role.slug: role for role in CXRole.objects.all()}
    with changes_recorded_as(users["coordinator"]):
        for spec in (MOVING, INVOICE):
            create_journey(spec, units[JOURNEY_UNIT], roles, built)
    for feedback in FEEDBACK:
        with changes_recorded_as(users[feedback.logged_by]):
            built.feedback[feedback.key] = log_feedback(feedback, units, users, built, today)
    return built


def log_feedback(
    spec: FeedbackSpec,
    units: dict[str, Unit],
    users: dict[str, User],
    built: DemoJourneys,
    today: dt.date,
) -> Feedback:
    return Feedback.objects.create(
        unit=units[spec.unit],
        source=spec.source,
        channel=spec.channel,
        touchpoint=built.touchpoints.get(spec.touchpoint) if spec.touchpoint else None,
        received_on=today - dt.timedelta(days=spec.days_ago),
        what_happened=spec.what_happened,
        how_it_felt=spec.how_it_felt,
        what_to_improve=spec.what_to_improve,
        sentiment=spec.sentiment,
        customer_reference=spec.reference,
        created_by=users[spec.logged_by],
    )


def create_journey(
    spec: JourneySpec, unit: Unit, roles: dict[str, CXRole], built: DemoJourneys
) -> Journey:
    journey = Journey.objects.create(
        name=spec.name, unit=unit, persona=spec.persona, description=spec.description
    )
    built.journeys[spec.name] = journey
    for order, stage_spec in enumerate(spec.stages, start=1):
        stage = Stage.objects.create(
            journey=journey, order=order, name=stage_spec.name, description=stage_spec.description
        )
        for position, point in enumerate(stage_spec.touchpoints, start=1):
            built.touchpoints[point.key] = Touchpoint.objects.create(
                stage=stage,
                order=position,
                name=point.name,
                channel=point.channel,
                owner_role=roles.get(point.role) if point.role else None,
                partner_controlled=point.partner,
                emotion=point.emotion,
                description=point.description,
            )
    for key, source, target, friction in spec.transitions:
        built.transitions[key] = Transition.objects.create(
            source=built.touchpoints[source], target=built.touchpoints[target], friction=friction
        )
    return journey


def delete_journeys_of(units: QuerySet[Unit]) -> None:
    """Remove the feedback and the journeys (with their stages, touchpoints and
    transitions) of these units; improvements pointing at them keep their other data."""
    Feedback.objects.filter(unit__in=units).delete()
    Journey.objects.filter(unit__in=units).delete()
