"""Checks on the content of the first submission: detail, summary, steps, current and expected
behaviour, recent changes. Each reads the masked description and quotes what it found."""

from __future__ import annotations

import re

from .base import REVIEW_LIMIT, TOO_LONG, Result, TicketText, positive
from .checks import Check
from .text import compile_all, first_match, heading, list_items, quote, words

_DAYS = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_CHANGE_VERBS = (
    r"(?:changed|upgraded|updated|migrated|moved|switched|replaced|rotated|installed|enabled|disabled|"
    r"added|removed|deployed|renewed|reconfigured|patched|rolled\s++out|rolled\s++back|downgraded|"
    r"restored|resized|scaled|introduced|bumped|turned\s++(?:on|off))"
)


def _evidence(text: str, match: re.Match[str], label: str = "") -> dict[str, str]:
    item = {"quote": quote(text, match.start(), match.end())}
    if label:
        item["label"] = label
    return item


# -- Detailed first submission -------------------------------------------------------------

DETAIL_WORDS = 40


def check_detail(t: TicketText) -> Result:
    count = len(words(t.first))
    if t.first_cut:
        result = positive(Check.DETAIL, 10, f"The first submission has over {count} words of detail.")
        result.note = (
            f"{TOO_LONG}: the checks read its first {REVIEW_LIMIT // 1024} KB of "
            f"{len(t.description) // 1024} KB (secrets are found and masked in all of it). "
            "Long logs are easier to read as attached files."
        )
        return result
    if count >= DETAIL_WORDS:
        return positive(Check.DETAIL, 10, f"The first submission has {count} words of detail.")
    evidence = [{"quote": quote(t.first, 0, 0)}] if t.first.strip() else []
    if count >= DETAIL_WORDS // 2:
        return positive(
            Check.DETAIL,
            5,
            f"The first submission is short ({count} words): key details are likely missing.",
            evidence,
        )
    what = f"only {count} word{'s' if count != 1 else ''}" if count else "empty"
    return positive(Check.DETAIL, 0, f"The first submission is {what}.", evidence)


# -- Summary: when it started, how often, impact ---------------------------------------------

