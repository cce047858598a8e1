from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from feedback import views as feedback_views
from feedback.password_reset import PasswordResetView
from feedback.twofactor.signin import SignInView, sign_in_verify
from feedback.workspace.views import branding as branding_views

urlpatterns = [
    path("", feedback_views.home, name="home"),
    path("favicon.ico", feedback_views.favicon, name="favicon"),
    path("brand/<slug:slug>/<str:name>", branding_views.logo, name="brand_logo"),
    path("healthz", feedback_views.healthz, name="healthz"),
    path("readyz", feedback_views.readyz, name="readyz"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/login/verify/", sign_in_verify, name="login_verify"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password-reset/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # Django admin signs in through the staff sign-in (and its two-factor step), never its own.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="login", query_string=True),
        name="admin_login",
    ),
    path("admin/", admin.site.urls),
    path("review/", include("feedback.review.urls")),
    path("settings/two-factor/", include("feedback.twofactor.urls")),
    path("settings/fees/", include("feedback.stake.urls_fees")),
    path("settings/expectations/", include("feedback.lens.urls_import")),
    path("settings/", include("feedback.workspace.urls")),
    path("dashboard/stake/", include("feedback.stake.urls")),
    path("dashboard/promise-gap/", include("feedback.lens.urls")),
    path("dashboard/", include("feedback.dashboards.urls")),
    path("feedback/", include("feedback.items.urls")),
    path("topics/", include("feedback.topics.urls")),
    path("api/", include("feedback.api.urls")),
    path("privacy/", include("feedback.privacy.urls")),
    path("api/v1/campaigns/", include("listening.campaigns.urls_api")),
    path("survey/", include("listening.campaigns.urls")),
    path("campaigns/", include("listening.campaigns.urls_members")),
    path("listen/", include("listening.portal.urls")),
    path("listening/", include("listening.urls")),
    path("settings/listening/", include("listening.setup.urls")),
]

handler400 = "feedback.api.hostile_input.bad_request"
