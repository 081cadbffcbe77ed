"""The sensitive-information detector: finds secrets, masks them everywhere, leaves prose alone."""

import pytest

from tickets.review import Attachment, Check, Message, Outcome, TicketText, find_secrets, mask, review
from tickets.review.conversation import check_sensitive
from tickets.review.secrets import BULLETS, is_secret_file

PRIVATE_KEY = (
    "-----BEGIN OPENSSH PRIVATE KEY-----\n"
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
    "QyNTUxOQAAACBx5Yq0o0pvCq8vEJ6hQvR1f3x9nFZlJ7W2s1Y4a6mQ8wAAAJgJ0k3NCdJN\n"
    "-----END OPENSSH PRIVATE KEY-----"
)
SECRETS = [
    ("GitLab token", "glpat-9xY2kLmN4pQr7sTu1vWz"),
    ("GitLab token", "gldt-Ab3dEf6hIj9kLm2nOp5q"),
    ("GitLab runner registration token", "GR1348941zXyWvUtSrQpOnMlKjIhG"),
    ("GitHub token", "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"),
    ("GitHub token", "github_pat_11ABCDEFG0123456789_abcdefghijKLMNOP"),
    ("AWS access key", "AKIAIOSFODNN7EXAMPLE"),
    ("Slack token", "xoxb-123456789012-abcdefABCDEF"),
    (
        "JSON web token",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    ),
    ("private key", PRIVATE_KEY),
]


@pytest.mark.parametrize("kind,secret", SECRETS)
def test_it_finds_and_masks_known_token_formats(kind, secret):
    text = f"Here is what we use:\n{secret}\nthanks"
    hits = find_secrets(text)
    assert [h.kind for h in hits] == [kind]
    masked = mask(text)
    assert secret not in masked and BULLETS in masked
    assert masked.startswith("Here is what we use:") and masked.endswith("thanks")


@pytest.mark.parametrize(
    "text,secret",
    [
        ("password: Summer2024!", "Summer2024!"),
        ("The root password is Tr0ub4dor&3", "Tr0ub4dor&3"),
        ("gitlab_rails['db_password'] = 'pa55w0rd-prod'", "pa55w0rd-prod"),
        ("DB_PASSWORD=N0tS3cure", "N0tS3cure"),
        (
            "export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ),
        (
            "curl -H 'PRIVATE-TOKEN: 3x4mpl3t0k3nv4lu3xyz' https://git.example.com/api/v4/projects",
            "3x4mpl3t0k3nv4lu3xyz",
        ),
        ("Authorization: Bearer abcdef0123456789abcdef", "abcdef0123456789abcdef"),
        ("DATABASE_URL=postgres://gitlab:s3cr3t-Pa55@db.internal:5432/gitlabhq", "s3cr3t-Pa55"),
        ("Login for your engineer: admin / Welcome2025!", "Welcome2025!"),
        ("client_secret: 8f14e45fceea167a5a36dedd4bea2543", "8f14e45fceea167a5a36dedd4bea2543"),
    ],
)
def test_it_finds_and_masks_passwords_and_keys_in_configs_and_commands(text, secret):
    assert find_secrets(text), text
    masked = mask(text)
    assert secret not in masked
    # The harmless part of the line stays readable.
    assert masked.split(BULLETS)[0] == text[: text.index(secret)][: len(masked.split(BULLETS)[0])]


@pytest.mark.parametrize(
    "text",
    [
        "I reset my password yesterday but still can't log in.",
        "The password is incorrect according to the LDAP logs.",
        "password: ********",
        "password: <redacted>",
        "token: [REDACTED]",
        "My token is expired, how do I renew it?",
        "Set DB_PASSWORD=$DB_PASSWORD in the CI variables.",
        "Use a personal access token with the api scope (glpat-...).",
        "Our AWS account ID is 123456789012.",
        "The secret is in Vault under gitlab/ci.",
        "Pipelines pass: 3/10 today.",
        "See https://docs.gitlab.com/ee/user/profile/personal_access_tokens.html",
        "The runner authentication token starts with glrt- as documented.",
        "postgres://gitlab@db.internal/gitlabhq uses peer authentication",
    ],
)
def test_it_leaves_ordinary_prose_and_placeholders_alone(text):
    assert find_secrets(text) == []
    assert mask(text) == text


def test_it_masks_every_secret_in_a_text_and_keeps_the_prefix_only():
    text = "token glpat-9xY2kLmN4pQr7sTu1vWz and key AKIAIOSFODNN7EXAMPLE"
    assert mask(text) == f"token glpat-{BULLETS} and key AKIA{BULLETS}"


@pytest.mark.parametrize(
    "name",
    [
        "id_rsa",
        "keys/id_ed25519",
        "server.pem",
        "tls.key",
        ".env",
        ".env.production",
        "gitlab-secrets.json",
        "credentials.json",
    ],
)
def test_it_flags_attachments_that_usually_hold_keys(name):
    assert is_secret_file(name)
    result = check_sensitive(TicketText(description="see attached", first_attachments=(Attachment(name),)))
    assert result.outcome == Outcome.FLAGGED
    assert result.evidence[0]["attachment"] == name


@pytest.mark.parametrize("name", ["production.log", "keyboard.png", "env-setup.md", "monkey.txt"])
def test_ordinary_attachment_names_are_fine(name):
    assert not is_secret_file(name)


def test_the_finding_asks_to_rotate_and_never_shows_the_secret():
    secret = "glpat-9xY2kLmN4pQr7sTu1vWz"
    ticket = TicketText(
        subject="Clone fails",
        description=f"I tried with this token {secret} and it still fails",
        messages=(Message("Also our DB password: Winter2025#", by_agent=False),),
    )
    result = check_sensitive(ticket)
    assert result.outcome == Outcome.FLAGGED and result.points == 25
    assert "rotate" in result.message.lower() and "revoke" in result.prompt
    serialized = repr(result.as_dict())
    assert secret not in serialized and "Winter2025#" not in serialized
    assert f"glpat-{BULLETS}" in result.evidence[0]["quote"]
    assert {e["label"] for e in result.evidence} == {"GitLab token (description)", "password (comment 1)"}


def test_no_check_ever_quotes_a_secret():
    secret = "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    text = (
        f"Since Monday every clone fails with HTTP 403 when using {secret}. Expected: clone works. "
        "We upgraded the runner."
    )
    result = review(TicketText(description=text))
    assert secret not in repr(result.as_json())
    assert Check.SENSITIVE in result.gaps


def test_support_agents_text_is_masked_but_not_held_against_the_customer():
    ticket = TicketText(description="x", messages=(Message("Try with password: Example123!", by_agent=True),))
    assert check_sensitive(ticket).outcome == Outcome.CLEAR