START = compile_all(
    (
        rf"\bsince\s++(?:this|last|yesterday|today|early|late|about|around|approximately|roughly|"
        rf"v?\d|{_DAYS}|{_MONTHS}\b|the\s++(?:upgrade|update|migration|release|deploy\w*|weekend|morning|"
        rf"maintenance|change|patch|move|switch|outage|incident|\w+\s++(?:upgrade|update|release))|"
        rf"we\s++{_CHANGE_VERBS}|upgrading|updating|migrating)",
        r"\b(?:started|starting|began|begun|beginning|first\s++(?:noticed|seen|saw|observed|appeared|"
        r"occurred|reported|happened)|(?:we|i)\s++noticed|appeared|showed\s++up|kicked\s++in)\b",
        r"\b(?:\d+|a\s++few|several|a\s++couple(?:\s++of)?)\s++(?:minutes?|hours?|days?|weeks?|months?)\s++ago\b",
        rf"\b(?:this\s++(?:morning|afternoon|evening|week)|yesterday|last\s++(?:night|week|month|{_DAYS})|"
        r"earlier\s++today|today\s++at|overnight)\b",
        rf"\b(?:on|at|from)\s++(?:\d{{4}}-\d{{2}}-\d{{2}}|{_DAYS}|{_MONTHS}\s++\d{{1,2}}|\d{{1,2}}\s++{_MONTHS})\b",
        r"\bas\s++of\s++(?:today|yesterday|this|last|\d)",
        r"\b(?:at|around|about|from|since|after|before)\s++(?:around\s++|about\s++|roughly\s++)?\d{1,2}(?:[:.]\d{2})?\s*+"
        r"(?:am|pm|utc|gmt|cet|cest|est|edt|cst|cdt|pst|pdt|ist|jst|aest|aedt|sgt|z|h)\b",
        r"\bafter\s++(?:the\s++|our\s++|we\s++)?(?:upgrad|updat|migrat|deploy|install|switch|mov)\w*",
    )
)
FREQUENCY = compile_all(
    (
        r"\b(?:nightly|daily|hourly|weekly)\b",
        r"\b\d+\s++(?:times\s++)?(?:a|an|per)\s++(?:day|hour|minute|week|month|night)\b",
        r"\b(?:every|each)\s++(?:single\s++|such\s++|\w+ly\s++|other\s++)?(?:time|run|build|job|pipeline|push|request|"
        r"mr|merge\s++request|clone|login|backup|sync|upload|release|query|page\s++load|deploy\w*|"
        r"day|night|morning|hour|minute|attempt|try|commit|merge|user|\d+\s++(?:minutes?|hours?|seconds?|days?)|"
        r"few\s++(?:minutes|hours|days|runs))\b",
        r"\b(?:always|consistently|constantly|continuously|intermittent(?:ly)?|sporadic(?:ally)?|"
        r"occasional(?:ly)?|sometimes|randomly|rarely|frequently|regularly|periodically|repeatedly|"
        r"flaky|flakiness|all\s++the\s++time|now\s++and\s++then|from\s++time\s++to\s++time|on\s++and\s++off|"
        r"reproducibl[ey]|reliably|100%\s++of)\b",
        r"\b(?:once|twice|\d+\s++times?|a\s++few\s++times|several\s++times|multiple\s++times|many\s++times)\s++"
        r"(?:a|an|per|every|each|today|this|since|in\s++the\s++last|over\s++the)\b",
        r"\b\d+(?:\.\d+)?\s*+%\s++(?:of|failure|error|fail)",
        r"\b\d+\s++(?:in|out\s++of)\s++(?:every\s++)?\d+\b",
        r"\b(?:only\s++once|one[- ]off|a\s++single\s++time|happened\s++once|just\s++once|"
        r"never\s++(?:works|succeeds))\b",
        rf"\b(?:every|each)\s++{_DAYS}\b",
    )
)
IMPACT = compile_all(
    (
        r"\bblock(?:s|ed|ing|er|ers)?\b",
        r"\b(?:impact(?:s|ed|ing)?|affect(?:s|ed|ing))\b",
        r"\b(?:outage|downtime|(?:is|are|went|was|were)\s++down|production\s++(?:is\s++)?(?:down|broken|impacted|"
        r"affected|outage))\b",
        r"\b(?:cannot|can't|can\s*+not|unable\s++to|not\s++able\s++to|no\s++one\s++can|nobody\s++can)\s++"
        r"(?:deploy|release|merge|ship|work|log\s*+in|login|sign\s++in|access|push|build|onboard|use|run|commit|"
        r"clone|pull|review|test|upgrade|finish|continue)\b",
        r"(?<![\w,])\d[\d,]*+\s++(?:users|developers|engineers|devs|teams|people|employees|customers|projects|"
        r"pipelines|runners|seats|repositories|repos|services|squads|members)\b",
        r"\b(?:all|most|many|several|half\s++of|every\s++one\s++of)\s++(?:of\s++)?(?:our|the)?\s*+(?:users|"
        r"developers|engineers|teams|people|employees|customers|projects|pipelines|runners|staff)\b",
        r"\b(?:critical|severity|sev[- ]?\d|business[- ]critical|revenue|deadline|go[- ]live|halted|"
        r"slow(?:s|ed|ing)?\s++(?:us|down|the\s++team)|degraded|workaround|nuisance|not\s++urgent|low\s++impact|"
        r"high\s++impact|minor|cosmetic|productivity|whole\s++(?:team|company|org\w*)|at\s++risk|"
        r"release\s++(?:is|planned|scheduled|date)|audit|compliance|sla\b|quota|storage\s++limit|costs?|billing|"
        r"budget|overage|data\s++loss|security\s++risk)",
    )
)
_FACETS = (
    ("start", "when it started", START, 7),
    ("frequency", "how often", FREQUENCY, 6),
    ("impact", "impact", IMPACT, 7),
)


def check_summary(t: TicketText) -> Result:
    text = t.first
    evidence, found, missing, earned = [], [], [], 0
    for key, label, patterns, points in _FACETS:
        match = first_match(patterns, text)
        if match:
            earned += points
            found.append(label)
            evidence.append(_evidence(text, match, key))
        else:
            missing.append(label)
    if not missing:
        message = "The summary says when it started, how often it happens and what the impact is."
    elif not found:
        message = "No summary: nothing says when it started, how often it happens or what the impact is."
    else:
        message = f"The summary covers {' and '.join(found)}, but not {' or '.join(missing)}."
    return positive(Check.SUMMARY, earned, message, evidence)


# -- Steps to reproduce ----------------------------------------------------------------------

