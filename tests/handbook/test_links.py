"""The handbook links come from one table, on the configured handbook host, overridable one by one."""

import json
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from csmportal.handbook import HANDBOOK_LINKS, handbook_links, resolve_links

pytestmark = pytest.mark.django_db


def test_it_resolves_every_link_to_an_absolute_url():
    links = handbook_links()
    assert set(links) == set(HANDBOOK_LINKS)
    assert all(url.startswith("https://") for url in links.values())
    assert links["support_handbook"] == "https://about.gitlab.com/handbook/support/"
    assert links["status"] == "https://status.gitlab.com/"


def test_it_moves_the_handbook_to_another_host_and_overrides_single_links(csm_client, settings):
    settings.HANDBOOK_BASE_URL = "https://handbook.example.com/"
    settings.HANDBOOK_LINKS = {"escalations": "https://wiki.example.com/escalations"}
    page = csm_client.get("/tickets/").content.decode()
    assert 'data-handbook="support_handbook" href="https://handbook.example.com/handbook/support/"' in page
    assert 'data-handbook="escalations" href="https://wiki.example.com/escalations"' in page
    assert 'data-handbook="status" href="https://status.gitlab.com/"' in page  # another host: as it is
    assert "about.gitlab.com/handbook" not in page


@pytest.mark.parametrize(
    "base,overrides,message",
    [
        ("/handbook", {}, "HANDBOOK_BASE_URL"),
        ("https://about.gitlab.com", {"nope": "https://x.example"}, "unknown links: nope"),
        ("https://about.gitlab.com", {"sla": "/support/"}, "HANDBOOK_LINKS['sla']"),
        ("https://about.gitlab.com", {"sla": "javascript:alert(1)"}, "HANDBOOK_LINKS['sla']"),
    ],
)
def test_it_refuses_a_link_that_is_not_absolute_or_not_in_the_table(base, overrides, message):
    with pytest.raises(ImproperlyConfigured, match=message.replace("[", r"\[").replace("(", r"\(")):
        resolve_links(base, overrides)


def test_the_portal_refuses_to_start_with_a_bad_override(tmp_path):
    env = {
        "HANDBOOK_LINKS": json.dumps({"sla": "/relative"}),
        "DEBUG": "true",
        "VAR_DIR": str(tmp_path),
        "PATH": "/usr/bin:/bin",
    }
    command = [sys.executable, "-c", "import csmportal.settings"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert result.returncode != 0 and "HANDBOOK_LINKS['sla'] must be an absolute" in result.stderr
