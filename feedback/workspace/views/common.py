"""Access and form handling shared by the settings pages."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from feedback.access import MemberRequest, member_required
from feedback.models import Role

View = Callable[..., HttpResponse]


def reader_required(view: View) -> View:
    """Admins and analysts read the settings; account managers get a 403."""
    return member_required(whole_firm=True)(view)  # type: ignore[no-any-return]


def admin_required(view: View) -> View:
    """Only the firm's admins change settings; everybody else gets a 403."""

    @member_required
    @wraps(view)
    def wrapper(request: MemberRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.member.role != Role.ADMIN:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[no-any-return]


def can_edit(request: MemberRequest) -> bool:
    return request.member.role == Role.ADMIN


def validation_to_form(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form, on the field it names where it has one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def form_render(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    title: str,
    back: str,
    template: str = "feedback/workspace/form.html",
    **context: Any,
) -> HttpResponse:
    """The one create/edit page: a form, its errors (400 when it has any), a way back."""
    status = 400 if request.method == "POST" and form.errors else 200
    return render(
        request,
        template,
        {"form": form, "title": title, "back": back, **context},
        status=status,
    )
