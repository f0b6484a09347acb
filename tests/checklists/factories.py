import datetime as dt

import factory
from django.utils import timezone

from cxlean.checklists.models import Assignment, ChecklistTemplate, Completion, TemplateItem
from tests.factories import CXRoleFactory, UnitFactory


class TemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChecklistTemplate

    code = factory.Sequence(lambda n: f"checklist-{n}")
    role = factory.SubFactory(CXRoleFactory)
    title_sv = factory.Sequence(lambda n: f"Checklista {n}")
    title_en = factory.Sequence(lambda n: f"Checklist {n}")


class TemplateItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TemplateItem

    template = factory.SubFactory(TemplateFactory)
    order = factory.Sequence(lambda n: n + 1)
    text_sv = factory.Sequence(lambda n: f"Punkt {n}")
    text_en = factory.Sequence(lambda n: f"Item {n}")


class AssignmentFactory(factory.django.DjangoModelFactory):
    """A role assignment unless `person=` is given (then pass `role=None`)."""

    class Meta:
        model = Assignment

    template = factory.SubFactory(TemplateFactory)
    unit = factory.SubFactory(UnitFactory)
    role = factory.SelfAttribute("template.role")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))


class CompletionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Completion

    assignment = factory.SubFactory(AssignmentFactory)
    item = factory.SubFactory(
        TemplateItemFactory, template=factory.SelfAttribute("..assignment.template")
    )
    done = True
    done_at = factory.LazyFunction(timezone.now)
