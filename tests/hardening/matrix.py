"""The expected answer of every route of the portal, for every persona, for GET and for POST.

Personas, in column order: csm (the CSM of the account in the world), other_csm (a CSM of
other accounts), manager (support manager), ops (support ops), admin, no_role (logged in,
no role yet), anonymous.

Outcomes: ok (2xx, or a redirect that is not to the login page), 403, 404, 405, 401, login
(a redirect to the login page). A new route without an entry here fails
`test_it_has_an_expected_answer_for_every_route`.

The rules these rows spell out come from each area's docs (docs/*.md):
- reading: every role reads every account, ticket, contact list, review, cadence page, the
  lists and their CSV exports; a user without a role gets 403 everywhere, anonymous users
  the login page;
- onboarding (checklist actions, the step's email) and the education email: the account's
  CSM and admins (any CSM when the account has no CSM: see test_object_rules.py);
- feedback: CSMs forward (on any account), managers work the queue, an item is seen by its
  forwarder, the account's CSM, managers and admins; admins set the rotation;
- support-ops requests: filed by the account's CSM (or an admin), seen by the requester, the
  account's CSM, support ops and admins; worked by support ops; cancelled by the requester;
- people to invite (Salesforce CSMs without a login) and the Team page (invitations, roles):
  admins only; nobody changes their own
  email address (allauth's email page is closed: an admin changes it);
- notifications are personal (someone else's is a 404); findings for CSMs and admins; the
  outbox for admins; "Sync now" for support ops and admins;
- the Zendesk webhook needs its signature (401 without), whoever calls it.
"""

from __future__ import annotations

from typing import Any

from tests.hardening.world import World

PERSONA_COLUMNS = ["csm", "other_csm", "manager", "ops", "admin", "no_role", "anonymous"]

READ = "ok ok ok ok ok 403 login"
ANY_ROLE_POST_ONLY = "405 405 405 405 405 403 login"  # any_role_required outside require_GET/POST
POST_ONLY = "405 405 405 405 405 405 login"  # require_POST outside the role check
GET_ONLY = "405 405 405 405 405 405 login"
OWNER = "ok 403 403 403 ok 403 login"  # the account's CSM and admins
PUBLIC = "ok ok ok ok ok ok ok"
LOGGED_IN = "ok ok ok ok ok ok login"
NOWHERE = "404 404 404 404 404 404 404"

