"""Data problems between an account (Salesforce) and its Zendesk organization.

The same rules exist twice on purpose: as SQL annotations (the portfolio filters and flags every
row in one query) and in Python (the account page explains each finding). Tests hold them equal.
"""

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Lower, Trim

from .models import Account, Organization, Region, SalesforceUser


class Problem(models.TextChoices):
    NO_ORG = "no_org", "No Zendesk org"
    SF_ID = "sf_id", "Salesforce ID elsewhere"
    CSM = "csm", "CSM differs"
    REGION = "region", "Region differs"
    PLAN = "plan", "Support level differs"
    CSM_LOGIN = "csm_login", "CSM has no portal login"


# Zendesk's org_region values (and the ticket field's spellings) -> the account's Region.
REGION_ALIASES: dict[str, str] = {
    "amer": Region.AMER,
    "americas": Region.AMER,
    "americas usa": Region.AMER,
    "americas_usa": Region.AMER,
    "na": Region.AMER,
    "emea": Region.EMEA,
    "europe middle east africa": Region.EMEA,
    "europe_middle_east_africa": Region.EMEA,
    "europe, middle east, africa": Region.EMEA,
    "apac": Region.APAC,
    "asia pacific": Region.APAC,
    "asia_pacific": Region.APAC,
}


def normalize_region(value: str) -> str:
    """The Region an org_region value means, or "?" when it means none of them."""
    return REGION_ALIASES.get((value or "").strip().lower(), "?")


def _norm(value: str | None) -> str:
    return (value or "").strip().lower()


# -- SQL ---------------------------------------------------------------------------------------


def _region_expr() -> Case:
    whens = [
        When(org_region_key__in=[k for k, v in REGION_ALIASES.items() if v == region], then=Value(region))
        for region in Region.values
    ]
    return Case(*whens, default=Value("?"), output_field=models.CharField())


def problem_annotations(user: Any = None) -> dict[str, Any]:
    """Boolean annotations `p_<code>` for Account querysets, plus `has_problem`, from the
    organizations `user` may see (docs/instances.md, Access; no one given: those of the
    instances that are not restricted)."""
    linked = Organization.objects.live().visible_to(user).filter(account=OuterRef("pk"))
    sf_csm_name = SalesforceUser.objects.filter(sf_id=OuterRef(OuterRef("csm_sf_user_id"))).values("name")[:1]
    annotations: dict[str, Any] = {
        "p_no_org": ~Exists(linked),
        "p_sf_id": Exists(
            Organization.objects.live()
            .visible_to(user)
            .annotate(name_key=Lower("name"))
            .filter(name_key=Lower(OuterRef("name")))
            .filter(Q(account__isnull=True) | ~Q(account=OuterRef("pk")))
        )
        | Exists(linked.exclude(salesforce_id=OuterRef("sf_id"))),
        "p_csm": Exists(
            linked.exclude(technical_account_manager="")
            .annotate(
                tam_key=Lower(Trim("technical_account_manager")),
                csm_key=Lower(Trim(Coalesce(Subquery(sf_csm_name), OuterRef("csm__name"), Value("")))),
            )
            .exclude(tam_key=F("csm_key"))
        ),
        "p_region": Exists(
            linked.exclude(org_region="")
            .annotate(org_region_key=Lower(Trim("org_region")))
            .annotate(org_region_norm=_region_expr())
            .exclude(org_region_norm=OuterRef("region"))
        )
        & ~Q(region=""),
        "p_plan": Exists(
            linked.exclude(support_level="")
            .annotate(level_key=Lower(Trim("support_level")))
            .exclude(level_key=OuterRef("support_level"))
        )
        & ~Q(support_level=""),
        "p_csm_login": ~Q(csm_sf_user_id="") & Q(csm__isnull=True),
    }
    return annotations


def problem_filter(code: str) -> Q:
    """Rows with one problem (by code), with any problem ("any"), or with none ("none")."""
    if code in ("any", "none"):
        any_problem = Q()
        for value in Problem.values:
            any_problem |= Q(**{f"p_{value}": True})
        return any_problem if code == "any" else ~any_problem
    return Q(**{f"p_{code}": True})


