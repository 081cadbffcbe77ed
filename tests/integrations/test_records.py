"""Source JSON -> typed records: the mapping rules, without HTTP or a database."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from integrations import salesforce_records as sf
from integrations import zendesk_records as zd

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
REGION_FIELD = 360_004_241_911


def ticket(**overrides):
    data = {
        "id": 42,
        "subject": "Pipelines stuck",
        "description": "Since the upgrade every pipeline waits.",
        "status": "open",
        "priority": "high",
        "type": "incident",
        "requester_id": 7,
        "organization_id": 9,
        "tags": ["ci", "priority"],
        "via": {"channel": "web"},
        "created_at": "2026-02-27T10:00:00Z",
        "updated_at": "2026-02-28T11:30:00Z",
        "generated_timestamp": 1772278200,
        "custom_fields": [{"id": 1, "value": "x"}, {"id": REGION_FIELD, "value": "asia_pacific"}],
    }
    data.update(overrides)
    return data


def test_it_maps_a_ticket_with_utc_aware_times_and_the_region_found_by_field_id():
    record = zd.parse_ticket(ticket(), region_field_id=REGION_FIELD, now=NOW)
    assert record.zd_id == 42 and record.zd_organization_id == 9 and record.zd_requester_id == 7
    assert record.preferred_region == "asia_pacific"
    assert record.zd_created_at == datetime(2026, 2, 27, 10, tzinfo=UTC)
    assert record.zd_updated_at.tzinfo is not None
    assert record.generated_timestamp == 1772278200
    assert record.tags == ["ci", "priority"] and record.via_channel == "web"
    assert record.ticket_type == "incident" and record.priority == "high"


def test_it_ignores_the_region_when_the_field_is_unknown_and_maps_option_names():
    assert zd.parse_ticket(ticket(), region_field_id=None, now=NOW).preferred_region == ""
    named = ticket(custom_fields=[{"id": REGION_FIELD, "value": "Europe Middle East Africa"}])
    assert zd.parse_ticket(named, region_field_id=REGION_FIELD, now=NOW).preferred_region == (
        "europe_middle_east_africa"
    )
    odd = ticket(custom_fields=[{"id": REGION_FIELD, "value": "mars"}])
    assert zd.parse_ticket(odd, region_field_id=REGION_FIELD, now=NOW).preferred_region == ""


def test_it_keeps_deleted_tickets_as_deleted_and_blank_priorities_blank():
    record = zd.parse_ticket(
        ticket(status="deleted", priority=None, type=None), region_field_id=None, now=NOW
    )
    assert record.status == "deleted" and record.priority == "" and record.ticket_type == ""


def test_it_reads_the_first_reply_sla_state():
    def sla(metrics):
        return zd.parse_ticket(ticket(slas={"policy_metrics": metrics}), region_field_id=None, now=NOW)

    due = sla([{"metric": "first_reply_time", "stage": "active", "breach_at": "2026-03-01T14:00:00Z"}])
    assert due.sla_state == "due" and due.first_reply_due_at == NOW + timedelta(hours=2)
    late = sla([{"metric": "first_reply_time", "stage": "active", "breach_at": "2026-03-01T11:00:00Z"}])
    assert late.sla_state == "breached"
    met = sla([{"metric": "first_reply_time", "stage": "achieved", "breach_at": None}])
    assert met.sla_state == "met" and met.first_reply_due_at is None
    other = sla([{"metric": "next_reply_time", "stage": "active", "breach_at": "2026-03-01T14:00:00Z"}])
    assert other.sla_state == "" and other.first_reply_due_at is None
    assert zd.parse_ticket(ticket(), region_field_id=None, now=NOW).sla_state == ""


def test_it_takes_comments_with_attachment_metadata_from_ticket_events():
    events = [
        {
            "ticket_id": 42,
            "created_at": "2026-02-27T10:00:00Z",
            "updater_id": 7,
            "child_events": [
                {
                    "id": 1001,
                    "event_type": "Comment",
                    "author_id": 7,
                    "body": "Logs attached",
                    "public": True,
                    "created_at": "2026-02-27T10:00:00Z",
                    "attachments": [
                        {
                            "id": 5,
                            "file_name": "job.log",
                            "content_type": "text/plain",
                            "size": 2048,
                            "content_url": "https://example.zendesk.com/attachments/token/abc/?name=job.log",
                            "thumbnails": [],
                        }
                    ],
                },
                {"id": 1002, "event_type": "Create", "status": "new"},
            ],
        },
        {"ticket_id": 42, "created_at": "2026-02-28T10:00:00Z", "child_events": [{"event_type": "Change"}]},
    ]
    comments, skipped = zd.parse_comment_events(events)
    assert skipped == 1
    [comment] = comments
    assert (comment.zd_id, comment.zd_ticket_id, comment.zd_author_id) == (1001, 42, 7)
    assert comment.attachments == [
        {
            "id": 5,
            "file_name": "job.log",
            "content_type": "text/plain",
            "size": 2048,
            "content_url": "https://example.zendesk.com/attachments/token/abc/?name=job.log",
        }
    ]


def test_it_maps_organization_fields_and_keeps_odd_values_as_they_are():
    org = zd.parse_organization(
        {
            "id": 3,
            "name": "Acme",
            "domain_names": ["acme.io"],
            "updated_at": "2026-01-02T00:00:00Z",
            "organization_fields": {
                "salesforce_id": " 0018d0000000001AAA ",
                "am_project_id": "TBD",
                "cmp_id": None,
            },
        }
    )
    assert org.salesforce_id == "0018d0000000001AAA"
    assert org.am_project_id == "TBD" and org.cmp_id == ""


def test_it_maps_salesforce_accounts_to_the_portals_values():
    account = sf.parse_account(
        {
            "Id": "0018d0000000001AAA",
            "Name": "Acme",
            "Support_Level__c": "Priority",
            "Region__c": "emea",
            "Seats__c": 120.0,
            "ARR__c": 1234.567,
            "Renewal_Date__c": "2026-05-01",
            "Health_Score__c": "Yellow",
            "Restricted_Account__c": True,
            "CSM__c": "0058d0000000001AAA",
            "SystemModstamp": "2026-01-31T12:34:56.000+0000",
        }
    )
    assert (account.support_level, account.region, account.health) == ("priority", "EMEA", "yellow")
    assert account.seats == 120 and account.arr == Decimal("1234.57")
    assert account.renewal_date == date(2026, 5, 1)
    assert account.sf_modstamp == datetime(2026, 1, 31, 12, 34, 56, tzinfo=UTC)


def test_it_reads_the_zendesk_ticket_id_of_a_case():
    case = sf.parse_case({"Id": "5008d0000000001AAA", "Zendesk_Ticket_ID__c": 42.0})
    assert case.zd_ticket_id == 42
    assert sf.parse_case({"Id": "5008d0000000001AAA", "Zendesk_Ticket_ID__c": None}).zd_ticket_id is None


def test_it_asks_salesforce_for_changes_since_a_time_oldest_first():
    query = sf.soql("Account", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert query.startswith("SELECT Id, Name, ")
    assert query.endswith(
        "FROM Account WHERE SystemModstamp >= 2026-01-02T03:04:05Z ORDER BY SystemModstamp ASC, Id ASC"
    )
    assert "WHERE" not in sf.soql("Case", None)


def test_a_schedule_maps_zendesks_time_zone_names_and_keeps_its_holidays():
    record = zd.parse_schedule(
        {
            "id": 7,
            "name": "Americas Schedule",
            "time_zone": "Central Time (US & Canada)",
            "intervals": [
                {"start_time": 3300, "end_time": 4020},
                {"start_time": 1860, "end_time": 2580},
                {"start_time": "x", "end_time": 10},  # unreadable: dropped
            ],
            "updated_at": "2026-01-02T03:04:05Z",
        },
        [
            {"id": 2, "name": "Christmas", "start_date": "2026-12-25", "end_date": "2026-12-26"},
            {"id": 1, "name": "Independence Day", "start_date": "2026-07-04", "end_date": None},
            {"id": 3, "name": "Broken", "start_date": "someday"},
        ],
    )
    assert record.tz_name == "America/Chicago"
    assert record.intervals == [[1860, 2580], [3300, 4020]]
    assert [(h["name"], h["start_date"], h["end_date"]) for h in record.holidays] == [
        ("Independence Day", "2026-07-04", "2026-07-04"),
        ("Christmas", "2026-12-25", "2026-12-26"),
    ]


def test_a_schedules_time_zone_is_mapped_or_left_empty():
    from integrations.zendesk_timezones import RAILS_TO_IANA, iana_zone

    assert iana_zone("London") == "Europe/London"
    assert iana_zone("Pacific Time (US & Canada)") == "America/Los_Angeles"
    assert iana_zone("London", tzinfo="Europe/Dublin") == "Europe/Dublin"  # the payload's own wins
    assert iana_zone("Europe/Berlin") == "Europe/Berlin"  # already IANA
    assert iana_zone("Atlantis") == "" and iana_zone("../../etc/passwd") == ""
    assert all(iana_zone(name) == zone for name, zone in RAILS_TO_IANA.items())  # every zone exists here
