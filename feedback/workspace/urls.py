from django.urls import path

from feedback.workspace.views import (
    branding,
    catalogue,
    channels,
    imports,
    members,
    people,
    two_factor,
)

app_name = "workspace"

urlpatterns = [
    path("", catalogue.index, name="index"),
    path("promises/", catalogue.promises, name="promises"),
    path("promises/new/", catalogue.promise_edit, name="promise_new"),
    path("promises/<int:pk>/", catalogue.promise_detail, name="promise"),
    path("promises/<int:pk>/edit/", catalogue.promise_edit, name="promise_edit"),
    path("promises/<int:pk>/deactivate/", catalogue.promise_deactivate, name="promise_deactivate"),
    path("promises/<int:pk>/reanalyse/", catalogue.promise_reanalyse, name="promise_reanalyse"),
    path("touchpoints/", catalogue.touchpoints, name="touchpoints"),
    path("touchpoints/new/", catalogue.touchpoint_edit, name="touchpoint_new"),
    path("touchpoints/<int:pk>/edit/", catalogue.touchpoint_edit, name="touchpoint_edit"),
    path(
        "touchpoints/<int:pk>/deactivate/",
        catalogue.touchpoint_deactivate,
        name="touchpoint_deactivate",
    ),
    path("clients/", people.clients, name="clients"),
    path("clients/new/", people.client_edit, name="client_new"),
    path("clients/<int:pk>/edit/", people.client_edit, name="client_edit"),
    path("contacts/", people.contacts, name="contacts"),
    path("contacts/new/", people.contact_edit, name="contact_new"),
    path("contacts/<int:pk>/edit/", people.contact_edit, name="contact_edit"),
    path("engagements/", people.engagements, name="engagements"),
    path("engagements/new/", people.engagement_edit, name="engagement_new"),
    path("engagements/<int:pk>/edit/", people.engagement_edit, name="engagement_edit"),
    path("import/", imports.import_upload, name="import"),
    path("import/confirm/", imports.import_confirm, name="import_confirm"),
    path("import/template.csv", imports.import_template, name="import_template"),
    path("export/people.csv", imports.people_export, name="people_export"),
    path("members/", members.members, name="members"),
    path("members/invite/", members.member_invite, name="member_invite"),
    path("members/<int:pk>/role/", members.member_role, name="member_role"),
    path("members/<int:pk>/resend/", members.member_resend, name="member_resend"),
    path("members/<int:pk>/deactivate/", members.member_deactivate, name="member_deactivate"),
    path("members/two-factor/", two_factor.two_factor_policy, name="two_factor_policy"),
    path(
        "members/<int:pk>/two-factor-reset/",
        two_factor.member_two_factor_reset,
        name="member_two_factor_reset",
    ),
    path("branding/", branding.branding, name="branding"),
    path("channels/", channels.channels, name="channels"),
    path("channels/<int:pk>/test/", channels.channel_test, name="channel_test"),
    path("channels/<int:pk>/disable/", channels.channel_disable, name="channel_disable"),
]
