"""Tell someone when a refresh did not publish: a JSON POST to a webhook for every failed or rejected run
of the `refresh` job, however it was started (schedule, sensor, UI; `sti refresh` says so itself).

The URL is the `alert_webhook` resource's `url`, else the environment variable its `url_env_var` names
(`STI_ALERT_WEBHOOK`), read when a sensor is evaluated; with neither there is nothing to call and the
sensors skip. Not an `EnvVar` field: Dagster fails every evaluation when such a variable is unset, and
the webhook is optional. The body is JSON with a `text` line as chat webhooks (Slack, Mattermost,
Rocket.Chat) expect it, and the run's facts for anything else.

A rejected refresh is a successful Dagster run (pipelines/publish/raw_assets.py), so there are two
sensors: run failure, and run success tagged `sti/outcome: rejected`.
"""

from __future__ import annotations

import json
import os
import urllib.request
from typing import Any

from dagster import (
    ConfigurableResource,
    DagsterEventType,
    DagsterRun,
    DagsterRunStatus,
    DefaultSensorStatus,
    RunFailureSensorContext,
    RunStatusSensorContext,
    SkipReason,
    run_failure_sensor,
    run_status_sensor,
)

from pipelines.jobs import refresh_job
from pipelines.publish.warehouse_resource import OUTCOME_TAG, first_failure


class AlertWebhook(ConfigurableResource):
    """Where failed and rejected refreshes are announced; no URL, no announcement."""

    url: str = ""
    url_env_var: str = "STI_ALERT_WEBHOOK"
    timeout_seconds: float = 10.0

    def target(self) -> str | None:
        return self.url or os.environ.get(self.url_env_var) or None

    def post(self, payload: dict[str, Any]) -> int:
        """POST `payload` as JSON to the webhook; the HTTP status (an error status raises)."""
        url = self.target()
        if not url:
            raise ValueError(f"no webhook URL: set {self.url_env_var} or the alert_webhook resource's url")
        request = urllib.request.Request(
            url,
            data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:
            return int(response.status)


def _payload(run: DagsterRun, outcome: str, reason: str) -> dict[str, Any]:
    config = run.run_config.get("resources", {}).get("warehouse", {}).get("config", {})
    warehouse = config.get("warehouse_dir", "warehouse")
    return {
        "text": f"sti refresh {outcome}: {reason.splitlines()[0] if reason else ''} (run {run.run_id}, {warehouse})",
        "event": f"refresh_{outcome}",
        "job": run.job_name,
        "run_id": run.run_id,
        "outcome": outcome,
        "reason": reason,
        "warehouse_dir": warehouse,
        "sources_dir": config.get("sources_dir", "sources/sample"),
        "tags": dict(run.tags),
    }


def _rejected_files(context: RunStatusSensorContext) -> list[str]:
    files: list[str] = []
    for entry in context.instance.all_logs(context.dagster_run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION):
        evaluation = entry.dagster_event.event_specific_data if entry.dagster_event else None
        meta = getattr(evaluation, "metadata", {}) or {}
        if "files_rejected" in meta:
            files += list(meta["files_rejected"].value or [])
    return files


@run_failure_sensor(
    name="refresh_failure_webhook", monitored_jobs=[refresh_job], default_status=DefaultSensorStatus.RUNNING
)
def refresh_failure_webhook(context: RunFailureSensorContext, alert_webhook: AlertWebhook):
    if not alert_webhook.target():
        return SkipReason(f"no webhook configured ({alert_webhook.url_env_var} unset)")
    reason = first_failure(context.get_step_failure_events()) or (context.failure_event.message or "the run failed")
    alert_webhook.post(_payload(context.dagster_run, "failed", reason))


@run_status_sensor(
    name="refresh_rejection_webhook",
    run_status=DagsterRunStatus.SUCCESS,
    monitored_jobs=[refresh_job],
    default_status=DefaultSensorStatus.RUNNING,
)
def refresh_rejection_webhook(context: RunStatusSensorContext, alert_webhook: AlertWebhook):
    run = context.instance.get_run_by_id(context.dagster_run.run_id) or context.dagster_run
    if run.tags.get(OUTCOME_TAG) != "rejected":
        return SkipReason("the refresh was not rejected")
    if not alert_webhook.target():
        return SkipReason(f"no webhook configured ({alert_webhook.url_env_var} unset)")
    files = _rejected_files(context)
    reason = "rejected, nothing published: " + (", ".join(files) if files else "see the run's report")
    payload = _payload(run, "rejected", reason)
    payload["rejected_files"] = files
    alert_webhook.post(payload)