# route: (GET, POST)
EXPECTED: dict[str, tuple[str, str]] = {
    "": ("ok ok ok ok ok 403 login", GET_ONLY),  # home: what needs each role's attention
    "healthz": (PUBLIC, "405 405 405 405 405 405 405"),
    # -- allauth: the login flow is public; account pages need a login ------------------------
    "auth/login/": (PUBLIC, PUBLIC),
    "auth/logout/": (PUBLIC, PUBLIC),
    "auth/inactive/": (PUBLIC, "405 405 405 405 405 405 405"),
    "auth/signup/": (PUBLIC, PUBLIC),  # closed unless ALLOWED_SIGNUP_DOMAINS: says so
    "auth/reauthenticate/": (LOGGED_IN, LOGGED_IN),
    "auth/email/": (LOGGED_IN, "405 405 405 405 405 405 login"),  # closed: an admin changes addresses
    "auth/confirm-email/": (PUBLIC, "405 405 405 405 405 405 405"),
    "auth/password/change/": (LOGGED_IN, LOGGED_IN),
    "auth/password/set/": (LOGGED_IN, LOGGED_IN),
    "auth/password/reset/": (PUBLIC, PUBLIC),
    "auth/login/code/confirm/": (LOGGED_IN, LOGGED_IN),
    r"auth/^confirm-email/(?P<key>[-:\w]+)/$": (NOWHERE, NOWHERE),  # an unknown key
    "auth/password/reset/key/done/": (PUBLIC, "405 405 405 405 405 405 405"),
    "auth/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": (NOWHERE, NOWHERE),
    "auth/password/reset/done/": (PUBLIC, "405 405 405 405 405 405 405"),
    "auth/2fa/": (LOGGED_IN, "405 405 405 405 405 405 login"),
    "auth/2fa/authenticate/": (LOGGED_IN, LOGGED_IN),
    "auth/2fa/reauthenticate/": (LOGGED_IN, LOGGED_IN),
    "auth/2fa/totp/activate/": (LOGGED_IN, LOGGED_IN),
    # Only the admin persona has TOTP set up (admins must: users.two_factor).
    "auth/2fa/totp/deactivate/": ("404 404 404 404 ok 404 login",) * 2,
    "auth/2fa/recovery-codes/": ("404 404 404 404 404 404 login", "405 405 405 405 405 405 login"),
    "auth/2fa/recovery-codes/generate/": (LOGGED_IN, LOGGED_IN),
    "auth/2fa/recovery-codes/download/": ("404 404 404 404 404 404 login",) * 2,
    "auth/3rdparty/login/cancelled/": (PUBLIC, "405 405 405 405 405 405 405"),
    "auth/3rdparty/login/error/": ("401 401 401 401 401 401 login", "405 405 405 405 405 405 login"),
    "auth/3rdparty/signup/": ("login login login login login login login",) * 2,  # no pending sign-up
    "auth/3rdparty/": (LOGGED_IN, LOGGED_IN),
    "auth/social/login/cancelled/": (LOGGED_IN, LOGGED_IN),  # allauth's old URLs: redirects
    "auth/social/login/error/": (LOGGED_IN, LOGGED_IN),
    "auth/social/signup/": (LOGGED_IN, LOGGED_IN),
    "auth/social/connections/": (LOGGED_IN, LOGGED_IN),
    "auth/oidc/^(?P<provider_id>[^/]+)/login/": (NOWHERE, NOWHERE),  # SSO not configured in tests
    "auth/oidc/^(?P<provider_id>[^/]+)/login/callback/": (NOWHERE, NOWHERE),
    "admin/login/": ("login login login login login login login",) * 2,  # the portal's login
    # -- the portal ---------------------------------------------------------------------------
    "profile/": (LOGGED_IN, LOGGED_IN),
    # The Team page: admins invite people and grant or revoke roles.
    "team/": ("403 403 403 403 ok 403 login",) * 2,
    "team/<int:pk>/roles/": (POST_ONLY, "403 403 403 403 ok 403 login"),
    "team/<int:pk>/clearances/": (POST_ONLY, "403 403 403 403 ok 403 login"),
    "accounts/": (READ, GET_ONLY),
    "accounts/export.csv": (READ, GET_ONLY),
    "accounts/people-to-invite/": ("403 403 403 403 ok 403 login",) * 2,  # admins invite CSMs
    "accounts/<int:pk>/": (READ, GET_ONLY),
    "accounts/<int:pk>/history/": (READ, GET_ONLY),
    "accounts/<int:pk>/checklists/start/": (POST_ONLY, OWNER),
    "accounts/<int:pk>/checklists/recheck/": (POST_ONLY, OWNER),
    "accounts/<int:pk>/checklists/<int:checklist_pk>/steps/add/": (POST_ONLY, OWNER),
    "accounts/<int:pk>/steps/<int:step_pk>/complete/": (POST_ONLY, OWNER),
    "accounts/<int:pk>/steps/<int:step_pk>/reopen/": (POST_ONLY, OWNER),
    "accounts/<int:pk>/steps/<int:step_pk>/skip/": (POST_ONLY, OWNER),
    "accounts/<int:pk>/steps/<int:step_pk>/assign/": (POST_ONLY, OWNER),
    "accounts/<int:pk>/steps/<int:step_pk>/move/": (POST_ONLY, OWNER),
    "accounts/<int:pk>/steps/<int:step_pk>/remove/": (POST_ONLY, OWNER),
    "accounts/<int:pk>/steps/<int:step_pk>/email/": (OWNER, OWNER),
    "accounts/<int:pk>/emails/<int:email_pk>/": (READ, GET_ONLY),
    # Confirming an org's link to the account: its CSM and admins (no "any CSM" fallback).
    "accounts/<int:pk>/organizations/<int:org_pk>/confirm-link/": (POST_ONLY, OWNER),
    "contacts/account/<int:pk>/": (READ, GET_ONLY),
    "contacts/account/<int:pk>/export.csv": (READ, GET_ONLY),
    "tickets/": (READ, GET_ONLY),
    "tickets/export.csv": (READ, GET_ONLY),
    "tickets/<int:zd_id>/": (READ, GET_ONLY),
    "tickets/id/<int:pk>/": (READ, GET_ONLY),
    # Another Zendesk instance's ticket (docs/instances.md); the global one's redirects to the above.
    "tickets/<slug:instance>/<int:zd_id>/": (
        READ,
        GET_ONLY,
    ),  # the portal's own id: redirects to the page above
    "tickets/accounts/<int:account_pk>/review/": (READ, GET_ONLY),
    "tickets/accounts/<int:account_pk>/education-email/": (READ, OWNER),  # all draft; owner sends
    "feedback/": (READ, GET_ONLY),
    "feedback/export.csv": (READ, GET_ONLY),
    "feedback/forward/": ("ok ok 403 403 ok 403 login",) * 2,  # CSMs, on any account
    "feedback/forward/ticket-lookup/": ("ok ok 403 403 ok 403 login", GET_ONLY),
    "feedback/<int:pk>/": ("ok 403 ok 403 ok 403 login", GET_ONLY),
    "feedback/<int:pk>/triage/": (POST_ONLY, "403 403 ok 403 ok 403 login"),
    "feedback/<int:pk>/action/": (POST_ONLY, "403 403 ok 403 ok 403 login"),
    "feedback/<int:pk>/close/": (POST_ONLY, "403 403 ok 403 ok 403 login"),
    "feedback/<int:pk>/reopen/": (POST_ONLY, "403 403 ok 403 ok 403 login"),
    "feedback/<int:pk>/reassign/": (POST_ONLY, "403 403 ok 403 ok 403 login"),
    "feedback/<int:pk>/comment/": (POST_ONLY, "ok 403 ok 403 ok 403 login"),
    "feedback/ratings/": (READ, GET_ONLY),
    "feedback/ratings/export.csv": (READ, GET_ONLY),
    "feedback/ratings/<int:pk>/forward/": (POST_ONLY, "ok ok 403 403 ok 403 login"),
    "feedback/rotation/": ("403 403 ok 403 ok 403 login", "403 403 403 403 ok 403 login"),
    # Managers take an empty week or swap weeks themselves (an admin without the manager role
    # is told that only managers hold weeks).
    "feedback/rotation/take/": (POST_ONLY, "403 403 ok 403 ok 403 login"),
    "feedback/rotation/swap/": (POST_ONLY, "403 403 ok 403 ok 403 login"),
    "feedback/accounts/<int:pk>/cadence/": (READ, GET_ONLY),
    "notifications/": (READ, ANY_ROLE_POST_ONLY),
    "notifications/bell/": (READ, ANY_ROLE_POST_ONLY),
    "notifications/read-all/": (ANY_ROLE_POST_ONLY, READ),
    "notifications/<int:pk>/": ("ok 404 404 404 404 403 login", ANY_ROLE_POST_ONLY),  # personal
    "notifications/<int:pk>/read/": (ANY_ROLE_POST_ONLY, "ok 404 404 404 404 403 login"),
    "notifications/preferences/": (READ, READ),
    "notifications/accounts/<int:account_pk>/watch/": (ANY_ROLE_POST_ONLY, READ),
    # The demo's customer button (SANDBOX on, as in the tests; 404 without: test_demo_ticket.py).
    "notifications/demo-ticket/": (ANY_ROLE_POST_ONLY, READ),
    "notifications/demo-ticket/<int:zd_id>/": (READ, ANY_ROLE_POST_ONLY),
    "notifications/findings/": ("ok ok 403 403 ok 403 login", GET_ONLY),
    "notifications/outbox/": ("403 403 403 403 ok 403 login", GET_ONLY),
    "notifications/outbox/<int:pk>/": ("403 403 403 403 ok 403 login", GET_ONLY),
    "notifications/outbox/<int:pk>/html/": ("403 403 403 403 ok 403 login", GET_ONLY),
    "go/": (READ, ANY_ROLE_POST_ONLY),
    "go/redirector.json": (READ, ANY_ROLE_POST_ONLY),
    "go/<slug:instance>/": (READ, ANY_ROLE_POST_ONLY),  # bare numbers open that instance's ticket
    "requests/": (READ, ANY_ROLE_POST_ONLY),
    "requests/export.csv": (READ, ANY_ROLE_POST_ONLY),
    "requests/<int:pk>/": ("ok 403 403 ok ok 403 login", ANY_ROLE_POST_ONLY),
    "requests/<int:pk>/comment/": (ANY_ROLE_POST_ONLY, "ok 403 403 ok ok 403 login"),
    "requests/<int:pk>/claim/": (ANY_ROLE_POST_ONLY, "403 403 403 ok ok 403 login"),
    "requests/<int:pk>/release/": (ANY_ROLE_POST_ONLY, "403 403 403 ok ok 403 login"),
    "requests/<int:pk>/done/": (ANY_ROLE_POST_ONLY, "403 403 403 ok ok 403 login"),
    "requests/<int:pk>/decline/": (ANY_ROLE_POST_ONLY, "403 403 403 ok ok 403 login"),
    "requests/<int:pk>/cancel/": (ANY_ROLE_POST_ONLY, "ok 403 403 403 ok 403 login"),
    # Confirming is for notes requests; the world's request is a correction (the sync verifies it).
    "requests/<int:pk>/confirm/": (ANY_ROLE_POST_ONLY, "403 403 403 403 403 403 login"),
    "requests/new/": ("ok ok 403 403 ok 403 login", GET_ONLY),  # CSMs (and admins) file requests
    "requests/new/correction/<int:org_pk>/": (OWNER, OWNER),
    "requests/new/correction/<int:org_pk>/preview/": (ANY_ROLE_POST_ONLY, OWNER),
    "requests/new/notes/<int:org_pk>/": (OWNER, OWNER),
    "requests/new/link/<int:org_pk>/": (ANY_ROLE_POST_ONLY, OWNER),
    "sync/": (READ, GET_ONLY),
    "sync/waiting/<slug:key>/": (READ, GET_ONLY),  # the records behind a "waiting for a link" count
    "connections/": ("403 403 403 403 ok 403 login", "403 403 403 403 ok 403 login"),  # admins
    "connections/check/": (POST_ONLY, "403 403 403 403 ok 403 login"),
    "sync/run/": (POST_ONLY, "403 403 403 ok ok 403 login"),
    "webhooks/zendesk/": (
        "405 405 405 405 405 405 405",
        "401 401 401 401 401 401 401",  # unsigned: refused whoever is logged in
    ),
    "webhooks/zendesk/<slug:instance>/": (  # each instance's, with its own secret
        "405 405 405 405 405 405 405",
        "401 401 401 401 401 401 401",
    ),
}


