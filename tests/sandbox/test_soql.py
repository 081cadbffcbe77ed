"""The SOQL subset, without a server."""

import pytest

from sandbox.soql import SOQLError, parse
from sandbox.soqleval import predicate, resolve, sort_records

SCHEMAS = {
    "Account": {
        "Id": "id",
        "Name": "string",
        "Seats__c": "double",
        "SystemModstamp": "datetime",
        "Restricted_Account__c": "boolean",
        "Renewal_Date__c": "date",
        "CSM__c": "reference",
    },
}
ROWS = [
    {
        "Id": "0018d0000000001AAA",
        "Name": "beta",
        "Seats__c": 50.0,
        "SystemModstamp": 1_767_225_600,
        "Restricted_Account__c": False,
        "Renewal_Date__c": "2026-03-01",
        "CSM__c": None,
    },
    {
        "Id": "0018d0000000002AAA",
        "Name": "Alpha",
        "Seats__c": 10.0,
        "SystemModstamp": 1_767_225_700,
        "Restricted_Account__c": True,
        "Renewal_Date__c": "2026-01-15",
        "CSM__c": "0058d0000000001AAA",
    },
    {
        "Id": "0018d0000000003AAA",
        "Name": "gamma",
        "Seats__c": None,
        "SystemModstamp": 1_767_225_500,
        "Restricted_Account__c": False,
        "Renewal_Date__c": None,
        "CSM__c": "0058d0000000002AAA",
    },
]


def run(text: str) -> list[str]:
    query = parse(text)
    _, schema = resolve(query, SCHEMAS)
    rows = [r for r in ROWS if predicate(query, schema)(r)]
    rows = sort_records(rows, query, schema)
    return [r["Name"] for r in rows][: query.limit]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("SELECT Id FROM Account WHERE Seats__c >= 10 ORDER BY Name", ["Alpha", "beta"]),
        ("select id from account where name = 'ALPHA'", ["Alpha"]),
        (
            "SELECT Id FROM Account WHERE SystemModstamp > 2026-01-01T00:00:00Z ORDER BY SystemModstamp DESC",
            ["Alpha"],
        ),
        (
            "SELECT Id FROM Account WHERE SystemModstamp >= 2026-01-01T01:00:00+01:00 ORDER BY Name",
            ["Alpha", "beta"],
        ),
        ("SELECT Id FROM Account WHERE SystemModstamp < 2026-01-01T00:00:00.000Z", ["gamma"]),
        ("SELECT Id FROM Account WHERE CSM__c = null", ["beta"]),
        ("SELECT Id FROM Account WHERE CSM__c != null ORDER BY Name DESC", ["gamma", "Alpha"]),
        (
            "SELECT Id FROM Account WHERE Id IN ('0018d0000000001', '0018d0000000003AAA') ORDER BY Name",
            ["beta", "gamma"],
        ),
        ("SELECT Id FROM Account WHERE Name NOT IN ('beta') ORDER BY Name", ["Alpha", "gamma"]),
        ("SELECT Id FROM Account WHERE Restricted_Account__c = true", ["Alpha"]),
        ("SELECT Id FROM Account WHERE Renewal_Date__c < 2026-02-01", ["Alpha"]),
        ("SELECT Id FROM Account WHERE Name LIKE '%a' AND Seats__c > 1 ORDER BY Name", ["Alpha", "beta"]),
        ("SELECT Id FROM Account ORDER BY Seats__c ASC NULLS LAST, Name LIMIT 2", ["Alpha", "beta"]),
        ("SELECT Id FROM Account ORDER BY Seats__c", ["gamma", "Alpha", "beta"]),
        ("SELECT Id FROM Account WHERE Name != 'x' ORDER BY Name LIMIT 1", ["Alpha"]),
    ],
)
def test_supported_shapes(text, names):
    assert run(text) == names


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("SELECT FROM Account", "MALFORMED_QUERY"),
        ("SELECT Id Account", "MALFORMED_QUERY"),
        ("SELECT Id FROM Account WHERE", "MALFORMED_QUERY"),
        ("SELECT Id FROM Account WHERE Name = 'a' OR Name = 'b'", "MALFORMED_QUERY"),
        ("SELECT Id FROM Account WHERE NOT Name = 'a'", "MALFORMED_QUERY"),
        ("SELECT Id FROM Account GROUP BY Name", "MALFORMED_QUERY"),
        ("SELECT Id FROM Account LIMIT -1", "MALFORMED_QUERY"),
        ("SELECT Id, (SELECT Id FROM Contacts) FROM Account", "MALFORMED_QUERY"),
        ("SELECT Id FROM Account WHERE Name = 'unterminated", "MALFORMED_QUERY"),
        ("SELECT Id FROM Account WHERE Seats__c > 'ten'", "INVALID_FIELD"),
        ("SELECT Id FROM Account WHERE Name > 5", "INVALID_FIELD"),
        ("SELECT Id FROM Account WHERE Seats__c LIKE '1%'", "INVALID_FIELD"),
        ("SELECT Bogus FROM Account", "INVALID_FIELD"),
        ("SELECT Id FROM Account ORDER BY Bogus", "INVALID_FIELD"),
        ("SELECT Id FROM Lead", "INVALID_TYPE"),
    ],
)
def test_everything_else_is_an_error(text, code):
    with pytest.raises(SOQLError) as failure:
        run(text)
    assert failure.value.code == code
    assert "ERROR at Row:1:Column:" in failure.value.message
