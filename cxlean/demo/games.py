"""The timeline game in the demo organisation, Nordljus Energi AB.

`cxlean.demo.org` calls `build_games` after the journeys, the backlog and competence.
Everything is written out (no randomness):

- three challenge decks in Swedish and English: *the seven steps* (the guide's steps
  from the catalogue, two activities of each as cards), *the moving journey* (the
  stages, touchpoints and pain points of Kundservice's journey "Flytta och teckna
  elavtal") and *waste sorting* (the eight kinds of Muda, Mura and Muri, with examples
  from customer service); each with task cards for the presentation round;
- a competence activity "Lead the timeline game" that leading counts toward (a trainee
  with a goal in it may lead games; the demo's trainee plan has none, so Sara leads);
- two finished games in Kundservice with the same three teams (Telefoni, Chatt & e-post,
  Kvalitet), six weeks and twelve days ago, played through the game's own services:
  placements, submissions, presentation scores, an idea sent to the backlog, evidence
  in the players' competence records;
- a scheduled game next week, and a deck Sara generated from the invoice journey.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils import timezone

from cxlean.backlog.models import Item
from cxlean.competence.models import CompetenceActivity
from cxlean.demo.history import changes_recorded_as
from cxlean.games import rules, services
from cxlean.games.models import Card, Deck, DeckKind, GameSession, Slot, TaskCard
from cxlean.guide.models import GuideActivity, GuideStep
from cxlean.journeys.models import Journey
from cxlean.org.models import Unit

GAME_UNIT = "nordljus-kundservice"
FACILITATOR = "coordinator"
TRAINEE = "oskar.lund"
LEAD_CODE = "lead-timeline-game"
STEP_CARDS_PER_STEP = 2
# The idea the chat team presented is already in the demo backlog (cxlean/demo/backlog.py):
# the game's presentation is linked to it, as "send to backlog" would have made it.
BACKLOG_IDEA = "Avsluta gamla avtalet automatiskt vid flytt"

# --- the decks -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CardSpec:
    text_sv: str
    text_en: str
    slot: int  # the position of its slot
    explanation_sv: str = ""
    explanation_en: str = ""
    hint_sv: str = ""
    hint_en: str = ""


# fmt: off
JOURNEY_SLOTS = (
    ("Inför flytten", "Before the move"),
    ("Teckna avtal", "Signing the contract"),
    ("Flyttdagen", "Moving day"),
    ("Första fakturan", "The first invoice"),
    ("Bo kvar", "Settling in"),
)
JOURNEY_CARDS = (
    CardSpec("Söker ”flytta el” på nätet", "Searches “move electricity” online", 1,
             "Resan börjar innan kunden når oss: i sökmotorer och på jämförelsesajter.",
             "The journey starts before the customer reaches us: in search engines and "
             "comparison sites."),
    CardSpec("Sidan ”Ska du flytta?” på nordljus.se", "The “Moving house?” page on nordljus.se",
             1, "Checklistan hjälper kunden att förbereda flytten.",
             "The checklist helps the customer prepare the move."),
    CardSpec("Flyttanmälan på Mina sidor", "The moving form on My pages", 2,
             "Här anmäler kunden flytten och väljer avtal för den nya adressen.",
             "Here the customer reports the move and chooses a contract for the new address."),
    CardSpec("Prisjämförelse hos Elpriskollen", "Price comparison at Elpriskollen", 2,
             "Många nya kunder tecknar via partnersajten.",
             "Many new customers sign through the partner site."),
    CardSpec("Avtalsbekräftelse via e-post", "Contract confirmation by e-mail", 2,
             "Bekräftelsen avslutar steget där kunden tecknar.",
             "The confirmation closes the signing stage."),
    CardSpec("Smärtpunkt: kunden tror att flyttanmälan hos oss räcker",
             "Pain point: the customer believes our moving form is enough", 2,
             "Nätägaren behöver en egen anmälan, och ingen säger det tydligt när kunden tecknar.",
             "The grid owner needs a notice of its own, and nobody says so clearly when the "
             "customer signs.", "Var uppstår missförståndet?",
             "Where does the misunderstanding start?"),
    CardSpec("Mätarställning vid inflyttning i appen", "Meter reading at move-in in the app", 3,
             "Kunden läser av mätaren på flyttdagen.",
             "The customer reads the meter on moving day."),
    CardSpec("Nätägarens flyttanmälan", "The grid owner's moving notice", 3,
             "Nätägaren sköter anslutningen på flyttdagen.",
             "The grid owner handles the connection on moving day."),
    CardSpec("Smärtpunkt: samtalet ”Varför har jag två avtal?”",
             "Pain point: the call “Why do I have two contracts?”", 3,
             "Avtalet från prisjämförelsen kom in som ett nytt; det gamla avslutades inte.",
             "The contract from the price comparison came in as a new one; the old one was "
             "not ended."),
    CardSpec("Slutfaktura för gamla adressen", "Final invoice for the old address", 4,
             "Den bygger ofta på uppskattad förbrukning, eftersom mätarställningen dröjer.",
             "It is often based on estimated use, because the meter reading is late."),
    CardSpec("Smärtpunkt: två fakturor samma vecka med olika OCR-nummer",
             "Pain point: two invoices the same week with different payment references", 4,
             "Slutfakturan och första fakturan kommer samtidigt med olika förfallodagar.",
             "The final and the first invoice arrive together with different due dates."),
    CardSpec("Chatt om fakturan", "Chat about the invoice", 4,
             "Kunden försöker förstå de två fakturorna.",
             "The customer tries to make sense of the two invoices."),
    CardSpec("Välkomstbrev med energitips", "Welcome letter with energy tips", 5,
             "Första månaderna på nya adressen.", "The first months at the new address."),
    CardSpec("Nöjdhetsenkät efter 60 dagar", "Satisfaction survey after 60 days", 5,
             "Enkäten mäter hur flytten kändes i efterhand.",
             "The survey measures how the move felt afterwards."),
)
JOURNEY_TASKS = (
    ("Ta bort friktionen i överlämningen från flyttanmälan till nätägaren.",
     "Remove the friction in the hand-over from the moving form to the grid owner."),
    ("Ta bort friktionen i överlämningen från chatt till telefon när fakturan är fel.",
     "Remove the friction in the hand-over from chat to phone when the invoice is wrong."),
    ("Se till att kunden aldrig får två fakturor samma vecka.",
     "Make sure the customer never gets two invoices in the same week."),
)

WASTE_SLOTS = (
    ("Muda: transport", "Muda: transport"),
    ("Muda: lager", "Muda: inventory"),
    ("Muda: rörelse", "Muda: motion"),
    ("Muda: väntan", "Muda: waiting"),
    ("Muda: överproduktion", "Muda: over-production"),
    ("Muda: överarbete", "Muda: over-processing"),
    ("Muda: fel och omarbete", "Muda: defects"),
    ("Muda: outnyttjad kompetens", "Muda: unused skills"),
    ("Mura – ojämnhet", "Mura – unevenness"),
    ("Muri – överbelastning", "Muri – overburden"),
)
WASTE_CARDS = (
    CardSpec("Ärendet skickas mellan tre köer innan någon kan svara",
             "The case is passed between three queues before anyone can answer", 1,
             "Att flytta ärendet mellan köer tillför inget värde för kunden.",
             "Moving the case between queues adds no value for the customer."),
    CardSpec("200 obesvarade mejl ligger i inkorgen efter helgen",
             "200 unanswered e-mails sit in the inbox after the weekend", 2,
             "Ärenden som väntar i en hög är lager.", "Cases waiting in a pile are inventory."),
    CardSpec("Rådgivaren letar i fem system efter kundens avtal",
             "The adviser searches five systems for the customer's contract", 3,
             "Onödigt sökande och förflyttningar för den som gör jobbet.",
             "Needless searching and movement by the person doing the work."),
    CardSpec("Kunden väntar 25 minuter i telefonkön",
             "The customer waits 25 minutes in the phone queue", 4,
             "Tid då ingenting händer för kunden.",
             "Time in which nothing happens for the customer."),
    CardSpec("Ett månadsbrev går till alla kunder, även dem som inte vill ha det",
             "A monthly letter goes to every customer, including those who do not want it", 5,
             "Mer än kunden efterfrågar, tidigare än det behövs.",
             "More than the customer asks for, sooner than needed."),
    CardSpec("Samma uppgifter skrivs in i både CRM och ett Excelark",
             "The same details are entered in the CRM and in a spreadsheet", 6,
             "Arbete som kunden inte skulle betala för.", "Work the customer would not pay for."),
    CardSpec("Slutfakturan bygger på uppskattad förbrukning och måste rättas",
             "The final invoice uses estimated use and must be corrected", 7,
             "Ett fel som ger omarbete och ett nytt samtal.",
             "A defect that causes rework and another call."),
    CardSpec("Rådgivaren vet hur flyttformuläret kan förenklas, men ingen frågar",
             "The adviser knows how to simplify the moving form, but nobody asks", 8,
             "Medarbetarnas idéer och kunskap används inte.",
             "The staff's ideas and knowledge go unused."),
    CardSpec("Måndagar kommer tre gånger så många samtal som fredagar",
             "Mondays bring three times as many calls as Fridays", 9,
             "Ojämn belastning: toppar och dalar i flödet.",
             "Uneven load: peaks and troughs in the flow."),
    CardSpec("En kampanj startar utan att Kundservice vet om den",
             "A campaign starts without customer service knowing about it", 9,
             "Vi skapar själva ojämnheten i efterfrågan.",
             "We create the unevenness in demand ourselves.",
             "Vem orsakar toppen?", "Who causes the peak?"),
    CardSpec("En ny kollega tar egna samtal första veckan utan stöd",
             "A new colleague takes calls alone in the first week without support", 10,
             "För stora krav på en person: överbelastning.",
             "Too much asked of one person: overburden."),
    CardSpec("Teamet har 40 % fler ärenden än bemanningen klarar hela vintern",
             "The team has 40% more cases than its staffing can handle all winter", 10,
             "Långvarig överbelastning av människor och system.",
             "Lasting overburden of people and systems."),
)
WASTE_TASKS = (
    ("Välj ett slöseri från spelet och föreslå hur ni tar bort det inom en vecka.",
     "Pick one waste from the game and propose how to remove it within a week."),
    ("Hur jämnar ni ut måndagstoppen?", "How would you even out the Monday peak?"),
    ("Ta bort dubbelregistreringen mellan CRM och Excel.",
     "Remove the double entry between the CRM and the spreadsheet."),
)

STEP_TASKS = (
    ("Ert steg har fastnat: föreslå aktiviteten som får det att röra sig igen.",
     "Your step has stalled: propose the activity that gets it moving again."),
    ("Förklara för en ny kollega på två minuter varför steg 2 kommer före steg 4.",
     "Explain to a new colleague in two minutes why step 2 comes before step 4."),
    ("Välj en sen aktivitet i vår plan och föreslå hur vi tar igen den.",
     "Pick a late activity in our plan and propose how we catch up."),
)
# fmt: on


@dataclass(frozen=True)
class DemoDecks:
    steps: Deck
    journey: Deck
    waste: Deck


def lead_activity() -> CompetenceActivity:
    """The activity leading a game counts toward, next to introducing a colleague."""
    existing = CompetenceActivity.objects.filter(code=LEAD_CODE).first()
    if existing is not None:
        return existing
    neighbour = CompetenceActivity.objects.filter(code="onboarding").first()
    area = neighbour.area if neighbour else CompetenceActivity.objects.first().area  # type: ignore[union-attr]
    return CompetenceActivity.objects.create(
        area=area,
        code=LEAD_CODE,
        title_sv="Leda tidslinjespelet",
        title_en="Lead the timeline game",
        description_sv="Leda ett lagspel där lagen lägger införandets delar i rätt ordning.",
        description_en="Lead a team game in which teams put the rollout's pieces in order.",
        evidence_sv="Ett avslutat spel som spelledare.",
        evidence_en="A finished game as facilitator.",
        order=99,
    )


def activity(code: str) -> CompetenceActivity | None:
    return CompetenceActivity.objects.filter(code=code).first()


def deck_from_specs(
    title: tuple[str, str],
    description: tuple[str, str],
    kind: str,
    ordered: bool,
    slots: tuple[tuple[str, str], ...],
    cards: tuple[CardSpec, ...],
    tasks: tuple[tuple[str, str], ...],
    **extra,
) -> Deck:
    """The deck of that kind and Swedish title if the organisation has it already (a
    demo built again), else a new one."""
    existing = Deck.objects.filter(kind=kind, title_sv=title[0], unit=None).first()
    if existing is not None:
        return existing
    deck = Deck.objects.create(
        title_sv=title[0],
        title_en=title[1],
        description_sv=description[0],
        description_en=description[1],
        kind=kind,
        ordered=ordered,
        **extra,
    )
    made = {
        position: Slot.objects.create(deck=deck, position=position, label_sv=sv, label_en=en)
        for position, (sv, en) in enumerate(slots, start=1)
    }
    for order, spec in enumerate(cards, start=1):
        Card.objects.create(
            deck=deck,
            order=order,
            text_sv=spec.text_sv,
            text_en=spec.text_en,
            hint_sv=spec.hint_sv,
            hint_en=spec.hint_en,
            correct_slot=made[spec.slot],
            explanation_sv=spec.explanation_sv,
            explanation_en=spec.explanation_en,
        )
    for order, (sv, en) in enumerate(tasks, start=1):
        TaskCard.objects.create(deck=deck, order=order, text_sv=sv, text_en=en)
    return deck


def first_sentence(text: str) -> str:
    return text.split(". ")[0].rstrip(".") + "." if text else ""


def steps_cards() -> tuple[tuple[tuple[str, str], ...], tuple[CardSpec, ...]]:
    """The guide's steps as slots, the first activities of each step as cards."""
    steps = list(GuideStep.objects.order_by("number"))
    slots = tuple((step.title_sv, step.title_en) for step in steps)
    cards = []
    for position, step in enumerate(steps, start=1):
        activities = GuideActivity.objects.filter(step=step).order_by("order", "pk")
        for guide_activity in activities[:STEP_CARDS_PER_STEP]:
            cards.append(
                CardSpec(
                    guide_activity.title_sv,
                    guide_activity.title_en,
                    position,
                    f"Steg {step.number}, {step.title_sv}: "
                    + first_sentence(guide_activity.description_sv),
                    f"Step {step.number}, {step.title_en}: "
                    + first_sentence(guide_activity.description_en),
                )
            )
    return slots, tuple(cards)