STEPS_HEADING = heading(
    r"steps?(?:\s++to\s++(?:reproduce|recreate|replicate|repro))?|how\s++to\s++(?:reproduce|recreate|replicate)|"
    r"(?:reproduction|repro)(?:\s++steps)?|to\s++(?:reproduce|recreate|replicate)|reproduc(?:tion|e|ing)"
)
STEPS_INLINE = compile_all(
    (
        r"\bsteps\s++to\s++(?:reproduce|recreate|replicate)\b",
        r"\b(?:steps|repro(?:duction)?(?:\s++steps)?)\s*+:\s*+\S",
        r"\b(?:you|one|we|i)\s++can\s++(?:reproduce|recreate|replicate|trigger)\s++(?:it|this|the)\b",
        r"\bto\s++(?:reproduce|recreate|replicate)(?:\s++(?:it|this|the\s++\w+))?\s*+[,:]",
        r"\b(?:first|1st)\b[^.\n]{3,160}\b(?:then|next|after\s++that|afterwards|finally)\b[^.\n]{3,}",
    )
)
ACTION = re.compile(
    r"^(?:then\s++|and\s++|now\s++)?(?:go|navigate|open|click|select|choose|run|execute|create|push|commit|"
    r"merge|clone|pull|fetch|trigger|start|restart|stop|set|configure|enable|disable|install|upgrade|"
    r"update|log|login|sign|enter|type|add|remove|delete|edit|change|upload|download|call|send|invoke|"
    r"visit|wait|observe|check|try|use|deploy|schedule|register|import|export|assign|submit|apply|copy|"
    r"paste|rename|move|search|view|access|request|make|build|define|write|save|close|approve|tag|"
    r"rebase|retry|re-run|rerun|curl|git|kubectl|helm|docker|sudo|gitlab-ctl|gitlab-rake|gitlab-runner|"
    r"terraform|npm|mvn|gradle|ssh|\$)\b",
    re.I,
)
TRIGGER = re.compile(
    r"\b(?:when(?:ever)?|each\s++time|every\s++time|if)\s++(?:i|we|a\s++user|users|you|someone|anyone|the\s++\w+)\s++"
    r"(?:try\s++to\s++|attempt\s++to\s++)?(?:run|runs|click|clicks|push|pushes|open|opens|create|creates|merge|"
    r"merges|trigger|triggers|start|starts|upload|uploads|log|logs|call|calls|deploy|deploys|execute|"
    r"executes|clone|clones|commit|commits|visit|visits|navigate|navigates|submit|submits|save|saves)\b",
    re.I,
)


def check_steps(t: TicketText) -> Result:
    text = t.first
    match = STEPS_HEADING.search(text) or first_match(STEPS_INLINE, text)
    if match:
        return positive(Check.STEPS, 15, "Steps to reproduce are given.", [_evidence(text, match)])
    actions = [(pos, item) for pos, item in list_items(text) if ACTION.match(item.strip())]
    if len(actions) >= 2:
        quoted = [{"quote": quote(text, pos, pos + len(item))} for pos, item in actions[:2]]
        return positive(Check.STEPS, 15, f"A list of {len(actions)} steps is given.", quoted)
    trigger = TRIGGER.search(text)
    if trigger:
        return positive(
            Check.STEPS,
            8,
            "Says what triggers the problem, but gives no step-by-step way to reproduce it.",
            [_evidence(text, trigger)],
        )
    return positive(Check.STEPS, 0, "No steps to reproduce the problem.")


# -- Current behaviour ---------------------------------------------------------------------

