"""Role checklists in the demo organisation, Nordljus Energi AB.

`cxlean.demo.org` calls `build_checklists` once the people exist. Sara (`coordinator`)
assigns within Kundservice; elsewhere the system administrator (`admin`) stands in, as
in the backlog demo. Every tick is made through `tick` by the assignee, and the dates
are then moved back so the story reads like a real rollout:

- the customer service checklist to everyone holding that role in Kundservice (and
  its teams), three weeks left: some done, some under way, some not started;
- the data analyst checklist to Elin by name, five days overdue and half done;
- the CX strategist checklist to that role across the company, six weeks left;
- the inclusion checklist to Linnea by name, just started;
- the UX designer checklist to Daniel by name, past its due date but complete (a
  complete checklist is never overdue);
- the content strategist checklist to that role in Team Webb & app, not started.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db.models import QuerySet
from django.utils import timezone

from cxlean.checklists.catalogue import create_missing_templates
from cxlean.checklists.models import Assignment, ChecklistTemplate, Completion, tick
from cxlean.demo.history import changes_recorded_as
from cxlean.org.models import Unit


@dataclass(frozen=True)
class AssignmentSpec:
    template: str  # the template's code
    due_in: int  # days from today (negative: already due)
    age: int  # days since it was assigned
    by: str  # who assigned it
    unit: str = ""  # for a CX role: the unit
    person: str = ""  # for a person: their username
    # username → how many of the items (in order) they have ticked off
    ticked: tuple[tuple[str, int], ...] = ()
    notes: tuple[tuple[str, int, str], ...] = ()  # username, item number (1-based), note


ASSIGNMENTS = (
    AssignmentSpec(
        "customer-service-rollout",
        due_in=21,
        age=12,
        by="coordinator",
        unit="nordljus-kundservice",
        ticked=(
            ("employee", 3),
            ("ahmed.hassan", 6),
            ("fatima.ali", 6),
            ("linnea.forsberg", 2),
            ("erik.johansson", 1),
            ("coordinator", 4),
        ),
        notes=(
            ("employee", 2, "Två kunder om flyttanmälan och en om fakturan."),
            ("employee", 3, "Kunder som byter adress får ofta upprepa personnumret."),
            ("ahmed.hassan", 5, "Gembavandring i Team Telefoni, tisdag förmiddag."),
        ),
    ),
    AssignmentSpec(
        "data-analyst-rollout",
        due_in=-5,
        age=40,
        by="coordinator",
        person="elin.wikstrom",
        ticked=(("elin.wikstrom", 2),),
        notes=(("elin.wikstrom", 3, "Väntar på export från telefonisystemet."),),
    ),
    AssignmentSpec(
        "cx-strategist-rollout",
        due_in=42,
        age=20,
        by="admin",
        unit="nordljus",
        ticked=(("johanna.sandberg", 3), ("coordinator", 2), ("elin.wikstrom", 1)),
    ),
    AssignmentSpec(
        "inclusion-accessibility-rollout",
        due_in=30,
        age=6,
        by="coordinator",
        person="linnea.forsberg",
        ticked=(("linnea.forsberg", 1),),
    ),
    AssignmentSpec(
        "ux-designer-rollout",
        due_in=-10,
        age=50,
        by="admin",
        person="daniel.oberg",
        ticked=(("daniel.oberg", 5),),
    ),
    AssignmentSpec(
        "content-strategist-rollout",
        due_in=14,
        age=3,
        by="admin",
        unit="nordljus-webb-app",
    ),
)


def build_checklists(units: dict[str, Unit], users: dict[str, User], today: dt.date) -> int:
    """Assign the demo checklists and tick items off; returns the number of assignments."""

    if not ChecklistTemplate.objects.exists():
        create_missing_templates()
    templates = {template.code: template for template in ChecklistTemplate.objects.all()}
    now = timezone.now()
    made = 0
    for spec in ASSIGNMENTS:
        template = templates.get(spec.template)
        if template is None:  # the organisation removed it from its catalogue
            continue
        with changes_recorded_as(users[spec.by]):
            assignment = assign(spec, template, units, users, today)
        items = list(template.items.all())
        assigned_at = now - dt.timedelta(days=spec.age)
        for username, count in spec.ticked:
            with changes_recorded_as(users[username]):
                ticked = tick_first(assignment, items[:count], users[username])
            for number, completion in enumerate(ticked, start=1):
                # ticked off one by one since the assignment was made
                done_at = assigned_at + dt.timedelta(days=(spec.age - 1) * number / (count + 1))
                Completion.objects.filter(pk=completion.pk).update(done_at=done_at)
        for username, number, note in spec.notes:
            with changes_recorded_as(users[username]):
                tick(assignment, items[number - 1], users[username], note=note)
        Assignment.objects.filter(pk=assignment.pk).update(created_at=assigned_at)
        made += 1
    return made


def assign(
    spec: AssignmentSpec,
    template: ChecklistTemplate,
    units: dict[str, Unit],
    users: dict[str, User],
    today: dt.date,
) -> Assignment:
    """Assignments in the past are made as they were then: their due dates may have
    passed since, so they are created directly rather than through the form's rules."""
    common = {
        "template": template,
        "due_date": today + dt.timedelta(days=spec.due_in),
        "assigned_by": users[spec.by],
    }
    if spec.person:
        person = users[spec.person]
        return Assignment.objects.create(person=person, unit=person.profile.unit, **common)
    return Assignment.objects.create(role=template.role, unit=units[spec.unit], **common)


def tick_first(assignment: Assignment, items: list, person: User) -> list[Completion]:
    """Tick these items off as `person`, with a small evidence file where one is needed."""
    ticked = []
    for item in items:
        evidence = None
        if item.needs_evidence:
            text = f"Underlag för “{item.text_sv}”, {person.get_full_name()}.\n"
            evidence = ContentFile(text.encode(), name=f"underlag-{item.order}.txt")
        ticked.append(tick(assignment, item, person, done=True, evidence=evidence))
    return ticked


def delete_checklists_of(units: QuerySet[Unit]) -> None:
    """Remove the assignments made in these units (their ticks go with them)."""
    Assignment.objects.filter(unit__in=units).delete()
