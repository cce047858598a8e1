"""Writes of the listening settings pages: sources and campaigns, on top of the channel and
campaign services (credentials are encrypted by them, governance is applied by them)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from config.queues import CAMPAIGN_LAUNCH_TASK
from feedback.enqueue import task_send_on_commit
from feedback.models import Channel, Firm, Source
from feedback.services import firm_branding_set
from listening.campaigns.models import Campaign, SurveyKind, SurveyPolicy
from listening.crypto import secret_decrypt
from listening.models import ImapMailbox, PollState
from listening.services.mailboxes import imap_mailbox_set
from listening.sources import CONNECTORS
from listening.sources.base import ConnectorError
from listening.sources.imap import imap_messages
from listening.sources.secrets import config_with_secret

# Which credential each review connector reads (stored encrypted as `<name>_encrypted`).
REVIEW_SECRETS = {"google": "access_token", "trustpilot": "api_key", "feed": ""}


def _origins(raw: list[str]) -> list[str]:
    origins = []
    for line in raw:
        origin = line.strip().rstrip("/").lower()
        if not origin:
            continue
        if origin != "*" and not origin.startswith(("http://", "https://")):
            raise ValidationError({"allowed_origins": f"{line!r} is not an http(s) address."})
        origins.append(origin)
    return origins


@transaction.atomic
def form_source_save(
    *,
    firm: Firm,
    name: str,
    title: str = "",
    allowed_origins: list[str],
    source: Source | None = None,
) -> Source:
    """Create (or edit) a web-form Source. Its public key is the form key of the embed snippet;
    only the listed websites may frame it or post to it from a browser."""
    source = source or Source(firm=firm, channel=Channel.FORM)
    if source.firm_id != firm.pk or source.channel != Channel.FORM:
        raise ValidationError("Not a web form of this firm.")
    source.name = name.strip()
    source.config = {
        **(source.config or {}),
        "title": title.strip(),
        "allowed_origins": _origins(allowed_origins),
    }
    source.full_clean()
    source.save()
    return source


@transaction.atomic
def mailbox_source_save(
    *,
    firm: Firm,
    name: str,
    host: str,
    port: int,
    username: str,
    password: str,
    folder: str,
    use_ssl: bool,
    source: Source | None = None,
) -> ImapMailbox:
    """Create or edit a polled mailbox. A blank password on edit keeps the stored one."""
    if source is not None:
        if source.firm_id != firm.pk or source.channel != Channel.EMAIL:
            raise ValidationError("Not a mailbox of this firm.")
        if source.name != name.strip():
            source.name = name.strip()
            source.full_clean()
            source.save(update_fields=["name"])
        box = ImapMailbox.objects.filter(source=source).first()
        if not password and box is not None:
            password = secret_decrypt(box.password_encrypted)
    elif Source.objects.filter(firm=firm, name=name.strip()).exists():
        raise ValidationError({"name": "Another source already has this name."})
    if not password:
        raise ValidationError({"password": "Give the mailbox password."})
    return imap_mailbox_set(
        firm=firm,
        name=name.strip(),
        host=host.strip(),
        port=port,
        username=username.strip(),
        password=password,
        folder=folder.strip() or "INBOX",
        use_ssl=use_ssl,
    )


@dataclass(frozen=True)
class ConnectionCheck:
    ok: bool
    message: str


def mailbox_connection_test(*, source: Source, timeout: float = 10.0) -> ConnectionCheck:
    """Log in to the mailbox and open its folder, reading no message. Writes nothing."""
    box = ImapMailbox.objects.filter(source=source).first()
    if box is None:
        return ConnectionCheck(False, "This source has no mailbox configured.")
    try:
        list(
            imap_messages(
                host=box.host,
                port=box.port,
                use_ssl=box.use_ssl,
                username=box.username,
                password=secret_decrypt(box.password_encrypted),
                folder=box.folder,
                uidvalidity=None,
                last_uid=0,
                limit=0,
                timeout=timeout,
            )
        )
    except (ConnectorError, ValueError) as exc:
        return ConnectionCheck(False, str(exc))
    return ConnectionCheck(True, f"Connected to {box.host} and opened {box.folder}.")


@transaction.atomic
def review_source_save(
    *,
    firm: Firm,
    name: str,
    kind: str,
    settings: dict[str, str],
    secret: str = "",
    source: Source | None = None,
) -> Source:
    """Create or edit a review-site listing. The site's credential is stored encrypted; a blank
    one on edit keeps the stored one."""
    if kind not in CONNECTORS:
        raise ValidationError({"kind": f"Unknown review site {kind!r}."})
    source = source or Source(firm=firm, channel=Channel.REVIEW)
    if source.firm_id != firm.pk or source.channel != Channel.REVIEW:
        raise ValidationError("Not a review listing of this firm.")
    config = {
        **{k: v for k, v in (source.config or {}).items() if k.endswith("_encrypted")},
        **{k: v.strip() for k, v in settings.items() if v.strip()},
        "kind": kind,
    }
    secret_name = REVIEW_SECRETS.get(kind, "")
    if secret_name and secret:
        config = config_with_secret(config, secret_name, secret)
    if secret_name and f"{secret_name}_encrypted" not in config:
        raise ValidationError({"secret": "Give the site's credential."})
    source.name, source.config = name.strip(), config
    source.full_clean()
    source.save()
    PollState.objects.get_or_create(source=source)
    return source


@transaction.atomic
def source_pause_set(*, source: Source, paused: bool) -> Source:
    """Pause (nothing is polled or accepted) or resume a source; resuming clears its failures."""
    if paused:
        source.status = Source.Status.DISABLED
    else:
        source.status, source.failure_count = Source.Status.OK, 0
    source.save(update_fields=["status", "failure_count"])
    return source


@transaction.atomic
def survey_policy_set(
    *,
    firm: Firm,
    nps_max_per_year: int,
    nps_min_gap_days: int,
    csat_min_gap_days: int,
    csat_nps_buffer_days: int,
    from_email: str = "",
) -> SurveyPolicy:
    """The firm's governance defaults. The brand colour is the firm's own (Firm.primary_colour),
    set with `feedback.services.firm_branding_set`, not stored here."""
    policy = SurveyPolicy.objects.filter(firm=firm).first() or SurveyPolicy(firm=firm)
    policy.nps_max_per_year, policy.nps_min_gap_days = nps_max_per_year, nps_min_gap_days
    policy.csat_min_gap_days, policy.csat_nps_buffer_days = csat_min_gap_days, csat_nps_buffer_days
    policy.from_email = from_email.strip()
    policy.full_clean()
    policy.save()
    return policy


@transaction.atomic
def survey_settings_set(*, firm: Firm, logo_url: str = "", **policy: Any) -> SurveyPolicy:
    """The policy page: the e-mails' logo address and the governance defaults, together or not
    at all. The brand colour is not set here: the branding page (/settings/branding/) owns it."""
    firm_branding_set(firm=firm, primary_colour=firm.primary_colour, logo_url=logo_url)
    return survey_policy_set(firm=firm, **policy)


@transaction.atomic
def campaign_save(*, firm: Firm, data: dict, campaign: Campaign | None = None) -> Campaign:
    """Create or edit a campaign from the builder's cleaned fields."""
    campaign = campaign or Campaign(firm=firm)
    if campaign.firm_id != firm.pk:
        raise ValidationError("Not a campaign of this firm.")
    for name, value in data.items():
        setattr(campaign, name, value)
    for name in ("touchpoint", "audience_client"):
        related = getattr(campaign, name)
        if related is not None and related.firm_id != firm.pk:
            raise ValidationError({name: "This belongs to another firm."})
    campaign.full_clean()
    campaign.save()
    return campaign


def campaign_launch_request(*, campaign: Campaign, when: datetime | None = None) -> datetime:
    """Queue the launch of one wave for `when` (now by default) on the ingest worker: every
    contact of the audience is then decided under governance. Idempotent per firm-local day."""
    if campaign.kind not in (SurveyKind.NPS, SurveyKind.REVIEW):
        raise ValidationError("CSAT and CES surveys are triggered by events, not launched.")
    if campaign.status != Campaign.Status.ACTIVE:
        raise ValidationError("Only an active campaign can be launched.")
    when = when or timezone.now()
    task_send_on_commit(
        CAMPAIGN_LAUNCH_TASK,
        kwargs={"campaign_id": campaign.pk, "scheduled_for": when.isoformat()},
    )
    return when