def build_decks(lead: CompetenceActivity) -> DemoDecks:
    step_slots, step_cards = steps_cards()
    steps = deck_from_specs(
        ("De sju stegen", "The seven steps"),
        (
            "Lägg guidens aktiviteter i rätt steg av införandet.",
            "Put the guide's activities in the right step of the rollout.",
        ),
        DeckKind.STEPS,
        True,
        step_slots,
        step_cards,
        STEP_TASKS,
        evidence_activity=activity("cx-promise"),
        lead_activity=lead,
    )
    journey = deck_from_specs(
        ("Flyttresan", "The moving journey"),
        (
            "Placera kontaktpunkter och smärtpunkter i rätt skede av kundresan ”Flytta och "
            "teckna elavtal”.",
            "Place touchpoints and pain points in the right stage of the journey “Moving "
            "and signing an electricity contract”.",
        ),
        DeckKind.JOURNEY,
        True,
        JOURNEY_SLOTS,
        JOURNEY_CARDS,
        JOURNEY_TASKS,
        evidence_activity=activity("journey-mapping"),
        lead_activity=lead,
    )
    waste = deck_from_specs(
        ("Slöseri-jakten", "The waste hunt"),
        (
            "Sortera exemplen från Kundservice i Mudas åtta slag, Mura och Muri.",
            "Sort the examples from customer service into the eight kinds of Muda, Mura and Muri.",
        ),
        DeckKind.WASTE,
        False,
        WASTE_SLOTS,
        WASTE_CARDS,
        WASTE_TASKS,
        evidence_activity=activity("waste-spotting"),
        lead_activity=lead,
    )
    return DemoDecks(steps=steps, journey=journey, waste=waste)


