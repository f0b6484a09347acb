from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from cxlean.core.typed import HtmxRequest
from cxlean.org.forms import DecisionForm, ProposalForm
from cxlean.org.models import CatalogueProposal, CXRole, Profile, ProposalStatus, Unit
from cxlean.org.roles import may_edit_catalogue, may_propose_change
from cxlean.org.unit_pages import plan_count, unit_plans

PEOPLE_PER_PAGE = 50

# People who have left keep their user row (history points at it) but are no longer
# counted or listed.
ACTIVE_PROFILES = Q(profiles__user__is_active=True)


@require_GET
def role_list(request: HttpRequest) -> HttpResponse:
    """The CX role catalogue and how many people hold each role."""
    # Aggregating queries drop Meta.ordering, so every annotated list orders itself.
    roles = CXRole.objects.annotate(
        people_count=Count("profiles", filter=ACTIVE_PROFILES)
    ).order_by("order", "slug")
    roots = list(Unit.objects.filter(parent=None)[:2])
    return render(
        request,
        "org/roles.html",
        {
            "roles": roles,
            # With a single top unit, a role's head count can link to its people.
            "top_unit": roots[0] if len(roots) == 1 else None,
        },
    )


@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    """The whole unit tree, ordered by path so that sub-units follow their parent."""
    units = Unit.objects.annotate(
        people_count=Count("profiles", filter=ACTIVE_PROFILES, distinct=True),
        plan_count=plan_count(request.user),
    ).order_by("path")
    return render(request, "org/units.html", {"units": units})


@require_GET
@vary_on_headers("HX-Request")
def unit_detail(request: HtmxRequest, pk: int) -> HttpResponse:
    """A unit with everything below it: sub-units, people (by CX role) and plans
    (`cxlean.org.unit_pages`)."""
    unit = get_object_or_404(Unit, pk=pk)
    roles = list(CXRole.objects.all())
    role = role_from_slug(roles, request.GET.get("role", ""))
    people = Paginator(people_in(unit, role), PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    context = {"unit": unit, "roles": roles, "role": role, "people": people}
    if request.htmx and not request.htmx.history_restore_request:
        # The role filter swaps only the people list: render just that partial.
        return render(request, "org/unit_detail.html#people", context)
    context |= {
        "ancestors": list(unit.ancestors()) if unit.parent_id else [],
        "sub_units": sub_units_of(unit),
        "plans": unit_plans(unit, request.user),
    }
    return render(request, "org/unit_detail.html", context)


def role_from_slug(roles: list[CXRole], slug: str) -> CXRole | None:
    """The role the people list is filtered by; an unknown slug means no filter."""
    return next((role for role in roles if role.slug == slug), None)


def people_in(unit: Unit, role: CXRole | None) -> QuerySet[Profile]:
    people = (
        Profile.objects.filter(unit__in=unit.subtree(), user__is_active=True)
        .select_related("user", "unit")
        .prefetch_related("cx_roles")
        .order_by("user__first_name", "user__last_name", "pk")
    )
    return people.filter(cx_roles=role) if role else people


def sub_units_of(unit: Unit) -> QuerySet[Unit]:
    return unit.children.annotate(people_count=Count("profiles", filter=ACTIVE_PROFILES)).order_by(
        "name"
    )


# --- proposals to change the catalogues ---------------------------------------------------

PROPOSALS_PER_PAGE = 25


@require_GET
def proposal_list(request: HttpRequest) -> HttpResponse:
    """Proposals to change the catalogues: coordinators see theirs, the CX owner all."""
    proposals = CatalogueProposal.objects.visible_to(request.user).select_related(
        "unit", "proposed_by", "decided_by"
    )
    status = request.GET.get("status", "")
    if status in ProposalStatus.values:
        proposals = proposals.filter(status=status)
    page = Paginator(proposals, PROPOSALS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "org/proposals.html",
        {
            "page": page,
            "status": status,
            "statuses": ProposalStatus.choices,
            "may_propose": may_propose_change(request.user),
            "decides": may_edit_catalogue(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def proposal_new(request: HtmxRequest) -> HttpResponse:
    if not may_propose_change(request.user):
        raise PermissionDenied(_("Only Lean coordinators propose changes to the catalogues."))
    initial = {key: request.GET[key] for key in ("catalogue", "entry") if key in request.GET}
    form = ProposalForm(
        request.POST or None,
        instance=CatalogueProposal(proposed_by=request.user),
        initial=initial,
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        proposal = form.save()
        messages.success(request, _("Your proposal is sent to the CX owner."))
        return redirect("org:proposal", pk=proposal.pk)
    return render(request, "org/proposal_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A proposal; the CX owner decides it here (POST)."""
    proposal = get_object_or_404(
        CatalogueProposal.objects.visible_to(request.user).select_related(
            "unit", "proposed_by", "decided_by"
        ),
        pk=pk,
    )
    may_decide = proposal.can_decide(request.user)
    form = DecisionForm(request.POST or None) if may_decide else None
    if request.method == "POST":
        if not may_decide or form is None:
            raise PermissionDenied(_("Only the CX owner decides on open catalogue proposals."))
        if form.is_valid():
            proposal.decide(
                by=request.user,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["decision_note"],
            )
            messages.success(request, _("The decision is recorded."))
            return redirect("org:proposal", pk=proposal.pk)
    return render(request, "org/proposal_detail.html", {"proposal": proposal, "form": form})
