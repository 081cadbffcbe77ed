from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from csmportal import health, instances
from csmportal.instances import visible_keys
from users.roles import Role, any_role_required, has_role, is_admin, role_required

from .selectors import every_text, link_findings, stream_groups, stream_labels, stream_statuses
from .services import sync_request
from .waiting import BY_KEY

TRIGGER_ROLES = (Role.SUPPORT_OPS, Role.ADMIN)


@require_GET
@any_role_required
def sync_page(request: HttpRequest) -> HttpResponse:
    """Everyone with a role may look; the table refreshes itself while a sync is under way."""
    streams = stream_statuses(visible=visible_keys(request.user))
    context = {
        "streams": streams,
        "groups": stream_groups(streams),
        "busy": any(s.running or s.queued for s in streams),
        "can_trigger": has_role(request.user, *TRIGGER_ROLES),
        "failing": sum(
            1 for s in streams if s.last_run and s.last_run.status not in ("succeeded", "running")
        ),
        "fresh": sum(1 for s in streams if not s.stale),
        "fast_every": every_text(settings.SYNC_FAST_INTERVAL),
        "slow_every": every_text(settings.SYNC_SLOW_INTERVAL),
    }
    if getattr(request, "htmx", False):
        return render(request, "integrations/sync.html#streams", context)
    context["findings"] = link_findings(request.user)
    # What /healthz keeps to itself (error text, hosts): admins only.
    if is_admin(request.user):
        context["health"] = {"database": health.check_database(), "broker": health.check_broker()}
    return render(request, "integrations/sync.html", context)


@require_POST
@role_required(*TRIGGER_ROLES)
def sync_now(request: HttpRequest) -> HttpResponse:
    """ "Sync now" for one stream (``stream=<key>``: ``zendesk.tickets``, ``zendesk.tickets@usgov``)
    or all (``stream=all``) of the instances the person may see."""
    wanted = request.POST.get("stream", "")
    shown = {key: label for key, (_spec, label) in stream_labels(visible_keys(request.user)).items()}
    if wanted == "all":
        streams = list(shown)
    elif wanted in shown:
        streams = [wanted]
    else:
        messages.error(request, "Choose a stream to sync.")
        return redirect("integrations:sync")
    queued = sync_request(user=request.user, streams=streams)
    what = "every stream" if wanted == "all" else shown[wanted]
    messages.success(request, f"Sync of {what} queued." if queued else "Nothing to sync.")
    return redirect("integrations:sync")


@require_GET
@any_role_required
def waiting_list(request: HttpRequest, key: str) -> HttpResponse:
    """The records behind one of the sync page's "waiting for a link" counts."""
    kind = BY_KEY.get(key)
    if kind is None:
        raise Http404("No such list.")
    page = Paginator(kind.visible(request.user), 50).get_page(request.GET.get("page"))
    rows = [kind.row(record) for record in page.object_list]
    columns = kind.columns
    names = instances.labels() if kind.instance_field else {}  # an "Instance" column for Zendesk's
    if names:
        columns = (*columns, "Instance")
        for row, record in zip(rows, page.object_list, strict=True):
            row.append((instances.label(names, getattr(record, "zd_instance", "")), ""))
    context = {
        "kind": kind,
        "columns": columns,
        "page": page,
        "rows": rows,
        "is_admin": is_admin(request.user),
    }
    return render(request, "integrations/waiting.html", context)