# --- the games -----------------------------------------------------------------------------


TEAMS = (
    ("Telefoni", ("ahmed.hassan", "linnea.forsberg", "erik.johansson")),
    ("Chatt & e-post", ("fatima.ali", TRAINEE, "employee")),
    ("Kvalitet", ("karin.sjoberg", "elin.wikstrom")),
)


@dataclass(frozen=True)
class PlayedGame:
    """How one game went: per team, the cards (by index) it put elsewhere than their
    slot (a slot position, or None: not placed), when it submitted (seconds into the
    round, None: never), its presentation's scores by the others and its idea."""

    days_ago: int
    title: str
    misplaced: tuple[dict[int, int | None], ...]
    submitted_after: tuple[int | None, ...]
    scores: tuple[tuple[int, ...], ...]
    ideas: tuple[str, ...]
    to_backlog: int | None  # the team whose idea was sent to the backlog


# fmt: off
GAMES = (
    PlayedGame(
        days_ago=42, title="Slöseri-jakten i Kundservice",
        misplaced=({2: 4, 8: 10, 11: 9}, {0: 6, 5: 1, 9: 4, 10: None}, {1: 4, 3: 2, 6: 5}),
        submitted_after=(420, 510, None),
        scores=((4, 3, 4), (5, 4, 4), (3, 3, 4)),
        ideas=(
            "Jämna ut måndagstoppen med återuppringning i stället för kö",
            "Ta bort Excelarket: allt i CRM",
            "",
        ),
        to_backlog=None,
    ),
    PlayedGame(
        days_ago=12, title="Flyttresan på tavlan",
        misplaced=({5: 3, 12: 4}, {0: 2, 7: 4, 10: None}, {3: 1, 8: 5, 9: 5, 13: 3}),
        submitted_after=(380, 300, 560),
        scores=((4, 4, 5), (5, 5, 4), (3, 4, 3)),
        ideas=(
            "Säg i flyttbekräftelsen att nätägaren behöver en egen anmälan",
            BACKLOG_IDEA,
            "Skicka mätarställningen direkt till faktureringen",
        ),
        to_backlog=1,
    ),
)
# fmt: on
ROUND_SECONDS = 600