CURRENT_HEADING = heading(
    r"current(?:\s++(?:behaviou?r|result|situation|state))?|actual(?:\s++(?:behaviou?r|results?|outcome))?|"
    r"observed\s++(?:behaviou?r|results?)|what\s++(?:actually\s++)?happens|what\s++(?:we|i)\s++(?:see|get|observe)|"
    r"what\s++is\s++happening|symptoms?|error(?:\s++(?:message|output))?"
)
CURRENT = compile_all(
    (
        r"\b(?:http\s*+|status(?:\s++code)?\s*+|error\s++)(?:4\d\d|5\d\d)\b",
        r"\b(?:4\d\d|5\d\d)\s++(?:error|internal|bad\s++gateway|bad\s++request|not\s++found|forbidden|unauthori[sz]ed|"
        r"gateway|service\s++unavailable|conflict|too\s++many)",
        r"\b(?:error|exit)\s++code\s*+[:=]?\s*+-?\d+",
        r"\b(?:fatal|error|panic):\s|\btraceback\b",
        # A quoted error: no quote of any kind inside, so each quote's scan stops at the next one.
        r"[\"\u201c'`][^\"\u201c\u201d'`\n]{0,80}\b(?:error|fail\w*|denied|invalid|cannot|can't|unable|"
        r"refused|timeout|timed\s++out|not\s++found|forbidden|unauthori[sz]ed|rejected|exceeded|missing)\b"
        r"[^\"\u201c\u201d'`\n]*+[\"\u201d'`]",
        r"\b(?:we|i|users?|they|it|the\s++\w+)\s++(?:get|gets|got|see|sees|saw|receive[sd]?|are\s++(?:getting|seeing|"
        r"receiving)|keeps?\s++getting|observe[sd]?)\s++(?:a|an|the|this|that|error|errors|\d|http|status|"
        r"following|message|timeout|blank|empty|nothing|[\"\u201c`'])",
        r"\b(?:returns?|returned|responds?\s++with|throws?|threw|exits?\s++with|fails?\s++with|failed\s++with|"
        r"errors?\s++(?:out\s++)?with|times?\s++out\s++after|timed\s++out\s++after|hangs?\s++(?:for|at|on)|"
        r"stuck\s++(?:at|on|in)|crash(?:es|ed)\s++with|shows?\s++(?:a|an|the)\s++\w*\s*+(?:error|message|warning|page))\b",
        r"\b(?:out\s++of\s++memory|oom[- ]?kill\w*|segfault|segmentation\s++fault|stack\s*+trace|deadlock)\b",
        r"\b(?:shows?|showing|displays?|returns?|gives?)\s++(?:no|nothing|an?\s++empty|empty|blank|only|wrong|"
        r"incorrect|zero|0|stale|old|duplicate)\b",
        r"\b(?:empty|blank)\s++(?:page|charts?|screen|list|response|results?|output|dashboard)\b",
        r"\bfail(?:s|ed|ing)?(?:\s++\w+){1,3}\s++with\b",
        r"\b(?:a|an|the|get|gets|got|getting|see|seeing|returns?|returning|with|throws?|shows?|all)\s++(?:4\d\d|5\d\d)s?\b",
        r"\b(?:4\d\d|5\d\d)s?\s++(?:everywhere|errors?|responses?|pages?|status|code|for\s++(?:all|every|some))\b",
        r"\b(?:never|hasn't|has\s++not|haven't|have\s++not|isn't|aren't|doesn't|does\s++not|don't|do\s++not|didn't|did\s++not|"
        r"won't|will\s++not|cannot|can't|no\s++longer|stopped)\s++(?:\w+\s++){0,2}(?:run|runs|ran|start|starts|started|"
        r"happen|happens|happened|remove|removed|delete|deleted|trigger|triggered|fire|fires|fired|load|loads|loaded|"
        r"render|renders|rendered|show|shows|appear|appears|sync|syncs|synced|complete|completes|completed|"
        r"finish|finishes|finished|pick|picks|picking|picked|receive|received|send|sent|connect|connects|"
        r"update|updates|updated|expand|expanded)\b",
        r"\b(?:with|says?|said|message|error|shows?|reports?)\s*+:?\s*+[\"\u201c'`][^\"\u201c\u201d'`\n]{8,}+"
        r"[\"\u201d'`]",
    )
)
# Case matters here: an exception's class name, or a log level in capitals.
CURRENT_CASED = compile_all(
    (r"\b[A-Z][a-zA-Z]+(?:Error|Exception|Timeout|Failure)\b", r"(?:^|\s)(?:ERROR|FATAL|CRITICAL|PANIC)\b"), 0
)


def check_current(t: TicketText) -> Result:
    text = t.first
    match = CURRENT_HEADING.search(text) or first_match(CURRENT + CURRENT_CASED, text)
    if match:
        return positive(Check.CURRENT, 12, "Describes what actually happens.", [_evidence(text, match)])
    return positive(
        Check.CURRENT,
        0,
        "Does not describe what actually happens (no error message, status or observed result).",
    )


# -- Expected behaviour --------------------------------------------------------------------

EXPECTED_HEADING = heading(
    r"expected(?:\s++(?:behaviou?r|results?|outcome))?|what\s++(?:we|i)\s++(?:expect(?:ed)?|would\s++expect)|"
    r"what\s++should\s++happen|desired\s++(?:behaviou?r|results?|outcome)|expectations?"
)
EXPECTED = compile_all(
    (
        r"\bexpect(?:ed|ing|s)?\s++(?:it|the|that|to|this|a|an|them|our|we|behaviou?r|results?|all|each|every)\b",
        r"\b(?:we|i|you['\u2019]?d|one\s++would|users?|everyone)\s++(?:would\s++|had\s++|have\s++)?expect(?:ed)?\b",
        r"\b(?:should|ought\s++to)\s++(?!be\s++(?:fixed|resolved|looked|addressed|prioriti[sz]ed|escalated|"
        r"investigated|handled))(?:be|have|work|return|show|display|complete|finish|succeed|pass|run|start|load|"
        r"open|allow|let|take|create|send|trigger|respond|not|stay|remain|appear|sync|get|use|keep|continue|"
        r"deploy|merge|build|accept|redirect|update|match|include|contain|only|also|just|still|never)\b",
        r"\b(?:supposed\s++to|used\s++to\s++(?:work|be|take|run|pass|finish|succeed|complete)|worked\s++(?:fine|"
        r"before|previously|until|perfectly|normally|in|on|as\s++expected|with)|was\s++working\s++(?:fine|"
        r"normally|correctly|properly|before|until|on|with)|previously\s++(?:it|this|the|we|worked|took|ran|was)|normally\s++(?:it|this|the|takes|runs|"
        r"works|we|finishes|completes)|would\s++like\s++(?:it|the\s++\w+|them)\s++to|instead\s++of)\b",
    )
)


