"""Gemba walks of the demo organisation, Nordljus Energi AB, three months into its Lean
CX work.

`cxlean.demo.org` calls `build_gemba` after the journeys (whose touchpoints the walks
visit) and the backlog. Everything is written out (no randomness):

- the question sets of fixtures/gemba.json (`create_missing_question_sets`);
- two recurring schedules: Sara (`coordinator`) walks the phone queue of Kundservice
  every second Tuesday at 09:00; Fatima, team leader in Team Chatt & e-post, walks the
  invoice chat once a month, on the 15th at 10:00;
- their walks from three months ago to six weeks ahead (`generate_for_schedule`): the
  past ones done, with participants, answers and two or three observations each, except
  one cancelled walk and one chat walk that was never done (overdue); the coming ones
  planned. One extra walk was planned by hand, to the billing group;
- five observations became improvements in the backlog (source Gemba walk), the
  others are still open follow-ups for the next walk at the same place.

Afterwards the creation dates are moved back to when the walks happened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils import timezone

from cxlean.backlog.models import Item, MudaKind, Waste
from cxlean.demo.history import changes_recorded_as
from cxlean.demo.journeys import DemoJourneys
from cxlean.gemba.catalogue import create_missing_question_sets
from cxlean.gemba.models import (
    Answer,
    Frequency,
    Observation,
    QuestionSet,
    Schedule,
    Severity,
    Walk,
    WalkStatus,
    Weekday,
    improvement_from_observation,
)
from cxlean.gemba.recurrence import generate_for_schedule
from cxlean.org.models import Unit

HISTORY_DAYS = 91  # how far back the schedules start
MUDA, MURA, MURI = Waste.MUDA, Waste.MURA, Waste.MURI
LOW, MEDIUM, HIGH = Severity.LOW, Severity.MEDIUM, Severity.HIGH


@dataclass(frozen=True)
class ObservationSpec:
    text: str
    waste: str = ""
    muda_kind: str = ""
    severity: int = MEDIUM
    touchpoint: str | None = None  # a key of DemoJourneys.touchpoints
    improve: bool = False  # made into an improvement


# What was seen on the phone-queue walks, in the order of the walks (two or three each).
PHONE_OBSERVATIONS = (
    ObservationSpec(
        "Kunder i kön ringer om samma sak som de redan skrivit i chatten.\n"
        "Rådgivaren ser inte chattärendet och får fråga om allt igen.",
        MUDA,
        MudaKind.OVERPROCESSING,
        HIGH,
        "phone-queue",
        improve=True,
    ),
    ObservationSpec(
        "Köinformationen säger ”cirka 5 minuter” men väntetiden var 22 minuter vid besöket.",
        MUDA,
        MudaKind.WAITING,
        HIGH,
        "phone-queue",
        improve=True,
    ),
    ObservationSpec(
        "Rådgivarna går till skrivaren för att hämta utskrivna fakturakopior.",
        MUDA,
        MudaKind.MOTION,
        LOW,
    ),
    ObservationSpec(
        "Måndag förmiddag ringer tre gånger så många som på torsdag eftermiddag, men "
        "bemanningen är densamma.",
        MURA,
        severity=HIGH,
        touchpoint="phone-queue",
    ),
    ObservationSpec(
        "Nya medarbetare tar de svåra fakturasamtalen utan att ha gått utbildningen.",
        MURI,
        severity=MEDIUM,
        touchpoint="advisor-call",
    ),
    ObservationSpec(
        "Varje samtal om flytt dokumenteras både i CRM och i ett delat Excel-ark.",
        MUDA,
        MudaKind.OVERPROCESSING,
        MEDIUM,
        "moving-call",
        improve=True,
    ),
    ObservationSpec(
        "Tavlan med dagens köstatistik har inte uppdaterats sedan förra veckan.",
        severity=LOW,
    ),
    ObservationSpec(
        "Ärenden till faktureringsgruppen skickas som e-post och ingen ser var de ligger.",
        MUDA,
        MudaKind.WAITING,
        MEDIUM,
        "billing-case",
    ),
    ObservationSpec(
        "Erfarna rådgivare lotsar nya kollegor på eget initiativ – deras kunskap används "
        "inte i introduktionen.",
        MUDA,
        MudaKind.UNUSED_SKILLS,
        MEDIUM,
    ),
    ObservationSpec(
        "Samma tre frågor om flyttdatum ställs i telefon, i webbformuläret och i "
        "bekräftelsemejlet.",
        MUDA,
        MudaKind.DEFECTS,
        MEDIUM,
        "moving-form",
    ),
    ObservationSpec(
        "Återuppringning utlovas men ingen äger listan; tre kunder ringde själva igen.",
        MUDA,
        MudaKind.DEFECTS,
        HIGH,
        "phone-queue",
    ),
)
CHAT_OBSERVATIONS = (
    ObservationSpec(
        "Chattboten lämnar över utan att skicka med vad kunden redan har skrivit.",
        MUDA,
        MudaKind.DEFECTS,
        HIGH,
        "chatbot",
        improve=True,
    ),
    ObservationSpec(
        "Svarsmallarna för fakturafrågor finns i tre versioner med olika besked.",
        MURA,
        severity=MEDIUM,
        touchpoint="invoice-chat",
    ),
    ObservationSpec(
        "En rådgivare har fem chattar samtidigt under lunchen; svaren blir korta och "
        "kunderna frågar igen.",
        MURI,
        severity=HIGH,
        touchpoint="invoice-chat",
    ),
    ObservationSpec(
        "Kunden får vänta medan rådgivaren letar fram förbrukningen i ett annat system.",
        MUDA,
        MudaKind.WAITING,
        MEDIUM,
        "invoice-chat",
    ),
)
BILLING_OBSERVATIONS = (
    ObservationSpec(
        "Krediteringar godkänns i tre steg även för belopp under 200 kronor.",
        MUDA,
        MudaKind.OVERPROCESSING,
        MEDIUM,
        "credit-note",
        improve=True,
    ),
    ObservationSpec(
        "Ärenden ligger i en gemensam inkorg; de äldsta är 12 dagar gamla.",
        MUDA,
        MudaKind.INVENTORY,
        HIGH,
        "billing-case",
    ),
)

# Answers to the questions of each set, by question order; walks take turns.
ANSWERS: dict[str, dict[int, tuple[str, ...]]] = {
    "gemba-standard": {
        1: (
            "Kunden hör väntmusik och ett löfte om kort väntetid som inte hålls.",
            "Lugnare i dag; kunderna kom fram inom fem minuter och lät nöjda.",
        ),
        2: (
            "I telefonkön, 15–25 minuter på förmiddagen.",
            "Mest i väntan på återuppringning; kön var kort.",
        ),
        3: (
            "När chattärendet inte syns och kunden får berätta allt igen.",
            "Fakturakopior skickas två gånger eftersom första utskicket inte loggas.",
        ),
        4: (
            "Mellan telefoni och faktureringsgruppen: ärendet blir ett mejl utan ägare.",
            "Vid flytt: från telefon till webbformuläret, där kunden börjar om.",
        ),
        5: (
            "En gemensam vy över kundens senaste kontakter, och tid för genomgång av svåra samtal.",
            "Att nya kollegor får sitta med erfarna de första veckorna.",
        ),
        6: (
            "Samtalsstödet finns men är inte uppdaterat; tavlan visar förra veckans siffror.",
            "Ny tavla med dagens kö och återuppringningar – används vid morgonmötet.",
        ),
    },
    "gemba-kundresa": {
        1: (
            "Förstå varför fakturan blev högre än vanligt.",
            "Få ett besked om fakturan stämmer, helst direkt i chatten.",
        ),
        2: (
            "Svårt: kunden slussas från chattboten till en rådgivare och sedan till telefon.",
            "Bättre sedan boten skickar med frågan, men förbrukningen syns inte i chatten.",
        ),
        3: (
            "Kundnummer och fakturanummer, till både bot och rådgivare.",
            "Förbrukningen, som kunden redan har läst upp från appen.",
        ),
        4: (
            "Ärendet går vidare till faktureringsgruppen och kunden hör inget på en vecka.",
            "Kunden får ett sms när krediteringen är klar, men inte när ärendet tas emot.",
        ),
        5: (
            "Via sms-enkäten, men resultatet når inte chatteamet.",
            "Enkätsvaren visas nu på teamets veckomöte.",
        ),
    },
    "gemba-flode": {
        1: ("I den gemensamma inkorgen; 46 ärenden, det äldsta 12 dagar.",),
        2: ("Telefoni → inkorg → handläggare → attest → fakturering. Inkorgen kan tas bort.",),
        3: ("Ryckig: måndagar och dagarna efter fakturautskick ger dubbelt inflöde.",),
        4: ("Attest i tre steg även för små belopp.",),
        5: ("Inte alls: ingen ser hur många ärenden som väntar.",),
        6: ("En tavla med ärenden per ålder, och en gräns för attest.",),
    },
}


def build_gemba(
    units: dict[str, Unit], users: dict[str, User], journeys: DemoJourneys, today: dt.date
) -> int:
    """The demo's Gemba walks (see the module docstring). Returns how many walks there
    are. `users` must hold the named cast."""

    create_missing_question_sets()
    sets = {question_set.code: question_set for question_set in QuestionSet.objects.all()}
    touchpoints = journeys.touchpoints
    coordinator = users["coordinator"]
    fatima = users["fatima.ali"]
    start = today - dt.timedelta(days=HISTORY_DAYS)

    with changes_recorded_as(coordinator):
        phone = Schedule.objects.create(
            unit=units["nordljus-kundservice"],
            title="Telefonkön – Gembavandring",
            place="Kundservicegolvet, Team Telefoni",
            process="Inkommande samtal",
            touchpoint=touchpoints.get("phone-queue"),
            question_set=sets.get("gemba-standard"),
            leader=coordinator,
            frequency=Frequency.WEEKLY,
            interval=2,
            weekday=Weekday.TUESDAY,
            start_time=dt.time(9, 0),
            duration_minutes=45,
            starts_on=start,
            created_by=coordinator,
        )
        chat = Schedule.objects.create(
            unit=units["nordljus-chatt"],
            title="Chatten om fakturan",
            place="Chatthörnan",
            touchpoint=touchpoints.get("invoice-chat"),
            question_set=sets.get("gemba-kundresa"),
            leader=fatima,
            frequency=Frequency.MONTHLY,
            interval=1,
            day_of_month=15,
            start_time=dt.time(10, 0),
            duration_minutes=30,
            starts_on=start,
            created_by=coordinator,
        )
        horizon = HISTORY_DAYS + 42
        generate_for_schedule(phone, start, horizon)
        generate_for_schedule(chat, start, horizon)
        billing = Walk.objects.create(
            unit=units["nordljus-kundservice"],
            planned_start=planned_at(today - dt.timedelta(days=26), dt.time(13, 30)),
            duration_minutes=60,
            leader=coordinator,
            process="Kreditering av felaktiga fakturor",
            place="Faktureringsgruppen",
            touchpoint=touchpoints.get("billing-case"),
            question_set=sets.get("gemba-flode"),
            created_by=coordinator,
        )

    # "Now" is the demo's today (at noon when building for another day, as tests do).
    now = timezone.now() if today == timezone.localdate() else planned_at(today, dt.time(12))
    past = lambda walks: [walk for walk in walks if walk.planned_start < now]  # noqa: E731
    phone_walks = past(phone.walks.order_by("planned_start"))
    chat_walks = past(chat.walks.order_by("planned_start"))
    phone_people = [users[name] for name in ("ahmed.hassan", "linnea.forsberg", "erik.johansson")]
    chat_people = [users[name] for name in ("employee", "oskar.lund")]

    phone_pool = iter(PHONE_OBSERVATIONS)
    for index, walk in enumerate(phone_walks):
        if index == len(phone_walks) - 3:
            cancel(walk, coordinator, "Inställd: halva teamet på utbildning.")
            continue
        if walk.planned_start > now - dt.timedelta(hours=2):
            continue  # today's walk is still going on
        taken = 2 if index % 2 == 0 else 1
        observations = [spec for spec in (next(phone_pool, None) for _ in range(taken)) if spec]
        walk_done(
            walk,
            coordinator,
            phone_people[index % 3 :] + phone_people[: index % 3][:1],
            index,
            observations,
            touchpoints,
            summary=PHONE_SUMMARIES[index % len(PHONE_SUMMARIES)],
            now=now,
        )

    chat_pool = iter(CHAT_OBSERVATIONS)
    late = [walk for walk in chat_walks if walk.planned_start < now - dt.timedelta(days=1)]
    for index, walk in enumerate(chat_walks):
        if late and walk == late[-1]:
            continue  # never done: overdue, a gap in the team's cadence
        if walk.planned_start > now - dt.timedelta(hours=2):
            continue  # going on now
        walk_done(
            walk,
            fatima,
            chat_people,
            index,
            [spec for spec in (next(chat_pool, None) for _ in range(2)) if spec],
            touchpoints,
            summary="Fokus på överlämningen från chattboten och svarsmallarna.",
            improver=coordinator,
            now=now,
        )

    # The chat team is signed up for its coming walks (the overdue one too), so the demo
    # employee can answer questions and log observations on one.
    for walk in chat.walks.filter(status=WalkStatus.PLANNED):
        walk.participants.set(chat_people)

    if billing.planned_start < now:
        walk_done(
            billing,
            coordinator,
            [users["elin.wikstrom"], users["ahmed.hassan"]],
            0,
            list(BILLING_OBSERVATIONS),
            touchpoints,
            summary="Följde tre krediteringar från ärende till ny faktura.",
            now=now,
        )
    return Walk.objects.filter(schedule__in=[phone, chat]).count() + 1


PHONE_SUMMARIES = (
    "Lyssnade på samtal i kön och följde två ärenden till faktureringsgruppen.",
    "Fokus på återuppringningar och köinformationen.",
    "Kort vandring: bemanning mot inflöde, måndag förmiddag.",
)


def planned_at(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def cancel(walk: Walk, by: User, reason: str) -> None:

    with changes_recorded_as(by):
        walk.summary = reason
        walk.cancel()


def walk_done(
    walk: Walk,
    leader: User,
    participants: list[User],
    index: int,
    observations: list[ObservationSpec],
    touchpoints: dict,
    summary: str,
    improver: User | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Answer the walk's questions, record what was seen, turn some of it into
    improvements, mark the walk done, and date it all to when the walk happened."""

    when = walk.planned_start
    with changes_recorded_as(leader):
        walk.participants.set(participants)
        question_set = walk.question_set
        if question_set is not None:
            texts = ANSWERS.get(question_set.code, {})
            for question in question_set.questions.all():
                variants = texts.get(question.order)
                if variants:
                    Answer.objects.create(
                        walk=walk,
                        question=question,
                        text=variants[index % len(variants)],
                        answered_by=leader,
                    )
        made = []
        for number, spec in enumerate(observations):
            observation = Observation.objects.create(
                walk=walk,
                text=spec.text,
                waste=spec.waste,
                muda_kind=spec.muda_kind,
                severity=spec.severity,
                touchpoint=touchpoints.get(spec.touchpoint) if spec.touchpoint else None,
                created_by=participants[number % len(participants)] if participants else leader,
            )
            made.append((observation, spec))
        walk.complete(walk.duration_minutes + (index % 3) * 5, summary)
    for observation, spec in made:
        if spec.improve:
            with changes_recorded_as(improver or leader):
                improvement_from_observation(observation, improver or leader)
    Walk.objects.filter(pk=walk.pk).update(
        created_at=when - dt.timedelta(days=14), updated_at=when + dt.timedelta(hours=2)
    )
    Observation.objects.filter(walk=walk).update(created_at=when + dt.timedelta(minutes=20))
    Answer.objects.filter(walk=walk).update(updated_at=when + dt.timedelta(minutes=40))
    submitted = min(when + dt.timedelta(hours=3), now or timezone.now())
    Item.objects.filter(gemba_observation__walk=walk).update(
        created_at=submitted, status_changed_at=submitted
    )


def delete_gemba_of(units, people=None) -> None:
    """Remove the walks and schedules of `units` (and the walks `people` lead), before
    the units and people go: walks protect their unit and leader. Question sets stay:
    they are the organisation's catalogue."""
    from django.db.models import Q

    walks = Q(unit__in=units)
    if people is not None:
        walks |= Q(leader__in=people)
    Walk.objects.filter(walks).delete()
    Schedule.objects.filter(unit__in=units).delete()