def link_to_backlog(presentation, by: User) -> None:
    item = Item.objects.filter(title=BACKLOG_IDEA).first()
    if item is None:
        services.send_idea_to_backlog(presentation=presentation, by=by)
        return
    presentation.backlog_item = item
    presentation.save(update_fields=["backlog_item"])


def build_games(
    units: dict[str, Unit], users: dict[str, User], today: dt.date
) -> list[GameSession]:
    """The decks, the trainee's goal, two finished games and a scheduled one."""
    unit = units[GAME_UNIT]
    facilitator = users[FACILITATOR]
    with changes_recorded_as(facilitator):
        lead = lead_activity()
        decks = build_decks(lead)
        sessions = [
            play(game, deck, unit, facilitator, users, today)
            for game, deck in zip(GAMES, (decks.waste, decks.journey), strict=True)
        ]
        invoice = Journey.objects.filter(unit=unit, name="Fel på fakturan").first()
        if invoice is not None:
            services.deck_from_journey(journey=invoice, by=facilitator)
    # The trainee leads the next game where his trainee plan has him learn it (a goal in
    # the decks' facilitator's activity); otherwise the coordinator does.
    leader = users[TRAINEE] if rules.may_facilitate(users[TRAINEE], unit) else facilitator
    if not decks.steps.cards.exists():  # the guide's catalogue is not loaded
        return sessions
    with changes_recorded_as(leader):
        sessions.append(
            services.create_session(
                unit=unit,
                deck=decks.steps,
                facilitator=leader,
                title="De sju stegen – repetition",
                team_count=3,
                scheduled_for=timezone.now() + dt.timedelta(days=7),
            )
        )
    return sessions