def check_expected(t: TicketText) -> Result:
    text = t.first
    match = EXPECTED_HEADING.search(text) or first_match(EXPECTED, text)
    if match:
        return positive(Check.EXPECTED, 12, "Says what was expected to happen.", [_evidence(text, match)])
    return positive(Check.EXPECTED, 0, "Does not say what was expected to happen instead.")


# -- Recent changes ------------------------------------------------------------------------

CHANGES_HEADING = heading(
    r"recent\s++changes?|(?:what|anything)\s++(?:has\s++)?changed(?:\s++recently)?|changes?(?:\s++(?:made|before|"
    r"prior|recently)[^\n:]{0,40})?"
)
CHANGES = compile_all(
    (
        r"\b(?:upgrad(?:e|ed|ing)|updat(?:e|ed|ing)|migrat(?:e|ed|ing|ion)|patch(?:ed|ing)?|"
        r"downgrad(?:e|ed|ing)|rolled\s++(?:out|back))\s++(?:to|from|of\s++(?:gitlab|the|our)|gitlab|our|the|it|"
        r"last|yesterday|this|on|v?\d|version|runners?|postgres\w*|kubernetes|helm|k8s|os|ubuntu|rhel|omnibus)\b",
        r"\b(?:after|since|following)\s++(?:the\s++|our\s++|we\s++|a\s++|an\s++|last\s++\w+'s\s++)?(?:upgrad|updat|"
        r"migrat|deploy|chang|patch|switch|mov|install|rotat|restor|reconfigur|enabl|disabl|renew|replac|bump|"
        r"reboot|restart|resiz|scal|maintenance|rollout)\w*",
        rf"\b(?:recently|just|(?:last\s++week|yesterday|this\s++morning)\s++we|we(?:'ve|\s++have)?)\s++{_CHANGE_VERBS}",
        r"\b(?:(?:have|has)(?:n't|\s++not)\s++(?:touched|modified)|not\s++touched|untouched|no\s*+one\s++(?:touched|changed)|"
        r"nobody\s++(?:touched|changed))\b",
        r"\b(?:nothing\s++(?:has\s++)?(?:been\s++)?changed|nothing\s++changed|no\s++(?:recent\s++)?changes|"
        r"(?:have|has)(?:n't|\s++not)\s++(?:been\s++)?changed|did(?:n't|\s++not)\s++change|"
        r"no\s++changes\s++(?:were|have\s++been)\s++made|without\s++any\s++changes?|no\s++(?:recent\s++)?"
        r"(?:upgrades?|updates?|deployments?)|nothing\s++(?:new|different))\b",
        r"\bfrom\s++v?\d+\.\d+(?:\.\d+)?\s++to\s++v?\d+\.\d+",
    )
)


# A change the customer is planning is not a recent change.
PLANNED = re.compile(
    r"(?:plan(?:s|ning|ned)?(?:\s++to)?|going\s++to|will|want(?:s)?\s++to|would\s++like\s++to|intend\s++to|next|"
    r"upcoming|future|considering)\s++(?:\w+\s++){0,3}$",
    re.I,
)


def _recent_change(text: str) -> re.Match[str] | None:
    pos = 0
    while (match := first_match(CHANGES, text, pos)) is not None:
        if not PLANNED.search(text[max(0, match.start() - 40) : match.start()]):
            return match
        pos = match.start() + 1
    return None


def check_changes(t: TicketText) -> Result:
    text = t.first
    match = CHANGES_HEADING.search(text) or _recent_change(text)
    if match:
        return positive(
            Check.CHANGES, 10, "Mentions recent changes (or that nothing changed).", [_evidence(text, match)]
        )
    return positive(
        Check.CHANGES, 0, "Does not say whether anything changed recently (upgrades, configuration, hosting)."
    )