def post_data(route: str, world: World) -> dict[str, Any]:
    """Valid data for each POST, so an allowed persona's request does what it says and a refused
    one is refused for who they are, not for bad input."""
    import datetime as dt

    from feedback.rotation import current_week_start

    manager = world.users["manager"]
    data: dict[str, dict[str, Any]] = {
        "profile/": {"name": "Renamed", "time_zone": "Europe/Berlin"},
        "team/": {"email": "invited@example.com", "name": "Invited", "roles": ["CSM"]},
        "team/<int:pk>/roles/": {"role": "CSM", "change": "grant"},
        "team/<int:pk>/clearances/": {"instance": "usgov", "change": "grant"},
        "accounts/people-to-invite/": {"sf_user": world.extra["sf_user_to_invite_pk"]},
        "accounts/<int:pk>/checklists/start/": {"template": world.extra["older_template_pk"]},
        "accounts/<int:pk>/checklists/<int:checklist_pk>/steps/add/": {"title": "Call the customer"},
        "accounts/<int:pk>/steps/<int:step_pk>/complete/": {"evidence": "done in the call"},
        "accounts/<int:pk>/steps/<int:step_pk>/skip/": {"reason": "not needed"},
        "accounts/<int:pk>/steps/<int:step_pk>/assign/": {"owner": ""},
        "accounts/<int:pk>/steps/<int:step_pk>/move/": {"direction": "down"},
        "accounts/<int:pk>/steps/<int:step_pk>/email/": {
            "to": "buyer@acme.example",
            "subject": "Managing your support contacts",
            "body": "Hello",
        },
        "tickets/accounts/<int:account_pk>/education-email/": {
            "to": "robin@acme.example",
            "subject": "Tips",
            "body": "Hello",
        },
        "feedback/forward/": {
            "account": world.account.pk,
            "sentiment": "negative",
            "channel": "call",
            "customer_words": "Unhappy with the answer.",
        },
        "feedback/<int:pk>/triage/": {
            "triage-summary": "Slow",
            "triage-action": "Coach",
            "triage-contact_customer": "no",
            "triage-make_csm_aware": "yes",
        },
        "feedback/<int:pk>/action/": {"action-outcome": "Coached."},
        "feedback/<int:pk>/close/": {"close-outcome": "No action needed."},
        "feedback/<int:pk>/reopen/": {"reopen-reason": "Customer wrote again."},
        "feedback/<int:pk>/reassign/": {"reassign-manager": manager.pk},
        "feedback/<int:pk>/comment/": {"comment-body": "Any news?"},
        "feedback/rotation/": {"week_start": current_week_start().isoformat(), "manager": manager.pk},
        "feedback/rotation/take/": {"week_start": (current_week_start() + dt.timedelta(weeks=2)).isoformat()},
        "feedback/rotation/swap/": {
            "mine": current_week_start().isoformat(),
            "theirs": (current_week_start() + dt.timedelta(weeks=1)).isoformat(),
            "with_manager": manager.pk,
        },
        "notifications/<int:pk>/read/": {},
        "notifications/preferences/": {"delivery": "in_app"},
        "notifications/accounts/<int:account_pk>/watch/": {"action": "follow"},
        "requests/<int:pk>/comment/": {"text": "Any news?"},
        "requests/<int:pk>/done/": {"text": "Changed in Zendesk."},
        "requests/<int:pk>/decline/": {"text": "Not ours to change."},
        "requests/<int:pk>/cancel/": {"text": "Fixed it myself."},
        "requests/new/correction/<int:org_pk>/": {
            "am_project_id": "4242",
            "project_url": "https://gitlab.com/acme/collaboration",
        },
        "requests/new/correction/<int:org_pk>/preview/": {
            "am_project_id": "4242",
            "project_url": "https://gitlab.com/acme/collaboration",
        },
        "requests/new/notes/<int:org_pk>/": {"notes": "Escalations go to the platform team lead."},
        "sync/run/": {"stream": "zendesk.tickets"},
    }
    return data.get(route, {})
