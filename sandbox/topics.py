"""Problem areas customers write tickets about, each with several phrasings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    name: str
    subjects: tuple[str, ...]
    symptoms: tuple[str, ...]
    steps: tuple[tuple[str, ...], ...]
    current: tuple[str, ...]
    expected: tuple[str, ...]
    changes: tuple[str, ...]
    log_lines: tuple[str, ...]
    log_files: tuple[tuple[str, str], ...]
    asks: tuple[str, ...]


LOG = ("production_json.log", "application/json")
SIDEKIQ = ("sidekiq.log", "text/plain")
RUNNER = ("runner-debug.txt", "text/plain")
HAR = ("session.har", "application/json")
NGINX = ("gitlab_access.log", "text/plain")

TOPICS: tuple[Topic, ...] = (
    Topic(
        "ci_pending",
        (
            "CI jobs stuck in pending",
            "Pipelines not starting after upgrade to {v}",
            "Jobs stay pending for 20+ minutes",
            "Runner does not pick up jobs",
        ),
        (
            "CI jobs stay in the pending state and never start",
            "new pipelines queue up but no runner picks them up",
            "jobs wait for a runner although runners are online",
        ),
        (
            (
                "Push a commit to any project with a .gitlab-ci.yml",
                "Open CI/CD > Pipelines",
                "Watch the first job",
            ),
            ("Trigger a pipeline manually on main", "Check the job's runner assignment", "Wait 10 minutes"),
            ("Create a new branch", "Run the pipeline", "Look at Admin > Runners"),
        ),
        (
            "The job shows 'This job is pending because it doesn't have any runners online'.",
            "Jobs remain pending until they time out after an hour.",
            "Only jobs with the 'docker' tag are stuck; untagged jobs run.",
        ),
        (
            "Jobs should be picked up within seconds by one of our 12 shared runners.",
            "A runner with matching tags should start the job immediately.",
        ),
        (
            "We upgraded the runners to {v} on Monday.",
            "We rotated the runner registration tokens last week.",
            "Nothing changed on our side as far as we know.",
            "We moved the runners to a new VPC.",
        ),
        (
            "ci: job {id} queued, no matching runner (tags: docker)",
            "runner {id}: checking for jobs... received 0",
            "ci: queue depth {n}",
            "runner {id}: heartbeat from {host}",
        ),
        (RUNNER, LOG, SIDEKIQ),
        (
            "the runner's debug log (run it with --debug)",
            "the output of `gitlab-runner verify`",
            "a screenshot of Admin > Runners",
        ),
    ),
    Topic(
        "upgrade",
        (
            "Upgrade to {v} fails with migration error",
            "Database migration stuck during upgrade",
            "Upgrade failed, instance down",
            "Background migrations not finishing after {v}",
        ),
        (
            "the upgrade fails while running database migrations",
            "the instance is down after a failed upgrade",
            "batched background migrations are stuck at {pct}%",
        ),
        (
            ("Run apt-get install gitlab-ee={v}", "Wait for the reconfigure step", "See the migration error"),
            ("Put the instance in maintenance mode", "Run the upgrade", "Run gitlab-rake db:migrate"),
        ),
        (
            "The reconfigure step aborts with PG::DuplicateTable and the web UI returns 502.",
            "The migration has been running for {n} hours without progress.",
            "The instance starts but shows 'Migrations are pending'.",
        ),
        (
            "The upgrade should complete and the instance come back online.",
            "Migrations should finish within the documented time.",
        ),
        (
            "We skipped two minor versions in this upgrade.",
            "We restored a backup into this instance last month.",
            "We moved PostgreSQL to a managed service.",
        ),
        (
            "db: migration {id} failed: PG::DuplicateTable",
            "db: == {id} AddIndexToCiBuilds: migrating",
            "reconfigure: execute[migrate gitlab-rails database] failed",
            "db: lock wait timeout after {ms}ms",
        ),
        (LOG, ("reconfigure.log", "text/plain")),
        (
            "the full output of `gitlab-ctl reconfigure`",
            "the output of `gitlab-rake db:migrate:status`",
            "the output of `gitlab-rake gitlab:background_migrations:status`",
        ),
    ),
    Topic(
        "saml",
        (
            "Users cannot log in with SAML",
            "SSO login loop",
            "SAML error 'Invalid ticket' since {v}",
            "New users not provisioned via SCIM",
        ),
        (
            "users get redirected back to the login page after authenticating with our IdP",
            "SAML sign-in fails with 'Invalid ticket'",
            "new employees are not provisioned",
        ),
        (
            ("Open the sign-in page", "Click 'Sign in with Okta'", "Authenticate at the IdP"),
            ("Use a private browser window", "Log in through SSO", "Observe the redirect"),
        ),
        (
            "After the IdP redirect the user lands on the sign-in page again with no error.",
            "The page shows 'Could not authenticate you from SAML because Fingerprint mismatch'.",
        ),
        (
            "Users should be signed in and land on their dashboard.",
            "The SAML response should be accepted and the user signed in.",
        ),
        (
            "Our IdP certificate was rotated yesterday.",
            "We added a second SAML provider.",
            "IT changed the NameID format to email.",
        ),
        (
            "saml: response validation failed: Fingerprint mismatch",
            "omniauth: (saml) Authentication failure! invalid_ticket",
            "saml: user {id} not found, auto-provisioning disabled",
        ),
        (HAR, LOG),
        (
            "a HAR file captured while reproducing the login",
            "the SAML response decoded with a SAML tracer",
            "your gitlab.rb SAML section with secrets removed",
        ),
    ),
    Topic(
        "backup",
        (
            "Backup fails with 'No space left on device'",
            "Nightly backup not running",
            "Restore from backup fails on {v}",
        ),
        ("the nightly backup fails", "restoring a backup aborts halfway", "backups are missing repositories"),
        (
            ("Run gitlab-backup create", "Wait for the repositories step", "Check the output"),
            (
                "Copy the backup to the new server",
                "Run gitlab-backup restore BACKUP=...",
                "Observe the error",
            ),
        ),
        (
            "The task exits with 'Errno::ENOSPC: No space left on device' at the repositories step.",
            "The restore stops with 'ActiveRecord::ConnectionTimeoutError'.",
        ),
        ("The backup should complete and be uploaded to S3.", "The restore should finish without errors."),
        ("We enabled incremental repository backups.", "We moved backups to a different bucket."),
        (
            "backup: dumping repositories ... {n} done",
            "backup: upload failed: ENOSPC",
            "gitaly: backup of {id} failed",
        ),
        (("backup.log", "text/plain"), LOG),
        ("the complete output of the backup task", "the output of `df -h` on the backup host"),
    ),
    Topic(
        "registry",
        (
            "Container registry push fails with 500",
            "docker push returns 'unknown blob'",
            "Registry cleanup policy not deleting tags",
        ),
        (
            "pushing images to the container registry fails",
            "image pushes fail with 'unknown blob'",
            "the registry storage keeps growing",
        ),
        (
            (
                "docker login registry.<our domain>",
                "docker push registry.<our domain>/group/app:latest",
                "See the error",
            ),
            ("Configure a cleanup policy on the project", "Wait for the scheduled run", "Check the tags"),
        ),
        (
            "The push retries each layer and then fails with 'received unexpected HTTP status: 500'.",
            "Old tags are never deleted although the policy matches them.",
        ),
        ("Images should be pushed successfully.", "Tags older than 30 days should be removed."),
        ("We migrated the registry storage to GCS.", "We enabled the metadata database."),
        ("registry: PUT /v2/{id}/blobs/uploads 500 ({ms}ms)", "registry: blob unknown to registry"),
        (("registry.log", "text/plain"), NGINX),
        ("the registry log from the time of the push", "the output of `docker push` with debug enabled"),
    ),
    Topic(
        "mr_slow",
        (
            "Merge request diffs do not load",
            "MR page extremely slow",
            "Timeout when opening large merge requests",
        ),
        (
            "merge request pages take over 30 seconds to load",
            "the Changes tab of merge requests never loads",
            "opening an MR times out with 500",
        ),
        (
            ("Open any merge request with more than 100 files", "Click the Changes tab", "Wait"),
            ("Open the MR list", "Open MR !{n}", "Scroll to the diff"),
        ),
        (
            "The spinner keeps spinning and after 60 seconds we get 'Something went wrong'.",
            "Page load takes 45 seconds; the browser warns the page is unresponsive.",
        ),
        (
            "The page should load within a few seconds.",
            "Diffs should render like they did on the previous version.",
        ),
        ("We upgraded to {v} last weekend.", "We enabled the new diff viewer feature flag."),
        (
            "web: GET /group/app/-/merge_requests/{n}/diffs.json 500 ({ms}ms)",
            "gitaly: DiffStats timeout after {ms}ms",
        ),
        (HAR, LOG),
        ("a HAR file of the slow page load", "the correlation ID shown in the error page"),
    ),
    Topic(
        "api",
        ("API returns 502 intermittently", "REST API rate limited unexpectedly", "GraphQL query times out"),
        (
            "API calls from our automation fail with 502",
            "API requests get 429 although we are under the limit",
            "a GraphQL query for pipelines times out",
        ),
        (
            ("Call GET /api/v4/projects?per_page=100 in a loop", "Observe the response codes"),
            ("Run our nightly sync script", "Watch the error rate"),
        ),
        (
            "About 1 in 10 calls returns 502 Bad Gateway.",
            "Requests are rejected with 429 and Retry-After: 60.",
        ),
        ("All API calls should succeed.", "We should be able to use our documented limits."),
        ("We added a new load balancer in front of the instance.", "Our sync script now runs in parallel."),
        ("api: GET /api/v4/projects 502 ({ms}ms)", "rack_attack: throttle_authenticated_api {host}"),
        (NGINX, LOG),
        ("the correlation IDs of a few failed requests", "the timestamps and client IPs of the failures"),
    ),
    Topic(
        "email",
        (
            "Notification emails not delivered",
            "Users don't receive password reset emails",
            "Incoming email (reply by email) broken",
        ),
        (
            "notification emails are not delivered",
            "password reset emails never arrive",
            "replies by email are not added to issues",
        ),
        (
            ("Trigger a password reset for a test user", "Check the user's inbox and spam folder"),
            ("Reply to an issue notification email", "Check the issue for the comment"),
        ),
        (
            "No email arrives; mail log shows the message was handed to the relay.",
            "The reply is silently dropped.",
        ),
        ("Emails should arrive within a minute.", "The reply should appear as a comment."),
        ("We switched our SMTP relay to a new provider.", "IT changed SPF records last week."),
        ("mailroom: processing message {id} failed", "ActionMailer: delivery failed: 550 5.7.1"),
        (SIDEKIQ, ("mail.log", "text/plain")),
        (
            "the Sidekiq log around the time the email should have been sent",
            "the headers of one of the emails that did arrive",
        ),
    ),
    Topic(
        "geo",
        ("Geo secondary out of sync", "Geo replication lag growing", "Geo site shows unhealthy after {v}"),
        (
            "the Geo secondary falls further behind every hour",
            "the secondary site reports as unhealthy",
            "{pct}% of repositories failed to sync",
        ),
        (
            ("Open Admin > Geo > Sites", "Check the secondary's sync status"),
            ("Push to a project on the primary", "Check the project on the secondary after 10 minutes"),
        ),
        ("Replication lag is over {n} hours and growing.", "Many repositories are in the failed state."),
        ("The secondary should be in sync within minutes.", "All repositories should sync successfully."),
        ("We added a second secondary site in APAC.", "The primary's database was failed over last week."),
        ("geo: repository sync failed for project {id}", "geo: replication lag {n}s"),
        (("geo.log", "text/plain"), SIDEKIQ),
        ("the output of `gitlab-rake gitlab:geo:check` on both sites", "the Geo log from the secondary"),
    ),
    Topic(
        "performance",
        ("Web UI very slow for all users", "High CPU on Puma nodes", "Instance slow every day at 09:00"),
        (
            "the web UI is very slow for everyone",
            "Puma workers are at 100% CPU",
            "response times spike every morning",
        ),
        (
            ("Log in as any user", "Open the dashboard", "Measure the load time"),
            ("Watch the Grafana dashboard between 08:50 and 09:30", "Compare p95 latency"),
        ),
        (
            "Pages take 10-20 seconds to load; p95 latency is {ms}ms.",
            "CPU is pegged at 100% and requests queue.",
        ),
        ("Pages should load in under a second as before.", "Latency should stay stable under normal load."),
        ("We onboarded 300 new users last week.", "A new project with a huge monorepo was imported."),
        ("puma: worker {n} timed out after {ms}ms", "web: GET /dashboard/projects 200 ({ms}ms)"),
        (LOG, ("top.txt", "text/plain")),
        (
            "a performance bar screenshot of a slow page",
            "the output of `gitlab-ctl status` and `top` during the spike",
        ),
    ),
    Topic(
        "licensing",
        ("License shows wrong number of seats", "Billable users count is wrong", "Cannot apply new license"),
        (
            "the license page shows more billable users than we have",
            "the new license file is rejected",
            "true-up numbers look wrong",
        ),
        (
            ("Go to Admin > Subscription", "Compare billable users with our user list"),
            ("Upload the new license file", "Click 'Add license'"),
        ),
        (
            "It reports {n} billable users but we only have {seats} active employees.",
            "The upload fails with 'License is invalid'.",
        ),
        ("Bots and blocked users should not count as billable.", "The new license should be applied."),
        ("We renewed last week.", "We blocked 40 former employees."),
        ("license: billable_users={n}", "license: validation failed for {id}"),
        (("license.png", "image/png"),),
        ("a screenshot of the subscription page", "the renewal order number"),
    ),
    Topic(
        "webhooks",
        (
            "Project webhooks not firing",
            "Webhook delivery fails with timeout",
            "System hooks disabled automatically",
        ),
        ("project webhooks stopped firing", "webhook deliveries time out", "webhooks were auto-disabled"),
        (
            ("Push a commit to a project with a webhook", "Open Settings > Webhooks > Recent events"),
            ("Click 'Test' on the webhook", "Check our receiver's logs"),
        ),
        (
            "Recent events are empty, the receiver never gets a request.",
            "Deliveries fail with 'execution expired'.",
        ),
        ("Every push should trigger a delivery.", "Deliveries should succeed within 10 seconds."),
        ("Our receiver moved behind a new firewall.", "We upgraded to {v}."),
        (
            "webhook: POST https://hooks.internal/ci failed: execution expired",
            "webhook: hook {id} disabled after {n} failures",
        ),
        (SIDEKIQ, ("webhook-events.png", "image/png")),
        ("a screenshot of the webhook's Recent events page", "the Sidekiq log of the delivery attempts"),
    ),
)
