"""Settings pages: CSV import of clients and contacts (upload, preview, confirm), the template
and an export in the same format."""

import secrets

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from feedback.access import MemberRequest
from feedback.workspace.forms import ImportForm
from feedback.workspace.services import imports
from feedback.workspace.views.common import admin_required, reader_required

SESSION_KEY = "workspace_people_import"


@require_http_methods(["GET", "POST"])
@admin_required
def import_upload(request: MemberRequest) -> HttpResponse:
    """Upload a file and see what importing each row would do; nothing is written yet. The
    decoded text waits in the session for the confirmation."""
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form, "columns": imports.COLUMNS}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > imports.MAX_BYTES:
                raise imports.ImportFileError(
                    f"The file is larger than {imports.MAX_BYTES // 2**20} MB."
                )
            text = imports.csv_text_decode(upload.read())
            rows = imports.people_csv_parse(firm=request.member.firm, text=text)
        except imports.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            token = secrets.token_urlsafe(16)
            request.session[SESSION_KEY] = {"token": token, "text": text, "name": upload.name}
            context.update(
                rows=rows,
                token=token,
                good=sum(1 for r in rows if not r.errors),
                bad=sum(1 for r in rows if r.errors),
                filename=upload.name,
            )
    status = 400 if form.errors else 200
    return render(request, "feedback/workspace/import.html", context, status=status)


@require_POST
@admin_required
def import_confirm(request: MemberRequest) -> HttpResponse:
    pending = request.session.get(SESSION_KEY)
    if not pending or not secrets.compare_digest(
        pending.get("token", ""), request.POST.get("token", "")
    ):
        messages.error(request, "That preview has expired; upload the file again.")
        return redirect("workspace:import")
    outcome = imports.people_csv_apply(
        firm=request.member.firm, text=pending["text"], actor=request.user
    )
    del request.session[SESSION_KEY]
    messages.success(
        request,
        f"Imported {pending['name']}: {outcome.clients_created} clients created, "
        f"{outcome.clients_updated} updated; {outcome.contacts_created} contacts created, "
        f"{outcome.contacts_updated} updated; {outcome.rows_skipped} rows skipped.",
    )
    return redirect("workspace:clients")


def _csv(body: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@reader_required
def import_template(request: MemberRequest) -> HttpResponse:
    body = imports.people_csv_export(firm=request.member.firm, rows=list(imports.TEMPLATE_ROWS))
    return _csv(body, "earshot-clients-contacts-template.csv")


@admin_required
def people_export(request: MemberRequest) -> HttpResponse:
    body = imports.people_csv_export(firm=request.member.firm)
    return _csv(body, f"{request.member.firm.slug}-clients-contacts.csv")
