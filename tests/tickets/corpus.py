"""Hand-written tickets with the gaps a human reviewer would record, per the handbook.

UNTUNED was written after the rules; its first run disagreed on 13 of 144 decisions, and the
rules were then generalised (labels such as "Steps:" mid-line, "bumped", planned changes, "login
is x / y"). HOLDOUT was written after that and has never been used to change a rule: its
results are reported as they are (docs/tickets.md). Used by test_review_untuned.py."""

# ruff: noqa: E501 (ticket texts keep the line breaks their writers used)

from tickets.review import Attachment, Message

UNTUNED = [
    {
        "name": "british, thorough, markdown",
        "description": """Hello,

## Summary
Since the maintenance window on Saturday night our self-managed instance (Omnibus, 16.11.3) has
been refusing SSH pushes for roughly a third of attempts. HTTPS pushes are fine. About 200
engineers are affected and they are working around it by switching remotes, which is confusing.

## Steps to reproduce
1. Clone any project over SSH
2. Make a commit
3. Run `git push origin main` a few times

## Actual behaviour
Around one push in three fails with `kex_exchange_identification: read: Connection reset by peer`.

## Expected behaviour
Every push should succeed as it did last week.

## What changed
During the maintenance we replaced the load balancer in front of the SSH nodes.

Logs from gitlab-shell are attached.
""",
        "attachments": [Attachment("gitlab-shell.log", "text/plain")],
        "region": "europe_middle_east_africa",
        "gaps": set(),
    },
    {
        "name": "one-liner with a call",
        "description": "Runners are down!!! Ring me on 07700 900123 right away.",
        "region": "",
        "gaps": {
            "detail",
            "summary",
            "steps",
            "current",
            "expected",
            "changes",
            "logs",
            "region",
            "call_request",
        },
    },
    {
        "name": "non-native writer, decent content",
        "description": """Dear support team,
from yesterday afternoon our pipelines in group "mobile" are stuck in pending state, all of them.
When developer push a commit, the pipeline is created but no job start. We have 12 runners
registered and they show online in admin area. Before it was working normally, jobs start in
few seconds. We did not change anything in runners config. Because of this our 25 developers
can not test the merge requests. Please find the screenshot of admin runners page.
Best regards
Jan""",
        "attachments": [Attachment("runners.jpg", "image/jpeg")],
        "region": "europe_middle_east_africa",
        # "all of them" states scope, not frequency; no explicit steps list but a trigger.
        "gaps": {"summary", "steps"},
    },
    {
        "name": "pdf write-up",
        "description": "Please find the description of our issue with the Jira integration in the attached document.",
        "attachments": [Attachment("Jira integration problem.pdf", "application/pdf")],
        "region": "americas_usa",
        "gaps": {"detail", "summary", "steps", "current", "expected", "changes", "logs", "doc_attachment"},
    },
    {
        "name": "leaked kubeconfig token and unanswered follow-up",
        "description": """Our GitLab agent for Kubernetes cannot connect since we upgraded the cluster to 1.29 this
morning. The agent pod logs show "failed to connect: rpc error: code = Unauthenticated". Every
deployment from CI now fails so the platform team is blocked. We expected the agent to reconnect
after the upgrade. To reproduce: restart the agent pod and watch its logs.
Agent token for reference: glagent-q8Vn3LmZx2Pt7Rb5Kw9YhJd4""",
        "region": "all_regions",
        "comments": [
            Message(
                "Thanks for the details. Could you share the output of `kubectl describe pod` for the agent?",
                by_agent=True,
            ),
        ],
        "gaps": {"logs", "sensitive", "follow_up"},
    },
    {
        "name": "feature question, not a bug",
        "description": """Hi, we would like to know whether it's possible to enforce signed commits for
all projects in a top-level group without setting it per project. We have about 400 projects.
Thanks!""",
        "region": "all_regions",
        # A how-to question: most bug-report items do not apply, but the checks still note them.
        "gaps": {"summary", "steps", "current", "expected", "changes", "logs"},
    },
    {
        "name": "pasted stack trace, no words about impact",
        "description": """Import from GitHub fails.

```
NoMethodError: undefined method `id' for nil:NilClass
  app/services/import/github_service.rb:42:in `execute'
  lib/gitlab/github_import/importer.rb:17:in `run'
```
Version 17.2.1 omnibus. Happens every time with the repo acme/payments.""",
        "region": "americas_usa",
        "gaps": {"detail", "summary", "steps", "expected", "changes"},
    },
    {
        "name": "answered follow-up, screenshots later",
        "description": """Since Tuesday, the Value Stream Analytics page for our group shows no data at all
(empty charts), while it showed the last 30 days before. It happens for every user who opens it.
It's not urgent but managers use it for their weekly report. Steps: open Group > Analyze >
Value stream analytics and select the default stream. We expect the charts to show merge request
lead times. Nothing changed on our side as far as we know; we're on GitLab.com.""",
        "region": "asia_pacific",
        "comments": [
            Message("Can you send a screenshot of the page with the browser console open?", by_agent=True),
            Message("Sure, attached.", by_agent=False, attachments=(Attachment("vsa.png", "image/png"),)),
        ],
        "gaps": {"logs"},
    },
    {
        "name": "angry, vague, with password",
        "description": """This is the third time this month. Your product is broken again and we pay a lot
for it. Fix it now. The admin login is root / Gitlab!2024 if your engineer wants to look.""",
        "region": "",
        # Label corrected after the first run: 34 words with no usable detail is a detail gap.
        "gaps": {
            "detail",
            "summary",
            "steps",
            "current",
            "expected",
            "changes",
            "logs",
            "region",
            "sensitive",
        },
    },
    {
        "name": "terse but complete engineer",
        "description": """Geo secondary replication lag grows ~1 GB/h since 03:00 UTC today (started right after
we bumped Postgres from 14 to 16 on the secondary). Consistently reproducible. Primary unaffected;
DR is at risk.
Repro: check Admin > Geo > Sites, lag increases every refresh.
Actual: `pg_stat_replication` shows replay_lag > 2h.
Expected: lag < 1 min like before the upgrade.
gitlab-ctl tail output attached.""",
        "attachments": [Attachment("geo-tail.txt", "text/plain")],
        "region": "all_regions",
        "gaps": set(),
    },
    {
        "name": "asks for a meeting politely",
        "description": """Hello GitLab Support,
We are planning our migration from Bitbucket Server to GitLab Ultimate next quarter and would
like to book a session with one of your engineers to go through the migration approach. Our
timeline is tight so the sooner the better. We have roughly 1,200 repositories.""",
        "region": "americas_usa",
        "gaps": {"summary", "steps", "current", "expected", "changes", "logs", "call_request"},
    },
    {
        "name": "docx and log together",
        "description": """Our nightly backup (gitlab-backup create) started failing two days ago. It fails every
night with "No space left on device" although the disk has 400 GB free. We expected the backup to
finish as usual. No changes except that we moved the backup path to an NFS mount last week.
Backups are a compliance requirement for us. Steps: run `sudo gitlab-backup create` as root.""",
        "attachments": [Attachment("backup.log", "text/plain"), Attachment("Backup issue details.docx", "")],
        "region": "europe_middle_east_africa",
        "gaps": {"doc_attachment"},
    },
]


