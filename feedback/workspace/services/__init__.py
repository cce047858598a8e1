"""Writes of the settings pages: every one validated (`full_clean`), atomic and audited."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# Who made a change, for the audit trail (a request's user; None for the system).
Actor = AbstractBaseUser | AnonymousUser | None
