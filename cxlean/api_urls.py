from django.urls import include, path
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

from cxlean.backlog.api.views import (
    AttachmentViewSet,
    CommentViewSet,
    FeedbackImprovementView,
    ItemRowViewSet,
    ItemViewSet,
)
from cxlean.checklists.api.routes import ROUTES as CHECKLIST_ROUTES
from cxlean.competence.api.views import (
    AreaViewSet,
    CompetenceActivityViewSet,
    GoalViewSet,
    GreenCardViewSet,
    MatrixViewSet,
    ProgressViewSet,
    RecordViewSet,
    RequirementViewSet,
    TraineePlanViewSet,
)
from cxlean.core.branding_api import BrandingView
from cxlean.exports.api.routes import ROUTES as EXPORT_ROUTES
from cxlean.games.api.routes import ROUTES as GAME_ROUTES
from cxlean.gemba.api.routes import ROUTES as GEMBA_ROUTES
from cxlean.guide.api.views import GuideActivityViewSet, GuideStepViewSet
from cxlean.imports.api.routes import ROUTES as IMPORT_ROUTES
from cxlean.inbox.api.views import InboxView
from cxlean.insights.api.routes import ROUTES as INSIGHTS_ROUTES
from cxlean.journeys.api.views import (
    FeedbackViewSet,
    JourneyViewSet,
    StageViewSet,
    TouchpointViewSet,
    TransitionViewSet,
)
from cxlean.maturity.api.routes import ROUTES as MATURITY_ROUTES
from cxlean.metrics.api.ingest import BulkAnswersView
from cxlean.metrics.api.routes import ROUTES as METRICS_ROUTES
from cxlean.metrics.api.webhook import SurveySourceWebhookView
from cxlean.notifications.api.routes import ROUTES as NOTIFICATION_ROUTES
from cxlean.org.api.views import (
    CatalogueProposalViewSet,
    ClaimMappingViewSet,
    CXRoleViewSet,
    PersonViewSet,
    SignInEventViewSet,
    UnitViewSet,
)
from cxlean.org.lockout import lockout_response
from cxlean.plans.api.views import ActivityViewSet, PhaseViewSet, PlanViewSet

router = DefaultRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("cx-roles", CXRoleViewSet, basename="cx-role")
router.register("people", PersonViewSet, basename="person")
router.register("sign-in-events", SignInEventViewSet, basename="sign-in-event")
router.register("catalogue-proposals", CatalogueProposalViewSet, basename="catalogue-proposal")
router.register("claim-mappings", ClaimMappingViewSet, basename="claim-mapping")
router.register("guide-steps", GuideStepViewSet, basename="guide-step")
router.register("guide-activities", GuideActivityViewSet, basename="guide-activity")
router.register("plans", PlanViewSet, basename="plan")
router.register("phases", PhaseViewSet, basename="phase")
router.register("activities", ActivityViewSet, basename="activity")
router.register("competence-areas", AreaViewSet, basename="competence-area")
router.register("competence-activities", CompetenceActivityViewSet, basename="competence-activity")
router.register("competence-requirements", RequirementViewSet, basename="competence-requirement")
router.register("competence-records", RecordViewSet, basename="competence-record")
router.register("competence-progress", ProgressViewSet, basename="competence-progress")
router.register("competence-matrix", MatrixViewSet, basename="competence-matrix")
router.register("green-cards", GreenCardViewSet, basename="green-card")
router.register("trainee-plans", TraineePlanViewSet, basename="trainee-plan")
router.register("trainee-goals", GoalViewSet, basename="trainee-goal")
router.register("improvements", ItemViewSet, basename="improvement")
router.register("improvement-rows", ItemRowViewSet, basename="improvement-row")
router.register("improvement-comments", CommentViewSet, basename="improvement-comment")
router.register("improvement-attachments", AttachmentViewSet, basename="improvement-attachment")
router.register("feedback", FeedbackViewSet, basename="feedback")
router.register("journeys", JourneyViewSet, basename="journey")
router.register("journey-stages", StageViewSet, basename="journey-stage")
router.register("touchpoints", TouchpointViewSet, basename="touchpoint")
router.register("journey-transitions", TransitionViewSet, basename="journey-transition")
# Newer apps list their own routes: (prefix, viewset, basename).
for prefix, viewset, basename in (
    *CHECKLIST_ROUTES,
    *GEMBA_ROUTES,
    *METRICS_ROUTES,
    *MATURITY_ROUTES,
    *INSIGHTS_ROUTES,
    *EXPORT_ROUTES,
    *IMPORT_ROUTES,
    *NOTIFICATION_ROUTES,
    *GAME_ROUTES,
):
    router.register(prefix, viewset, basename=basename)


class TokenView(ObtainAuthToken):
    """DRF's token view, reading requests with the API's own parsers (it names its own).

    Password guessing is slowed twice: a rate per client address (`API_TOKEN_RATE`), and
    django-axes, which counts failed passwords here as on the login pages and answers a
    locked-out account or address with 429."""

    parser_classes = api_settings.DEFAULT_PARSER_CLASSES  # type: ignore[assignment]  # classes once imported by api_settings
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError as error:
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request._request)
            # Answered here, not by the exception handler, which would roll the request's
            # transaction back, and with it the failed attempt axes and the audit wrote.
            return Response(error.detail, status=error.status_code)


urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("branding/", BrandingView.as_view(), name="branding"),
    # The backlog's endpoint under the feedback it reads (journeys sit below the backlog).
    path(
        "feedback/<int:pk>/make-improvement/",
        FeedbackImprovementView.as_view(),
        name="feedback-make-improvement",
    ),
    # One object for the signed-in person, not a collection: a view of its own.
    path("inbox/", InboxView.as_view(), name="inbox"),
    # Before the router, whose survey-answers/<pk>/ would take "bulk" for an id.
    path("survey-answers/bulk/", BulkAnswersView.as_view(), name="survey-answer-bulk"),
    # Signed by the survey tool, no sign-in; by the source's id or slug.
    path(
        "survey-sources/<str:key>/webhook/",
        SurveySourceWebhookView.as_view(),
        name="survey-source-webhook",
    ),
    path("", include(router.urls)),
]
