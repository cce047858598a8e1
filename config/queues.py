"""Every Celery task name, once, and the queue each one runs on.

A task's name is a stable contract (it is stored in the beat schedule's database rows and in
messages already queued), so it never changes when code moves; a name's prefix means nothing to
routing. Senders use these constants with `feedback.enqueue`; the decorators use them as the
`name=`. `config.settings.celery` routes from TASK_QUEUES, and a test fails when a registered
task is missing here.
"""

from enum import StrEnum


class Queues(StrEnum):
    DEFAULT = "default"  # the review workflow, webhooks, digests, rollups
    INGEST = "ingest"  # pulling from channels, CSV imports, campaign planning
    NLP = "nlp"  # the model worker (prefetch 1, solo pool)
    EMAIL = "email"  # outgoing mail to clients


# feedback
SWEEP_UNANALYSED_TASK = "feedback.sweep_unanalysed"
SWEEP_EXPIRED_CLAIMS_TASK = "feedback.sweep_expired_claims"
SWEEP_REVIEW_GAPS_TASK = "feedback.sweep_review_gaps"
ON_ANALYSED_TASK = "feedback.on_analysed"
NOTIFY_CASE_OPENED_TASK = "feedback.notify_case_opened"
SEND_CASE_REPLY_TASK = "feedback.send_case_reply"
ESCALATE_OVERDUE_CASES_TASK = "feedback.escalate_overdue_cases"
DELIVER_WEBHOOK_TASK = "feedback.deliver_webhook"
RETRY_WEBHOOKS_TASK = "feedback.retry_webhooks"
SEND_WEEKLY_DIGESTS_TASK = "feedback.send_weekly_digests"
REFRESH_ROLLUPS_TASK = "feedback.refresh_rollups"
RETENTION_PURGE_TASK = "feedback.retention_purge"
# listening
POLL_DUE_SOURCES_TASK = "listening.poll_due_sources"
POLL_SOURCE_TASK = "listening.poll_source"
CSV_IMPORT_RUN_TASK = "listening.csv_import_run"
# listening.campaigns ("email." is a historical name of a listening task, kept: names are stable)
SEND_DUE_INVITATIONS_TASK = "email.send_due_invitations"
CAMPAIGN_LAUNCH_TASK = "listening.campaign_launch"
REVIEW_REQUESTS_TASK = "listening.review_requests_for_closed_engagements"
RETRY_DEFERRED_INVITATIONS_TASK = "listening.retry_deferred_invitations"
# listening.portal
SEND_MAGIC_LINK_TASK = "email.portal_send_magic_link"
PURGE_MAGIC_LINKS_TASK = "portal.purge_magic_links"
# nlp
ANALYSE_TASK = "nlp.analyse_batch"  # these ids (sweeps); other pending items fill the batch
ANALYSE_PENDING_TASK = "nlp.analyse_pending"  # wake-up: drain the pending items in batches
TOPICS_SWEEP_TASK = "nlp.topics_sweep"  # beat: assign new feedback, refit the firms due
TOPICS_REFIT_TASK = "nlp.topics_refit"
TOPIC_SPLIT_TASK = "nlp.topic_split"

TASK_QUEUES: dict[str, Queues] = {
    SWEEP_UNANALYSED_TASK: Queues.DEFAULT,
    SWEEP_EXPIRED_CLAIMS_TASK: Queues.DEFAULT,
    SWEEP_REVIEW_GAPS_TASK: Queues.DEFAULT,
    ON_ANALYSED_TASK: Queues.DEFAULT,
    NOTIFY_CASE_OPENED_TASK: Queues.DEFAULT,
    SEND_CASE_REPLY_TASK: Queues.DEFAULT,
    ESCALATE_OVERDUE_CASES_TASK: Queues.DEFAULT,
    DELIVER_WEBHOOK_TASK: Queues.DEFAULT,
    RETRY_WEBHOOKS_TASK: Queues.DEFAULT,
    SEND_WEEKLY_DIGESTS_TASK: Queues.DEFAULT,
    REFRESH_ROLLUPS_TASK: Queues.DEFAULT,
    RETENTION_PURGE_TASK: Queues.DEFAULT,
    POLL_DUE_SOURCES_TASK: Queues.INGEST,
    POLL_SOURCE_TASK: Queues.INGEST,
    CSV_IMPORT_RUN_TASK: Queues.INGEST,
    SEND_DUE_INVITATIONS_TASK: Queues.EMAIL,
    CAMPAIGN_LAUNCH_TASK: Queues.INGEST,
    REVIEW_REQUESTS_TASK: Queues.INGEST,
    RETRY_DEFERRED_INVITATIONS_TASK: Queues.INGEST,
    SEND_MAGIC_LINK_TASK: Queues.EMAIL,
    PURGE_MAGIC_LINKS_TASK: Queues.DEFAULT,
    ANALYSE_TASK: Queues.NLP,
    ANALYSE_PENDING_TASK: Queues.NLP,
    TOPICS_SWEEP_TASK: Queues.NLP,
    TOPICS_REFIT_TASK: Queues.NLP,
    TOPIC_SPLIT_TASK: Queues.NLP,
}