HOLDOUT = [
    {
        "name": "registry cleanup not running",
        "description": """Hi there,

The container registry cleanup policy on project infra/base-images hasn't removed a single tag for
two weeks. Storage grew from 300 GB to 540 GB and we'll hit our quota by the end of the month.
The policy keeps 10 tags per image and removes tags older than 14 days; it ran fine until the
14th. We have not touched the policy since March.

How to reproduce: Settings > Packages and registries > Cleanup policies shows "Next cleanup
scheduled to run on ..." but the run never happens.

We expected old tags to be deleted daily. Screenshot of the policy attached.""",
        "attachments": [Attachment("cleanup-policy.png", "image/png")],
        "region": "all_regions",
        "gaps": set(),
    },
    {
        "name": "urgent outage, phone number, nothing else",
        "description": "PRODUCTION DOWN. 502 everywhere. call +49 30 1234567 NOW",
        "priority": "urgent",
        "region": "europe_middle_east_africa",
        "gaps": {"detail", "summary", "steps", "expected", "changes", "logs", "call_request"},
    },
    {
        "name": "SAML with config pasted including secret",
        "description": """Since we renewed our IdP signing certificate yesterday, nobody can sign in with SAML;
every attempt ends on "SAML authentication failed: Fingerprint mismatch". This blocks all 800
users except the two admins with password login. Steps: click "Sign in with Okta" on the login page.
We expect the login to work with the new certificate fingerprint we configured.
Our gitlab.rb section:

gitlab_rails['omniauth_providers'] = [{ name: 'saml', args: { idp_cert_fingerprint: '43:51:43:a1',
  client_secret: 'Zq8-vL3mP0aT9xW2' } }]
""",
        "region": "americas_usa",
        "gaps": {"logs", "sensitive"},
    },
    {
        "name": "waiting on customer after two requests",
        "description": """Merge request diffs don't render for files over 1 MB since the upgrade to 17.0 last
Thursday. It happens on every such MR and slows down code review for the whole backend team.
Steps to reproduce:
1. Open an MR that changes a 2 MB JSON fixture
2. Go to the Changes tab
Current: "Diff too large" and the file can't be expanded. Expected: the diff can be expanded as
in 16.11. Production.log excerpt attached.""",
        "attachments": [Attachment("production_log_excerpt.txt", "text/plain")],
        "region": "asia_pacific",
        "comments": [
            Message(
                "Thanks. Can you tell us the value of diff_max_patch_bytes in the admin settings?",
                by_agent=True,
            ),
            Message("It's the default.", by_agent=False),
            Message(
                "Understood. Please run `gitlab-rails runner 'p ApplicationSetting.current.diff_max_patch_bytes'` and paste the output.",
                by_agent=True,
            ),
        ],
        "gaps": {"follow_up"},
    },
    {
        "name": "word document and screenshot, thin text",
        "description": "Hello, our users cannot see the new pipeline editor, details and screenshot attached. Thanks",
        "attachments": [
            Attachment("pipeline-editor.png", "image/png"),
            Attachment("Details.doc", "application/msword"),
        ],
        "region": "all_regions",
        "gaps": {"detail", "summary", "steps", "current", "expected", "changes", "doc_attachment"},
    },
    {
        "name": "runner token in a log line",
        "description": """Our shell runner on build-07 stopped picking up jobs at around 14:20 UTC today; other
runners are fine. Only jobs tagged "windows" are affected (about 40 a day), so it is not critical.
Runner log:
2025-05-06T14:19:58Z WARNING Checking for jobs... forbidden  runner=glrt-t3KpZ8vQx1Lm9Nw2Rb7y
2025-05-06T14:20:01Z ERROR Failed to request job: 403 Forbidden

We didn't change anything. Expected: the runner keeps picking up windows jobs.""",
        "region": "europe_middle_east_africa",
        "gaps": {"steps", "sensitive"},
    },
    {
        "name": "question about licence seats, courteous",
        "description": """Good morning, could you help us understand why the subscription page shows 312 billable
users when our HR system says we have 290 employees? We would like to reconcile this before our
renewal on the 30th. Is there a report that lists billable users with their last activity?""",
        "region": "americas_usa",
        "gaps": {"summary", "steps", "current", "expected", "changes", "logs"},
    },
    {
        "name": "screen-share request mid-way through otherwise good ticket",
        "description": """Since upgrading our Helm chart from 7.11 to 8.0 on Monday, the webservice pods restart
about every 20 minutes with "Liveness probe failed: HTTP probe failed with statuscode: 503".
Users see intermittent 503 pages; roughly 500 developers are affected.
To reproduce: deploy chart 8.0 with our values.yaml (attached) and wait ~20 minutes.
Expected: pods stay up as they did on 7.11.
Happy to do a screen share if that is quicker.""",
        "attachments": [Attachment("values.yaml", "text/yaml"), Attachment("pod-events.txt", "text/plain")],
        "region": "all_regions",
        "gaps": {"call_request"},
    },
]

