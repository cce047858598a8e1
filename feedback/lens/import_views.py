"""Settings pages: import client expectations (promise weights) from CSV (upload, preview,
confirm) and the template. Admins only, as the fee import."""

import secrets

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from feedback.access import MemberRequest
from feedback.lens import imports
from feedback.workspace.forms import ImportForm
from feedback.workspace.services.imports import MAX_BYTES, ImportFileError, csv_text_decode
from feedback.workspace.views.common import admin_required, reader_required

SESSION_KEY = "lens_expectation_import"


@require_http_methods(["GET", "POST"])
@admin_required
def expectation_import(request: MemberRequest) -> HttpResponse:
    """Upload a file and see every row with what importing it would do or its errors; nothing
    is written yet. The decoded text waits in the session for the confirmation."""
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form, "columns": imports.COLUMNS}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_BYTES:
                raise ImportFileError(f"The file is larger than {MAX_BYTES // 2**20} MB.")
            text = csv_text_decode(upload.read())
            rows = imports.expectation_csv_parse(firm=request.member.firm, text=text)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            bad = sum(1 for r in rows if r.errors)
            token = secrets.token_urlsafe(16)
            if not bad and rows:
                request.session[SESSION_KEY] = {"token": token, "text": text, "name": upload.name}
            context.update(rows=rows, token=token, bad=bad, filename=upload.name)
    status = 400 if form.errors or context.get("bad") else 200
    return render(request, "feedback/lens/expectation_import.html", context, status=status)


@require_POST
@admin_required
def expectation_import_confirm(request: MemberRequest) -> HttpResponse:
    pending = request.session.get(SESSION_KEY)
    if not pending or not secrets.compare_digest(
        pending.get("token", ""), request.POST.get("token", "")
    ):
        messages.error(request, "That preview has expired; upload the file again.")
        return redirect("expectations:import")
    del request.session[SESSION_KEY]
    rows = imports.expectation_csv_parse(firm=request.member.firm, text=pending["text"])
    try:
        count = imports.expectations_import(firm=request.member.firm, rows=rows, actor=request.user)
    except ValidationError as exc:
        # The firm's clients or promises changed since the preview: nothing was imported.
        messages.error(request, "Nothing imported: " + " ".join(exc.messages))
        return redirect("expectations:import")
    plural = "s" if count != 1 else ""
    messages.success(
        request, f"Imported {pending['name']}: expectations set for {count} client{plural}."
    )
    return redirect("lens:overview")


@reader_required
def expectation_template(request: MemberRequest) -> HttpResponse:
    response = HttpResponse(
        imports.expectation_template_csv(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="earshot-expectations-template.csv"'
    return response
