"""The CSM's ranked accounts written in Python: the same HTML the home page's row template
wrote, without the template engine's work per row and reason (twenty rows a page, each with its
reasons and their links). Every text from the data is escaped, as a template would."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.safestring import SafeString

from csmportal.fast_html import escape
from csmportal.url_tags import fast_reverse

from .csm import Row


def home_rows_html(rows: Iterable[Row]) -> SafeString:
    out = []
    for row in rows:
        action = row.action
        reasons = "".join(
            f'<li><a href="{escape(item.url)}"><span class="badge {escape(item.badge)}">'
            f"{escape(item.label)} · {int(item.count)}</span></a> "
            f'<span class="small">{escape(item.text)}</span></li>'
            for item in row.items
        )
        out.append(
            '<li class="card home-row">\n'
            '      <div class="home-row-head">\n'
            f'        <a class="home-account" href="{escape(fast_reverse("accounts:detail", [row.pk]))}">'
            f"{escape(row.name)}</a>\n"
            f'        <a class="btn small home-action" href="{escape(action.url)}">'
            f"{escape(action.button)}</a>\n"
            "      </div>\n"
            '      <ul class="home-reasons">\n'
            f"        {reasons}\n"
            "      </ul>\n"
            "    </li>"
        )
    return SafeString("\n    ".join(out))