# Written after the rules were last changed; never used to change a rule.
FRESH = [
    {
        "name": "LDAP sync drops group members",
        "description": """Good afternoon,

Our LDAP group sync removes members from the "platform-admins" group every hour and re-adds them
an hour later. It began on 12 June, right after our AD team migrated the domain controllers to
Windows Server 2022. While a member is removed they lose Maintainer access, so about 15 SREs
can't merge infrastructure changes for up to an hour at a time.

To recreate: add a user to the AD group, wait for the hourly sync, check the group's members page.
What we see: the user disappears from the group, then comes back on the next sync.
What we'd expect: membership stays stable as long as the AD group does not change.

ldap_sync.log and a screenshot of the members page are attached.""",
        "attachments": [Attachment("ldap_sync.log", "text/plain"), Attachment("members.png", "image/png")],
        "region": "europe_middle_east_africa",
        "gaps": set(),
    },
    {
        "name": "one line, pdf, no region",
        "description": "see the attached pdf for our problem with merge trains",
        "attachments": [Attachment("merge trains.pdf", "application/pdf")],
        "region": "",
        "gaps": {
            "detail",
            "summary",
            "steps",
            "current",
            "expected",
            "changes",
            "logs",
            "doc_attachment",
            "region",
        },
    },
    {
        "name": "webhook secret token in a curl",
        "description": """Project webhooks to our Jenkins stopped arriving about 4 hours ago; every push since then
is missing in Jenkins, so CI for the payments team is effectively stopped. The hook test button
gives "Hook execution failed: Net::ReadTimeout". We changed nothing on the Jenkins side.
Reproduce: Settings > Webhooks > Test > Push events.
We expect a 200 from Jenkins within a second, as before.
This is how we test it manually:
curl -X POST -H "X-Gitlab-Token: 7fa9c3e1b2d44c8a9e0f5b6a" https://jenkins.example.net/project/payments""",
        "region": "all_regions",
        # X-Gitlab-Token is a webhook secret; the checker does not know that header.
        "gaps": {"logs", "sensitive"},
    },
    {
        "name": "customer never answered, ticket solved",
        "description": """Hi, the "Download artifacts" button returns a 404 for jobs older than one week, since
last Friday. It happens for every project we tried. Not blocking, we download via the API for now.
Steps: open an old job > Download artifacts. We expect the artifacts archive to download (expiry is
set to 30 days). No changes on our side. Screenshot attached.""",
        "attachments": [Attachment("404.png", "image/png")],
        "region": "americas_usa",
        "comments": [
            Message(
                "Thanks! Could you confirm the artifacts expiration setting in Admin > Settings > CI/CD?",
                by_agent=True,
            ),
            Message(
                "We haven't heard back, so we are closing this ticket for now. Feel free to reopen it.",
                by_agent=True,
            ),
        ],
        "gaps": {"follow_up"},
    },
    {
        "name": "teams meeting wanted, vague",
        "description": """Hello, we have a lot of problems with performance of our GitLab since some time. Can we have
a Teams meeting with an expert this week to discuss? Regards, Marta""",
        "region": "europe_middle_east_africa",
        "gaps": {"detail", "summary", "steps", "current", "expected", "changes", "logs", "call_request"},
    },
    {
        "name": "gitaly latency, solid report with log lines",
        "description": """Since 02:00 CET on Wednesday (right after we increased the Gitaly node's disk to 4 TB and
moved to gp3 volumes), git operations on the primary storage are slow for everyone: clones of
our largest repo take 9 minutes instead of 40 seconds. This is consistent across all users and
the release train for Thursday is at risk.

How to reproduce: `time git clone git@gitlab.example.com:core/monolith.git`

Log lines from gitaly:
{"time":"2025-04-02T08:13:55Z","level":"warning","msg":"slow request","grpc.method":"PostUploadPackWithSidechannel","grpc.time_ms":512344}
{"time":"2025-04-02T08:14:10Z","level":"warning","msg":"slow request","grpc.method":"PostUploadPackWithSidechannel","grpc.time_ms":498210}

Clones should take under a minute as before.""",
        "region": "europe_middle_east_africa",
        "gaps": set(),
    },
    {
        "name": "SSH private key pasted for debugging",
        "description": """Deploy key authentication fails for our deploy user since we rotated keys on Monday. We get
"Permission denied (publickey)" on every attempt, which blocks deployments for 6 services.
Steps: ssh -T git@gitlab.example.com with the key below. It should print "Welcome to GitLab".

-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL
7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg
-----END RSA PRIVATE KEY-----
""",
        "region": "all_regions",
        "gaps": {"logs", "sensitive"},
    },
    {
        "name": "feature request with business case",
        "description": """We'd like GitLab to support required approvals from two different groups on the same MR
(e.g. security AND legal) for our regulated repositories. Today we can only require N approvals
from a combined list, which doesn't satisfy our auditors; this is a compliance blocker for moving
150 more projects onto GitLab. Is this on the roadmap, or is there a workaround?""",
        "region": "americas_usa",
        # A feature request: bug-report items do not apply; "Today we can only ..." states the current state.
        "gaps": {"summary", "steps", "expected", "changes", "logs"},
    },
]
