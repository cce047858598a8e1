"""One translation of Django's exceptions into DRF responses, for every API view.

Services raise Django's ValidationError and PermissionDenied; views let them through and this
handler (REST_FRAMEWORK["EXCEPTION_HANDLER"]) turns them into 400 and 403 responses."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def validation_detail(exc: DjangoValidationError) -> dict[str, Any]:
    """Field errors by field; errors of no field under "detail"."""
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"detail": exc.messages}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        # Keep the service's reason; DRF's default handler would drop it.
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)
