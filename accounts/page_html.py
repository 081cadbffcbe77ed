"""The account page's Zendesk organization cards, written in Python as `detail.html` wrote them
(a card per linked organization, about thirty template lookups each; every text escaped)."""

from typing import Any

from django.utils.safestring import SafeString, mark_safe

from csmportal.fast_html import escape


def _or_dash(value: Any) -> str:
    """`{{ value|default:"—" }}`."""
    return escape(value) if value else "—"


def org_cards(orgs: list[dict[str, Any]], mapped: Any) -> SafeString:
    """Each organization's card (`orgs`: the page's rows of org, zendesk_url, instance,
    project_url, mismatches, unconfirmed; `mapped`: which source fields are mapped)."""
    fields = (mapped or {}).get("organization") or {}
    many = len(orgs) > 1
    cards = []
    for counter, row in enumerate(orgs, start=1):
        org, mismatches = row["org"], row["mismatches"]
        instance = f" {escape(row['instance'])}" if row["instance"] else ""
        zd_id = escape(org.zd_id)
        count = f' <span class="small muted">({counter} of {len(orgs)})</span>' if many else ""
        claims = (
            ' <a class="badge warn" href="#claims">claims this account, not confirmed</a>'
            if row["unconfirmed"]
            else ""
        )
        sf_class = " acc-mismatch" if "sf_id" in mismatches else ""
        cmp = escape(org.cmp_id) if org.cmp_id else "none"
        lines = [
            f'\n  <section class="card" aria-label="Zendesk{instance} organization {zd_id}">',
            f"    <h2>Zendesk{instance}{count}</h2>",
            '    <dl class="fields">',
            f'      <dt>Organization</dt><dd><a href="{escape(row["zendesk_url"])}" target="_blank" '
            f'rel="noopener">{escape(org.name)}</a> <span class="muted mono">{zd_id}</span>{claims}</dd>',
            f'      <dt>salesforce_id</dt><dd class="mono{sf_class}">{_or_dash(org.salesforce_id)}</dd>',
            _mapped(fields, "support_level", "Support level", "plan" in mismatches, org.support_level),
            _mapped(fields, "org_region", "Region", "region" in mismatches, org.org_region),
            _mapped(
                fields,
                "technical_account_manager",
                "CSM (TAM field)",
                "csm" in mismatches,
                org.technical_account_manager,
            ),
            f"      <dt>Collaboration project ID</dt><dd>{_project(row, org)}</dd>",
            "      " + (f"<dt>Contact management project</dt><dd>{cmp}</dd>" if fields.get("cmp_id") else ""),
            f"      <dt>Domains</dt><dd>{', '.join(escape(d) for d in org.domain_names) or '—'}</dd>",
            "      <dt>Notes</dt><dd>"
            + (
                f'<span class="acc-prewrap">{escape(org.notes)}</span>'
                if org.notes
                else '<span class="muted">none</span>'
            )
            + "</dd>",
            "    </dl>",
            "  </section>\n  ",
        ]
        cards.append("\n".join(lines))
    return mark_safe("".join(cards))  # noqa: S308 (every value above is escaped)


def _mapped(fields: dict[str, Any], name: str, label: str, mismatch: bool, value: Any) -> str:
    if not fields.get(name):
        return "      "
    css = ' class="acc-mismatch"' if mismatch else ""
    return f"      <dt>{label}</dt><dd{css}>{_or_dash(value)}</dd>"


def _project(row: dict[str, Any], org: Any) -> str:
    if row["project_url"]:
        return (
            f'<a href="{escape(row["project_url"])}" target="_blank" rel="noopener" class="mono">'
            f"{escape(org.am_project_id)}</a>"
        )
    if org.am_project_id:
        return (
            f'<span class="acc-mismatch">{escape(org.am_project_id)}</span> '
            '<span class="badge warn">not a project ID</span>'
        )
    return '<span class="badge warn">missing</span>'