def problems_of(row: Any) -> list[str]:
    """The problem codes flagged on an annotated Account row."""
    return [code for code in Problem.values if getattr(row, f"p_{code}", False)]


# -- Python ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    code: str
    level: str  # badge class: "bad" | "warn"
    message: str
    org_id: int | None = None  # the organization concerned, if any

    @property
    def label(self) -> str:
        return Problem(self.code).label


def csm_name_for(account: Account, sf_csm: SalesforceUser | None) -> str:
    if sf_csm is not None:
        return sf_csm.name
    return account.csm.name if account.csm_id and account.csm else ""


def org_mismatches(account: Account, org: Organization, csm_name: str) -> set[str]:
    """Fields of a linked org that disagree with the account: sf_id, csm, region, plan."""
    fields: set[str] = set()
    if org.salesforce_id != account.sf_id:
        fields.add("sf_id")
    if org.technical_account_manager.strip() and _norm(org.technical_account_manager) != _norm(csm_name):
        fields.add("csm")
    if account.region and org.org_region.strip() and normalize_region(org.org_region) != account.region:
        fields.add("region")
    if (
        account.support_level
        and org.support_level.strip()
        and _norm(org.support_level) != account.support_level
    ):
        fields.add("plan")
    return fields


def account_findings(
    account: Account,
    orgs: list[Organization],
    same_name_elsewhere: list[Organization],
    sf_csm: SalesforceUser | None,
) -> list[Finding]:
    """Every data problem of the account, each with a sentence that says what to fix."""
    findings: list[Finding] = []
    csm_name = csm_name_for(account, sf_csm)
    if not orgs:
        findings.append(
            Finding(
                Problem.NO_ORG,
                "bad",
                "No Zendesk organization carries this account's Salesforce ID, so tickets from its people "
                "are not matched to the account or its support level.",
            )
        )
    for org in same_name_elsewhere:
        where = (
            f"points to another account ({org.account.name})"
            if org.account_id and org.account
            else f"points to no account ({org.salesforce_id or 'empty'})"
        )
        findings.append(
            Finding(
                Problem.SF_ID,
                "bad",
                f"Zendesk organization “{org.name}” ({org.zd_id}) has this account's name, but its "
                f"salesforce_id {where}.",
                org.zd_id,
            )
        )
    for org in orgs:
        mismatches = org_mismatches(account, org, csm_name)
        if "sf_id" in mismatches:
            findings.append(
                Finding(
                    Problem.SF_ID,
                    "warn",
                    f"“{org.name}” has salesforce_id “{org.salesforce_id}”, not the account's 18-character "
                    f"ID {account.sf_id}.",
                    org.zd_id,
                )
            )
        if "csm" in mismatches:
            findings.append(
                Finding(
                    Problem.CSM,
                    "warn",
                    f"Zendesk names “{org.technical_account_manager}” as the CSM of “{org.name}”; Salesforce "
                    f"says {csm_name or 'nobody'}.",
                    org.zd_id,
                )
            )
        if "region" in mismatches:
            findings.append(
                Finding(
                    Problem.REGION,
                    "warn",
                    f"“{org.name}” has region “{org.org_region}” in Zendesk; Salesforce says "
                    f"{account.get_region_display()}.",
                    org.zd_id,
                )
            )
        if "plan" in mismatches:
            findings.append(
                Finding(
                    Problem.PLAN,
                    "warn",
                    f"“{org.name}” has support level “{org.support_level}” in Zendesk; Salesforce says "
                    f"{account.get_support_level_display()}.",
                    org.zd_id,
                )
            )
    if account.csm_sf_user_id and not account.csm_id:
        who = sf_csm.name if sf_csm else account.csm_sf_user_id
        findings.append(
            Finding(
                Problem.CSM_LOGIN,
                "warn",
                f"The CSM in Salesforce ({who}) has no portal login with the same confirmed email, so "
                "nobody here is notified about this account.",
            )
        )
    return findings