def play(
    game: PlayedGame,
    deck: Deck,
    unit: Unit,
    facilitator: User,
    users: dict[str, User],
    today: dt.date,
) -> GameSession:
    start = timezone.now() - dt.timedelta(days=game.days_ago)
    session = services.create_session(
        unit=unit,
        deck=deck,
        facilitator=facilitator,
        title=game.title,
        team_names=[name for name, _people in TEAMS],
        round_seconds=ROUND_SECONDS,
    )
    services.open_lobby(session, by=facilitator, now=start)
    teams = list(session.teams.order_by("number"))
    for team, (_name, people) in zip(teams, TEAMS, strict=True):
        for username in people:
            services.join(user=users[username], session=session, team=team, now=start)
    services.start_round(session, by=facilitator, now=start)
    slots = {slot.position: slot for slot in deck.slots.all()}
    cards = list(deck.cards.select_related("correct_slot").order_by("order"))
    for team, (_name, people), misplaced, after in zip(
        teams, TEAMS, game.misplaced, game.submitted_after, strict=True
    ):
        player = users[people[0]]
        moment = start + dt.timedelta(seconds=60)
        for index, card in enumerate(cards):
            position = misplaced.get(index, card.correct_slot.position)
            if position is not None:
                services.place(team=team, user=player, card=card, slot=slots[position], now=moment)
        if after is not None:
            services.submit(team=team, user=player, now=start + dt.timedelta(seconds=after))
    services.reveal(session, by=facilitator, now=start + dt.timedelta(seconds=ROUND_SECONDS))
    presentations = services.start_presentations(session, by=facilitator)
    for index, presentation in enumerate(presentations):
        scorers = [facilitator] + [
            users[people[0]] for number, (_name, people) in enumerate(TEAMS) if number != index
        ]
        for scorer, value in zip(scorers, game.scores[index], strict=True):
            services.score_presentation(presentation=presentation, scorer=scorer, value=value)
        idea = game.ideas[index]
        if idea:
            services.write_idea(presentation=presentation, user=facilitator, idea=idea)
        if game.to_backlog == index:
            link_to_backlog(presentation, facilitator)
    finished_at = start + dt.timedelta(minutes=45)
    return services.finish(session, by=facilitator, now=finished_at)


def delete_games_of(units: QuerySet[Unit], people: QuerySet[User]) -> None:
    """The sessions of the demo's units or led by its people, and its units' own decks
    (the organisation-wide decks stay, as catalogue data)."""
    GameSession.objects.filter(Q(unit__in=units) | Q(facilitator__in=people)).delete()
    Deck.objects.filter(unit__in=units).delete()
