"""The lists' FilterSet base copies its filters per request one level deep and builds its form's
fields once: each request still has its own filters, fields and choices."""

import django_filters
import pytest
from django.test import RequestFactory

from csmportal.filters import CsmFilter, FastSelectFilterSet, csm_choices
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


class _Filter(FastSelectFilterSet):
    q = django_filters.CharFilter(method="search")
    status = django_filters.ChoiceFilter(choices=[("new", "New"), ("open", "Open")])
    csm = CsmFilter(field_name="account__csm")

    class Meta:
        model = Ticket
        fields = ["q", "status", "csm"]

    def search(self, queryset, name, value):
        self.searched = value
        return queryset.filter(subject__icontains=value)


def _filterset(user, **data):
    request = RequestFactory().get("/")
    request.user = user
    return _Filter({"csm": "any", **data}, Ticket.objects.all(), request=request)


def test_each_request_has_its_own_filters_and_fields(csm):
    first, second = _filterset(csm, q="deploy"), _filterset(csm, q="upgrade")
    for name, base in _Filter.base_filters.items():
        assert first.filters[name] is not base and first.filters[name] is not second.filters[name]
        assert first.filters[name].parent is first and second.filters[name].parent is second
        assert first.filters[name].extra is not base.extra
    assert first.qs is not None and second.qs is not None
    assert (first.searched, second.searched) == ("deploy", "upgrade")  # each copy's own method
    assert not hasattr(_Filter.base_filters["q"], "parent")
    for name, field in first.form.fields.items():
        assert field is first.filters[name].field and field is not second.form.fields[name]
    first.form.fields["q"].validators.append(len)  # as the dashboard adds its own
    first.form.fields["status"].widget.attrs["class"] = "changed"
    for other in (second, _filterset(csm)):
        assert len not in other.form.fields["q"].validators
        assert "class" not in other.form.fields["status"].widget.attrs


def test_the_csm_list_is_read_again_for_each_request(csm):
    from tests.conftest import _make_user
    from users.roles import Role

    assert _filterset(csm).form.fields["csm"].choices == csm_choices()
    newcomer = _make_user("newcomer@example.com", "Newcomer CSM", Role.CSM)
    assert (str(newcomer.pk), "Newcomer CSM") in _filterset(csm).form.fields["csm"].choices
