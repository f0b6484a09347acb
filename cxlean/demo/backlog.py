"""The improvement backlog of the demo organisation, Nordljus Energi AB, three months
into its Lean CX work.

`cxlean.demo.org` calls `build_backlog` after `cxlean.demo.journeys.build_journeys`,
whose journeys, touchpoints, transitions and customer feedback the items refer to.
Every item is written out (no randomness) and moved through PDCA with `Item.move`
by the people who would move it, so the status changes and the history are real:

- Sara (`coordinator`) coordinates Kundservice and its two teams: she triages, plans
  and rejects their items. Nordljus has no coordinator of its own yet in Digitala
  kanaler, Marknad & försäljning or IT, so there the system administrator (`admin`,
  a superuser) does it.
- Owners move their own items on: plan → do → check → act (and check → plan for one
  more round). Jonas (`employee`) owns one finished improvement and submitted others.

Sixteen pieces of customer feedback become ideas through `improvement_from_feedback`,
with the link kept. Afterwards the dates are moved back to when things happened:
submitted up to three months ago, each move between then and now, so that lead times,
overdue items and the history read like a real backlog.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from cxlean.backlog.models import (
    Comment,
    Item,
    Metric,
    MudaKind,
    Source,
    Status,
    StatusChange,
    Waste,
    improvement_from_feedback,
)
from cxlean.demo.history import changes_recorded_as
from cxlean.demo.journeys import DemoJourneys
from cxlean.org.models import Unit

# The units Sara coordinates; the superuser stands in elsewhere (see the docstring).
COORDINATED = ("nordljus-kundservice", "nordljus-telefoni", "nordljus-chatt")

T, P, D, C, A, R, I = (  # noqa: E741 - the statuses' initials read best in the paths
    Status.TRIAGED,
    Status.PLAN,
    Status.DO,
    Status.CHECK,
    Status.ACT,
    Status.REJECTED,
    Status.IDEA,
)
PATHS = {
    Status.IDEA: (),
    Status.TRIAGED: (T,),
    Status.PLAN: (T, P),
    Status.DO: (T, P, D),
    Status.CHECK: (T, P, D, C),
    Status.ACT: (T, P, D, C, A),
    Status.REJECTED: (R,),
}
MUDA, MURA, MURI = Waste.MUDA, Waste.MURA, Waste.MURI
NPS, CSAT, CES, CHURN = Metric.NPS, Metric.CSAT, Metric.CES, Metric.CHURN


@dataclass(frozen=True)
class ItemSpec:
    title: str
    unit: str
    submitted_by: str
    status: str
    age: int  # days since it was submitted
    quiet: int = 3  # days since the last move
    source: str = Source.EMPLOYEE
    description: str = ""
    feedback: str = ""  # key of the feedback it came from (journeys demo)
    touchpoint: str = ""
    transition: str = ""
    waste: str = ""
    kind: str = ""
    scores: tuple[int, int, int] | None = None  # impact, feasibility, customer value
    owner: str = ""
    due: int | None = None  # days from today; negative is in the past
    expected: tuple[str, str, str] | None = None  # metric, change, in words
    measured: tuple[str, str] | None = None  # change, in words
    spread: bool | None = None
    spread_note: str = ""
    rejection: str = ""
    path: tuple[str, ...] | None = None  # when not the straight way to `status`
    comments: tuple[tuple[str, int, str], ...] = ()  # author, days ago, text


@dataclass(frozen=True)
class BacklogSummary:
    items: int
    by_status: Counter
    overdue: int
    from_feedback: int


# fmt: off
ITEMS = (
    # --- finished: act -------------------------------------------------------------------
    ItemSpec("Återuppringning i stället för telefonkö", "nordljus-telefoni", "erik.johansson",
             Status.ACT, age=76, quiet=45, source=Source.VOC, feedback="queue-25-min",
             waste=MUDA, kind=MudaKind.WAITING, scores=(5, 4, 5), owner="ahmed.hassan",
             due=-50, expected=(NPS, "5", "Färre kunder som lägger på i kön och ringer igen."),
             measured=("4", "Andelen som lägger på i kön sjönk från 18 % till 6 %; NPS för "
                            "telefonkontakter steg från 21 till 25."),
             spread=True, spread_note="Team Chatt & e-post: erbjud återkontakt när chatten "
                                      "är full.",
             comments=(("coordinator", 70, "Vi provar två veckor i Team Telefoni först och "
                                           "mäter andelen som lägger på."),
                       ("ahmed.hassan", 52, "Två veckor klara: 7 % lägger på mot 18 % innan. "
                                            "Inga klagomål på väntan på återuppringning."))),
    ItemSpec("Tydlig rubrik på kreditfakturan: ska inte betalas", "nordljus-kundservice",
             "oskar.lund", Status.ACT, age=65, quiet=20, source=Source.VOC,
             feedback="credit-note-confusion", waste=MUDA, kind=MudaKind.DEFECTS,
             scores=(3, 5, 4), owner="elin.wikstrom", due=-30,
             expected=(CES, "0.3", "Färre samtal om kreditfakturor."),
             measured=("0.4", "Inga inbetalningar av kreditfakturor i februari (tidigare "
                               "omkring 14 i månaden); CES för fakturaärenden från 4,6 till "
                               "5,0."),
             spread=False, spread_note="Fakturamallen är gemensam, så alla kunder har redan "
                                       "fått den nya rubriken."),
    ItemSpec("Standardsvar för de tio vanligaste fakturafrågorna i chatten", "nordljus-chatt",
             "employee", Status.ACT, age=88, quiet=12,
             description="Vi skriver samma förklaringar om och om igen. Med färdiga, "
                         "granskade svar går det fortare och alla svarar lika.",
             waste=MUDA, kind=MudaKind.OVERPROCESSING, scores=(3, 5, 3), owner="employee",
             due=-20, expected=(CSAT, "2", "Kortare chattar och samma svar oavsett rådgivare."),
             measured=("3", "Snittiden per fakturachatt från 9 till 6 minuter; CSAT för chatten "
                            "från 78 % till 81 %."),
             spread=True, spread_note="Team Telefoni kan använda samma texter i e-post.",
             comments=(("fatima.ali", 60, "Bra! Jag granskar texterna innan de läggs in."),
                       ("employee", 30, "Alla tio svar ligger nu som snabbtexter i chatten."))),
    ItemSpec("Morgonmöte vid tavlan i Team Telefoni", "nordljus-telefoni", "coordinator",
             Status.ACT, age=85, quiet=30, source=Source.GEMBA,
             description="På Gemba-rundan såg vi att teamet inte visste vilka dagar som "
                         "väntades bli tunga förrän kön redan var lång.",
             waste=MURI, scores=(3, 5, 3), owner="ahmed.hassan", due=-40,
             expected=(CSAT, "1", "Jämnare arbetsbelastning och färre långa köer."),
             measured=("1", "Övertiden i teamet minskade med 30 %; CSAT oförändrat högt."),
             spread=True, spread_note="Team Chatt & e-post börjar med samma tavla i mars."),
    ItemSpec("Mätaravläsning med i flyttchecklistan", "nordljus-digitala-kanaler",
             "maja.karlsson", Status.ACT, age=62, quiet=25, source=Source.VOC,
             feedback="moving-page-good", waste=MUDA, kind=MudaKind.DEFECTS, scores=(2, 5, 3),
             owner="maja.karlsson", due=-28,
             expected=(CSAT, "1", "Fler slutfakturor bygger på riktig mätarställning."),
             measured=("1", "Andelen flyttanmälningar med mätarställning steg från 54 % till "
                            "71 %."),
             spread=False),
    ItemSpec("Ärendekön i faktureringsgruppen synlig på tavlan", "nordljus-kundservice",
             "elin.wikstrom", Status.ACT, age=75, quiet=8, source=Source.METRIC,
             description="Ingen ser hur många fakturaärenden som väntar eller hur gamla de "
                         "är förrän kunderna ringer igen.",
             waste=MUDA, kind=MudaKind.INVENTORY, scores=(4, 4, 4), owner="elin.wikstrom",
             due=-15, expected=(CES, "0.3", "Snabbare besked till kunder med fakturafel."),
             measured=("0.2", "Ärenden äldre än fem arbetsdagar minskade från 140 till 35."),
             spread=True, spread_note="Team Företagskunder har samma typ av kö."),
    # --- check ---------------------------------------------------------------------------
    ItemSpec("Berätta om nätägarens flyttanmälan redan i vårt formulär",
             "nordljus-kundservice", "ahmed.hassan", Status.CHECK, age=78, quiet=4,
             source=Source.VOC, feedback="grid-owner-surprise", transition="form-to-grid",
             waste=MUDA, kind=MudaKind.DEFECTS, scores=(4, 5, 4), owner="sofia.bergstrom",
             due=-5, expected=(CES, "0.5", "Färre samtal om avstängningsbrev från nätägaren."),
             measured=("-0.3", "Samtal om nätägarens flyttanmälan minskade från 61 till 22 i "
                               "månaden; CES-mätningen för flyttar kommer i nästa månad."),
             comments=(("sofia.bergstrom", 10, "Texten och länken till nätägaren ligger ute "
                                               "sedan den 1:a."),)),
    ItemSpec("Jämna ut bemanningen över dagen", "nordljus-telefoni", "ahmed.hassan",
             Status.CHECK, age=58, quiet=2, source=Source.METRIC,
             description="Servicenivån rasar mellan 8 och 10 och efter lunch, medan "
                         "eftermiddagen är lugn.",
             waste=MURA, scores=(4, 3, 3), owner="ahmed.hassan", due=5,
             expected=(CSAT, "2", "Servicenivå 80/60 varje dag."),
             measured=("", "Servicenivån 80/60 nåddes 19 av 22 dagar i januari (tidigare 11).")),
    ItemSpec("Rådgivare ser hela kontakthistoriken", "nordljus-chatt", "fatima.ali",
             Status.CHECK, age=45, quiet=1, source=Source.VOC, touchpoint="invoice-chat",
             description="När rådgivaren ser vad kunden redan sagt i telefon slipper kunden "
                         "upprepa sig.",
             waste=MUDA, kind=MudaKind.DEFECTS, scores=(4, 4, 4), owner="fatima.ali", due=10,
             expected=(NPS, "3", "Färre upprepade kontakter inom sju dagar."),
             measured=("", "Upprepade kontakter inom sju dagar från 23 % till 17 % i chatten, "
                           "oförändrat i telefon."),
             path=(T, P, D, C, P, D, C),
             comments=(("coordinator", 20, "Effekten syns bara i chatten. Vi tar en runda "
                                           "till och får med telefon."),
                       ("fatima.ali", 2, "Telefon har haft historiken i två veckor nu."))),
    # --- do ------------------------------------------------------------------------------
    ItemSpec("Avsluta gamla avtalet automatiskt vid flytt", "nordljus-kundservice",
             "coordinator", Status.DO, age=82, quiet=10, source=Source.VOC,
             feedback="two-contracts", waste=MUDA, kind=MudaKind.DEFECTS, scores=(5, 3, 5),
             owner="ida.hedlund", due=20,
             expected=(CHURN, "-0.5", "Färre kunder som säger upp sig efter dubbla fakturor."),
             comments=(("ida.hedlund", 15, "Matchningen på personnummer fungerar i test. "
                                           "Driftsätts efter nästa release."),)),
    ItemSpec("Chattboten skapar ett ärende kvällstid", "nordljus-chatt", "employee",
             Status.DO, age=69, quiet=6, source=Source.VOC, feedback="chatbot-evening",
             transition="chatbot-to-phone", waste=MUDA, kind=MudaKind.WAITING,
             scores=(4, 4, 4), owner="fatima.ali", due=10,
             expected=(CES, "0.4", "Kunden slipper ringa nästa dag och börja om.")),
    ItemSpec("Sms när fakturaärendet skickas vidare och när det är klart",
             "nordljus-kundservice", "coordinator", Status.DO, age=55, quiet=14,
             source=Source.VOC, feedback="billing-no-news", transition="call-to-billing",
             waste=MUDA, kind=MudaKind.DEFECTS, scores=(5, 3, 4), owner="ahmed.hassan", due=-3,
             expected=(NPS, "4", "Färre kunder som ringer igen om samma fakturafel."),
             comments=(("ahmed.hassan", 4, "Väntar på att IT öppnar sms-tjänsten för "
                                           "ärendesystemet; vi blir några dagar sena."),)),
    ItemSpec("Stabil fotoavläsning av mätaren i appen", "nordljus-webb-app", "sofia.bergstrom",
             Status.DO, age=59, quiet=20, source=Source.VOC, feedback="app-meter-photo",
             waste=MUDA, kind=MudaKind.OVERPROCESSING, scores=(4, 2, 4), owner="nils.eriksson",
             due=-12, expected=(CSAT, "3", "Fler som klarar avläsningen i appen på första "
                                           "försöket.")),
    ItemSpec("Ingen påminnelseavgift första månaden efter flytt", "nordljus-kundservice",
             "elin.wikstrom", Status.DO, age=40, quiet=9, source=Source.METRIC,
             description="Var femte flyttkund får en påminnelseavgift på första fakturan, "
                         "oftast för att två fakturor kommer samma vecka.",
             waste=MUDA, kind=MudaKind.DEFECTS, scores=(3, 5, 4), owner="elin.wikstrom", due=-2,
             expected=(CHURN, "-0.2", "Färre arga flyttkunder.")),
    # --- plan ----------------------------------------------------------------------------
    ItemSpec("Använd appens mätarställning i slutfakturan", "nordljus-kundservice",
             "elin.wikstrom", Status.PLAN, age=74, quiet=30, source=Source.VOC,
             feedback="estimated-final", transition="meter-to-final", waste=MUDA,
             kind=MudaKind.WAITING, scores=(4, 2, 5), owner="ida.hedlund", due=-6,
             expected=(CSAT, "3", "Slutfakturor på riktig förbrukning i stället för uppskattad."),
             comments=(("ida.hedlund", 12, "Kräver ändring i integrationen mot "
                                           "mätvärdesdatabasen. Ny tidsplan kommer."),)),
    ItemSpec("Bild av en riktig faktura på hjälpsidan", "nordljus-digitala-kanaler",
             "maja.karlsson", Status.PLAN, age=51, quiet=7, source=Source.VOC,
             feedback="help-page-jargon", waste=MUDA, kind=MudaKind.DEFECTS, scores=(3, 4, 4),
             owner="maja.karlsson", due=25,
             expected=(CES, "-0.2", "Fler förstår fakturan utan att kontakta oss.")),
    ItemSpec("Ett gemensamt ärendesystem för telefon och chatt", "nordljus-kundservice",
             "coordinator", Status.PLAN, age=60, quiet=18, source=Source.GEMBA,
             description="På Gemba-rundan i Team Chatt & e-post såg vi att rådgivarna har "
                         "tre system öppna och skriver in samma ärende två gånger.",
             waste=MURA, scores=(5, 1, 4), owner="ida.hedlund", due=120,
             expected=(NPS, "5", "Kunden behöver aldrig upprepa sig mellan kanalerna.")),
    ItemSpec("Kortare väntan på svar från faktureringen", "nordljus-kundservice",
             "elin.wikstrom", Status.PLAN, age=30, quiet=5, source=Source.SUPPORT,
             touchpoint="billing-case",
             description="Fakturaärenden tar i snitt fem arbetsdagar. Omdömen på Trustpilot "
                         "nämner väntan oftare än själva felet.",
             waste=MUDA, kind=MudaKind.WAITING, scores=(5, 2, 5), owner="elin.wikstrom",
             due=45, expected=(NPS, "4", "Besked inom två arbetsdagar.")),
    ItemSpec("Mindre dubbelregistrering i CRM vid flytt", "nordljus-it", "ida.hedlund",
             Status.PLAN, age=48, quiet=35, source=Source.GEMBA,
             description="Flyttanmälan registreras både i CRM och i faktureringssystemet "
                         "för hand.",
             waste=MUDA, kind=MudaKind.OVERPROCESSING, scores=(3, 3, 2), owner="ida.hedlund",
             due=-20),
    ItemSpec("Medlyssning första veckan för nyanställda", "nordljus-telefoni", "ahmed.hassan",
             Status.PLAN, age=26, quiet=6,
             description="Nya rådgivare lär sig snabbare om de får sitta bredvid en erfaren "
                         "kollega innan de tar egna samtal.",
             waste=MUDA, kind=MudaKind.UNUSED_SKILLS, scores=(3, 4, 2), owner="ahmed.hassan",
             due=30),
    # --- triaged -------------------------------------------------------------------------
    ItemSpec("Samma förfallodag för slutfaktura och första faktura", "nordljus-kundservice",
             "fatima.ali", Status.TRIAGED, age=44, quiet=15, source=Source.VOC,
             feedback="invoice-two-due-dates", transition="final-to-first", waste=MURA,
             scores=(3, 4, 4), expected=(CSAT, "2", "En faktura att hålla reda på vid flytt.")),
    ItemSpec("Förbrukningen som tabell i appen", "nordljus-webb-app", "daniel.oberg",
             Status.TRIAGED, age=27, quiet=20, source=Source.VOC, feedback="accessibility-app",
             waste=MUDA, kind=MudaKind.DEFECTS, scores=(3, 4, 5)),
    ItemSpec("Skärmläsartest av Mina sidor varje kvartal", "nordljus-webb-app", "daniel.oberg",
             Status.TRIAGED, age=21, quiet=14,
             description="Vi hittar tillgänglighetsfel först när kunder klagar.",
             waste=MUDA, kind=MudaKind.DEFECTS, scores=(2, 2, 4)),
    ItemSpec("Avtalsbekräftelsen visar startdatum och pris per månad",
             "nordljus-digitala-kanaler", "maja.karlsson", Status.TRIAGED, age=10, quiet=3,
             touchpoint="confirmation", waste=MUDA, kind=MudaKind.DEFECTS, scores=(2, 4, 4)),
    # --- ideas ---------------------------------------------------------------------------
    ItemSpec("Återbetala dubbeldragningar samma dag", "nordljus-kundservice", "coordinator",
             Status.IDEA, age=19, source=Source.VOC, feedback="autogiro-double",
             touchpoint="refund"),
    ItemSpec("Koppla vidare till nätägaren vid strömavbrott", "nordljus-telefoni",
             "ahmed.hassan", Status.IDEA, age=12, source=Source.VOC, feedback="grid-owner-call",
             scores=(3, 5, 3)),
    ItemSpec("Visa totalpris med påslag hos Elpriskollen", "nordljus-marknad",
             "viktor.persson", Status.IDEA, age=5, source=Source.VOC,
             feedback="price-comparison-fine-print"),
    ItemSpec("Sammanfatta samtalet i ett sms efteråt", "nordljus-telefoni", "linnea.forsberg",
             Status.IDEA, age=8,
             description="Kunden får det vi kommit överens om i skrift och slipper ringa "
                         "igen för att dubbelkolla."),
    ItemSpec("Energitips inför vintern till alla villakunder", "nordljus-marknad",
             "amanda.nystrom", Status.IDEA, age=33, touchpoint="welcome", scores=(2, 4, 3),
             description="Kunderna uppskattar tipsen i välkomstbrevet; skicka dem igen i "
                         "oktober."),
    ItemSpec("Kunden slipper upprepa sig när chatten lämnar över till telefon",
             "nordljus-chatt", "employee", Status.IDEA, age=15, transition="chatbot-to-phone",
             description="Om chattens text följde med till rådgivaren i telefon skulle "
                         "kunden inte behöva börja om."),
    ItemSpec("Förklara nätavgift och elhandel i välkomstbrevet", "nordljus-marknad",
             "amanda.nystrom", Status.IDEA, age=2, scores=(2, 2, 3)),
    # --- rejected ------------------------------------------------------------------------
    ItemSpec("Namngiven kundansvarig för stora företagskunder", "nordljus-foretag",
             "peter.gustafsson", Status.REJECTED, age=40, quiet=21, source=Source.VOC,
             feedback="business-contact",
             rejection="Ryms inte i årets budget; tas upp i affärsplanen för nästa år. Tills "
                       "vidare får företagskunder över 100 000 kWh ett direktnummer."),
    ItemSpec("Påminnelse om autogiro vid flytt", "nordljus-kundservice", "oskar.lund",
             Status.REJECTED, age=50, quiet=44,
             rejection="Autogirot följer redan med vid flytt sedan december; felet i "
                       "november var en engångshändelse."),
    ItemSpec("Flytta all fakturasupport från telefon till chatt", "nordljus-kundservice",
             "karin.sjoberg", Status.REJECTED, age=70, quiet=40, source=Source.METRIC,
             waste=MURI, scores=(4, 2, 2), path=(T, R),
             rejection="Många kunder, inte minst äldre, vill ringa. Vi satsar på "
                       "återuppringning i stället för att stänga en kanal."),
)
# fmt: on


def build_backlog(
    units: dict[str, Unit], users: dict[str, User], journeys: DemoJourneys, today: dt.date
) -> BacklogSummary:
    """The demo backlog (see the module docstring). `users` must hold the named cast."""

    now = timezone.now()
    items = []
    for spec in ITEMS:
        submitter = users[spec.submitted_by]
        with changes_recorded_as(submitter):
            item = create_item(spec, units[spec.unit], submitter, journeys)
        moves = move_along(item, spec, users, today)
        add_comments(item, spec, users, now)
        backdate(item, spec, moves, now)
        items.append(item)
    by_status = Counter(item.status for item in items)
    overdue = sum(1 for item in items if item.is_overdue(today))
    from_feedback = sum(1 for spec in ITEMS if spec.feedback)
    return BacklogSummary(len(items), by_status, overdue, from_feedback)


def create_item(spec: ItemSpec, unit: Unit, submitter: User, journeys: DemoJourneys) -> Item:
    """The idea as submitted: from its feedback if it came from one, with the title the
    coordinator gave it; scores only when someone scored it before triage."""
    if spec.feedback:
        item, _created = improvement_from_feedback(journeys.feedback[spec.feedback], submitter)
    else:
        item = Item(unit=unit, submitted_by=submitter, source=spec.source)
    item.title = spec.title
    item.description = spec.description or item.description
    item.unit = unit
    if spec.touchpoint:
        item.touchpoint = journeys.touchpoints[spec.touchpoint]
    if spec.transition:
        item.touchpoint, item.transition = None, journeys.transitions[spec.transition]
    if spec.status == Status.IDEA and spec.scores:
        item.impact, item.feasibility, item.customer_value = spec.scores
    item.save()
    return item


def move_along(item: Item, spec: ItemSpec, users: dict[str, User], today: dt.date) -> list:
    """Move the item along its path as the right people would; returns the moves."""

    coordinator = users["coordinator" if spec.unit in COORDINATED else "admin"]
    owner = users.get(spec.owner)
    moves = []
    for target in spec.path or PATHS[Status(spec.status)]:
        # Owners take their own item through do, check and act, and back to plan.
        owners_move = target in (D, C, A) or (target == P and item.status == C)
        by = owner if owner and owners_move else coordinator
        with changes_recorded_as(by):
            moves.append(item.move(target, by=by, **move_fields(target, spec, owner, today)))
    return moves


def move_fields(target: str, spec: ItemSpec, owner: User | None, today: dt.date) -> dict:
    """What the person moving the item fills in on the way to `target`."""
    if target == T:
        impact, feasibility, value = spec.scores or (None, None, None)
        metric, change, effect = spec.expected or ("", None, "")
        return {
            "waste": spec.waste,
            "muda_kind": spec.kind,
            "impact": impact,
            "feasibility": feasibility,
            "customer_value": value,
            "expected_metric": metric,
            "expected_change": Decimal(change) if change else None,
            "expected_effect": effect,
        }
    if target == P and spec.due is not None:
        return {"owner": owner, "due_date": today + dt.timedelta(days=spec.due)}
    if target == C and spec.measured:
        change, effect = spec.measured
        return {"measured_change": Decimal(change) if change else None, "measured_effect": effect}
    if target == A:
        return {"spread": spec.spread, "spread_note": spec.spread_note}
    if target == R:
        return {"rejection_reason": spec.rejection}
    return {}


def add_comments(item: Item, spec: ItemSpec, users: dict[str, User], now: dt.datetime) -> None:

    for author, days_ago, text in spec.comments:
        written = now - dt.timedelta(days=days_ago)
        with changes_recorded_as(users[author]):
            comment = Comment.objects.create(
                item=item, author=users[author], text=text, created_at=written
            )
        comment.history.update(history_date=written)


def backdate(item: Item, spec: ItemSpec, moves: list, now: dt.datetime) -> None:
    """Date the submission `age` days back and spread the moves from then until
    `quiet` days ago, in the item, its status changes and its history."""
    submitted = now - dt.timedelta(days=spec.age)
    last = now - dt.timedelta(days=min(spec.quiet, spec.age))
    times = [submitted + (last - submitted) * n / len(moves) for n in range(1, len(moves) + 1)]
    for move, moved in zip(moves, times, strict=True):
        StatusChange.objects.filter(pk=move.pk).update(at=moved)
    changed = times[-1] if times else submitted
    Item.objects.filter(pk=item.pk).update(created_at=submitted, status_changed_at=changed)
    item.created_at, item.status_changed_at = submitted, changed
    # The history: the submission (and the coordinator's edit of it), then one
    # version per move.
    versions = list(item.history.order_by("history_id").values_list("history_id", flat=True))
    dates = [submitted] * (len(versions) - len(times)) + times
    for history_id, date in zip(versions, dates, strict=True):
        item.history.filter(history_id=history_id).update(history_date=date)


def delete_backlog_of(units: QuerySet[Unit]) -> None:
    """Remove the improvements of these units (their moves, comments and attachments go
    with them)."""
    Item.objects.filter(unit__in=units).delete()
