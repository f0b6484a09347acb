"""The inbox as JSON: the same rows, groups and counts as the start page."""

from rest_framework import serializers


class RowSerializer(serializers.Serializer):
    kind = serializers.CharField(
        help_text="What the row is: activity, checklist, checklist_overdue, walk, "
        "walk_to_report, walk_to_plan, walk_follow_up, assessment, level_waiting, "
        "level_rejected, trainee_goal, sign_off, green_card, idea, improvement, triage, "
        "export, import, notification (unread); for management what moved since their last visit: "
        "maturity_moved, rollout_behind, metric_moved."
    )
    area = serializers.CharField(help_text="The area it comes from (plans, checklists …).")
    area_label = serializers.CharField(help_text="The area's name in the user's language.")
    title = serializers.CharField()
    state = serializers.CharField(help_text="Why it is here, or where it stands, in words.")
    urgency = serializers.CharField(source="urgency.slug", help_text="late, soon, waiting or info.")
    due = serializers.DateField(allow_null=True)
    url = serializers.SerializerMethodField(help_text="The page to act on it.")

    def get_url(self, row) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(row.url) if request else row.url


class MoreLinkSerializer(serializers.Serializer):
    area = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the API field is named label
    url = serializers.SerializerMethodField()

    def get_url(self, link) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(link.url) if request else link.url


class GroupSerializer(serializers.Serializer):
    urgency = serializers.CharField(source="slug", help_text="late, soon, waiting or info.")
    label = serializers.CharField()  # type: ignore[assignment]  # the API field is named label
    count = serializers.IntegerField(help_text="All rows of this urgency, shown or not.")
    rows = RowSerializer(many=True, help_text="The first `limit` rows, most urgent first.")
    more = MoreLinkSerializer(many=True, help_text="The areas' own lists of them all.")


class InboxSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    since = serializers.DateTimeField(
        allow_null=True, help_text="Management: news since this visit of the start page."
    )
    groups = GroupSerializer(many=True)


class InboxParams(serializers.Serializer):
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=50, default=8, help_text="Rows per group."
    )
