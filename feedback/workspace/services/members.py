"""Members of a firm: invite (a set-password link by e-mail), change role, deactivate.

The link is Django's password-reset link (`PasswordResetTokenGenerator`): signed, tied to the
user's password and last login (so it works once) and expiring after PASSWORD_RESET_TIMEOUT."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from feedback.models import Firm, Member, Role
from feedback.services import audit_record
from feedback.workspace.services import Actor


@transaction.atomic
def member_invite(
    *, firm: Firm, email: str, name: str = "", role: str, actor: Actor = None
) -> Member:
    """Create a user with an unusable password and a membership of `firm`. The user signs in
    with their e-mail address once they have set a password (see `member_invite_send`)."""
    user_model = get_user_model()
    email = user_model.objects.normalize_email(email.strip()).lower()
    if role not in Role.values:
        raise ValidationError({"role": "Choose a role."})
    if user_model.objects.filter(username__iexact=email).exists() or (
        user_model.objects.filter(email__iexact=email).exists()
    ):
        raise ValidationError(
            {"email": "Somebody with this e-mail address already has an account."}
        )
    first, _, last = name.strip().partition(" ")
    user = user_model(username=email, email=email, first_name=first[:150], last_name=last[:150])
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    member = Member.objects.create(user=user, firm=firm, role=role)
    audit_record(firm=firm, action="member.invited", obj=member, actor=actor, data={"role": role})
    return member


def invite_link(member: Member, absolute: Callable[[str], str]) -> str:
    """The signed set-password link for `member`; `absolute` makes a path absolute (e.g.
    `request.build_absolute_uri`)."""
    user = member.user
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return absolute(path)


def member_invite_send(
    *, member: Member, absolute: Callable[[str], str], actor: Actor = None
) -> None:
    """E-mail the invitation. Outside any transaction: an SMTP failure raises and leaves the
    member in place, to be sent again from the members page."""
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    body = (
        f"You have been invited to {member.firm.name} on Earshot.\n\n"
        f"Set your password here (the link works once and expires in {days} days):\n"
        f"{invite_link(member, absolute)}\n\n"
        f"Then sign in with your e-mail address: {member.user.email}\n"
    )
    send_mail(
        subject=f"Your Earshot account at {member.firm.name}",
        message=body,
        from_email=member.firm.reply_from_email or settings.DEFAULT_FROM_EMAIL,
        recipient_list=[member.user.email],
    )
    audit_record(firm=member.firm, action="member.invite_sent", obj=member, actor=actor)


def _admins_left(firm: Firm, without: Member) -> int:
    return (
        Member.objects.filter(firm=firm, role=Role.ADMIN, user__is_active=True)
        .exclude(pk=without.pk)
        .count()
    )


@transaction.atomic
def member_role_change(*, member: Member, role: str, by: Member) -> Member:
    """Give a member another role; the firm always keeps one active admin."""
    if role not in Role.values:
        raise ValidationError({"role": "Choose a role."})
    list(Member.objects.select_for_update().filter(firm=member.firm, role=Role.ADMIN))
    if member.role == Role.ADMIN and role != Role.ADMIN and not _admins_left(member.firm, member):
        raise ValidationError({"role": "The firm needs at least one admin."})
    before = member.role
    member.role = role
    member.save(update_fields=["role"])
    audit_record(
        firm=member.firm,
        action="member.role_changed",
        obj=member,
        actor=by.user,
        data={"from": before, "to": role},
    )
    return member


@transaction.atomic
def member_deactivate(*, member: Member, by: Member) -> Member:
    """Stop a member signing in (their history stays). Not yourself, not the last admin."""
    if member.pk == by.pk:
        raise ValidationError("You cannot deactivate yourself.")
    # Locks the firm's admins, so two admins deactivating each other cannot both succeed.
    list(Member.objects.select_for_update().filter(firm=member.firm, role=Role.ADMIN))
    if member.role == Role.ADMIN and not _admins_left(member.firm, member):
        raise ValidationError("The firm needs at least one active admin.")
    user = member.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(firm=member.firm, action="member.deactivated", obj=member, actor=by.user)
    return member
