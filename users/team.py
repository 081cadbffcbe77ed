"""The admins' Team page: who has a login, their roles, and the changes to them.

Roles are the portal's groups (users/roles.py). Granting the Admin role keeps the two-factor rule
(users/two_factor.py): the new admin can open nothing but the two-factor set-up until they have
an authenticator, and their sessions get the admins' cap. Where a restricted Zendesk instance is
configured (csmportal/instances.py), admins clear people for it here: without a clearance its
data does not exist for them. Every grant, revoke, clearance and invitation is audited
(users/audit.py)."""

from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from csmportal import instances
from csmportal.compiled import instance_of, values_rows

from .audit import audit_record
from .models import Clearance, User
from .roles import Role, is_admin
from .services import user_invite
from .two_factor import has_totp


@dataclass(frozen=True)
class Member:
    user: User
    roles: frozenset[str]
    verified: bool
    pending: bool  # invited, has not chosen a password yet
    has_totp: bool
    clearances: frozenset[str] = frozenset()  # restricted instances they are cleared for

    @property
    def needs_totp(self) -> bool:
        """An admin (by role, staff or superuser) without an authenticator yet."""
        admin = Role.ADMIN in self.roles or self.user.is_staff or self.user.is_superuser
        return admin and not self.has_totp


# The columns a member's row reads (users.team_html, `Member.needs_totp` and `.pending`).
MEMBER_FIELDS = ("id", "password", "last_login", "is_superuser", "email", "name", "is_staff")


def _members_query(**marks: Any) -> QuerySet[Any]:
    """Active users, the columns their row reads, whether their address is verified, whether
    they have an authenticator, and whether they hold each role (one query)."""
    verified = EmailAddress.objects.filter(
        user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True
    )
    totp = Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
    holds = User.groups.through.objects.filter(user=OuterRef("pk"))  # type: ignore[attr-defined]
    roles = {f"role_{i}": Exists(holds.filter(group__name=role)) for i, role in enumerate(Role.values)}
    return (
        User.objects.filter(is_active=True)
        .annotate(is_verified=Exists(verified), with_totp=Exists(totp), **roles)
        .order_by("name", "email")
        .values(*MEMBER_FIELDS, "is_verified", "with_totp", *roles)
    )


def team_members() -> list[Member]:
    """Active users with their roles, address and two-factor state (one query, compiled once per
    process: csmportal.compiled; a second for their clearances where a restricted instance is
    configured). Each `Member.user` has the columns the page reads, the others deferred."""
    rows = values_rows("users.team_members", None, _members_query, {}, {})
    restricted = instances.restricted_keys()
    clearances: dict[int, set[str]] = {}
    if restricted:
        for user_id, key in Clearance.objects.filter(
            instance__in=restricted, user__is_active=True
        ).values_list("user_id", "instance"):
            clearances.setdefault(user_id, set()).add(key)
    members = []
    for row in rows:
        user = instance_of(User, {name: row[name] for name in MEMBER_FIELDS})
        roles = {role for i, role in enumerate(Role.values) if row[f"role_{i}"]}
        if user.is_superuser:
            roles.add(Role.ADMIN)
        members.append(
            Member(
                user=user,
                roles=frozenset(roles),
                verified=bool(row["is_verified"]),
                pending=not user.has_usable_password() and user.last_login is None,
                has_totp=bool(row["with_totp"]),
                clearances=frozenset(clearances.get(user.pk, ())),
            )
        )
    return members


def _require_admin(by: Any) -> None:
    if not is_admin(by):
        raise PermissionDenied("Only admins change roles and invite people.")


def team_invite(*, email: str, name: str, roles: list[str], by: Any) -> User:
    """Invite someone: a login without a password, and an email with the link to choose one."""
    _require_admin(by)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(f"Someone has the address {email} already.")
    with transaction.atomic():
        user = user_invite(email=email, name=name, roles=roles, invited_by=by)
        listed = ", ".join(roles) if roles else "no role yet"
        audit_record(actor=by, obj=user, message=f"Invited ({listed}); the invitation was emailed.")
    return user


def role_grant(*, user: User, role: str, by: Any) -> bool:
    """Give a role; False when they had it. The Admin role brings the two-factor rule with it."""
    _require_admin(by)
    if role not in Role.values:
        raise ValidationError("Unknown role.")
    with transaction.atomic():
        group, _ = Group.objects.get_or_create(name=role)
        if user.groups.filter(pk=group.pk).exists():
            return False
        user.groups.add(group)
        audit_record(actor=by, obj=user, message=f"Granted the {role} role.")
    user.__dict__.pop("_portal_roles", None)
    return True


def role_revoke(*, user: User, role: str, by: Any) -> bool:
    """Take a role away; False when they did not have it. Nobody takes the Admin role from
    themselves (another admin does), so the portal always keeps an admin who can fix things."""
    _require_admin(by)
    if role not in Role.values:
        raise ValidationError("Unknown role.")
    if role == Role.ADMIN and user.pk == by.pk:
        raise ValidationError("You cannot take the Admin role from yourself: ask another admin.")
    with transaction.atomic():
        group = Group.objects.filter(name=role).first()
        if group is None or not user.groups.filter(pk=group.pk).exists():
            return False
        user.groups.remove(group)
        audit_record(actor=by, obj=user, message=f"Revoked the {role} role.")
    return True


def restricted_instances() -> list[instances.Instance]:
    """The instances admins clear people for (none in most deployments)."""
    return [instance for instance in instances.all_instances() if instance.restricted]


def _restricted(key: str) -> instances.Instance:
    for instance in restricted_instances():
        if instance.key == key:
            return instance
    raise ValidationError("Unknown Zendesk instance: only a restricted instance needs a clearance.")


def clearance_grant(*, user: User, instance: str, by: Any) -> bool:
    """Clear someone for a restricted instance's data; False when they were cleared already."""
    _require_admin(by)
    chosen = _restricted(instance)
    with transaction.atomic():
        _, created = Clearance.objects.get_or_create(
            user=user, instance=chosen.key, defaults={"granted_by": by}
        )
        if created:
            audit_record(
                actor=by, obj=user, message=f"Cleared for the Zendesk instance {chosen.name} ({chosen.key})."
            )
    user.__dict__.pop("_visible_instances", None)
    return created


def clearance_revoke(*, user: User, instance: str, by: Any) -> bool:
    """Take a clearance away (from anyone, oneself included); False when they had none. Their
    bell and pending emails about the instance are hidden from then on (see notifications)."""
    _require_admin(by)
    chosen = _restricted(instance)
    with transaction.atomic():
        deleted, _ = Clearance.objects.filter(user=user, instance=chosen.key).delete()
        if deleted:
            audit_record(
                actor=by,
                obj=user,
                message=f"Clearance for the Zendesk instance {chosen.name} ({chosen.key}) revoked.",
            )
    user.__dict__.pop("_visible_instances", None)
    return bool(deleted)


def needs_two_factor_setup(user: User) -> bool:
    return not has_totp(user)
