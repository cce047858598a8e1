"""Admin-facing pages of the listening channels: email upload, CSV import, triage.

Only members who see the whole firm (admins, analysts) may use them; another firm's source or
import is a 404, exactly like a missing one.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from config.queues import CSV_IMPORT_RUN_TASK
from feedback.access import MemberRequest, member_required
from feedback.enqueue import task_send_on_commit
from feedback.models import Client, Source
from feedback.selectors import client_list
from listening.forms import CsvImportForm, EmailUploadForm
from listening.models import CsvImport, TriageItem
from listening.selectors import csv_import_get, source_get_for_member, triage_list
from listening.services.csv_import import csv_import_create
from listening.services.email import email_upload_ingest
from listening.services.triage import triage_assign as triage_assign_service


def _source(request: MemberRequest, source_id: int) -> Source:
    try:
        return source_get_for_member(member=request.member, pk=source_id)
    except Source.DoesNotExist as exc:
        raise Http404 from exc


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@member_required(whole_firm=True)
def email_upload(request: MemberRequest, source_id: int) -> HttpResponse:
    source = _source(request, source_id)
    form = EmailUploadForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = email_upload_ingest(
                    source=source, filename=upload.name or "", chunks=upload.chunks()
                )
            except ValidationError as exc:
                _add_errors(form, exc)
                status = 400
        else:
            status = 400
    return render(
        request,
        "listening/email_upload.html",
        {"source": source, "form": form, "report": report},
        status=status,
    )


@member_required(whole_firm=True)
def csv_import_new(request: MemberRequest, source_id: int) -> HttpResponse:
    source = _source(request, source_id)
    form = CsvImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                job = csv_import_create(
                    source=source,
                    file=form.cleaned_data["file"],
                    mapping=form.mapping(),
                    dry_run=form.cleaned_data["dry_run"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                task_send_on_commit(CSV_IMPORT_RUN_TASK, [job.pk])
                return redirect("listening:csv_import_detail", import_id=job.pk)
        return render(
            request, "listening/csv_import_new.html", {"source": source, "form": form}, status=400
        )
    return render(request, "listening/csv_import_new.html", {"source": source, "form": form})


@member_required(whole_firm=True)
def csv_import_detail(request: MemberRequest, import_id: int) -> HttpResponse:
    try:
        job = csv_import_get(member=request.member, pk=import_id)
    except CsvImport.DoesNotExist as exc:
        raise Http404 from exc
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "id": job.pk,
                "status": job.status,
                "dry_run": job.dry_run,
                "progress_percent": job.progress_percent,
                "rows_total": job.rows_total,
                "rows_done": job.rows_done,
                "rows_created": job.rows_created,
                "rows_duplicate": job.rows_duplicate,
                "rows_failed": job.rows_failed,
                "errors": job.errors,
                "preview": job.preview,
                "error": job.error,
            }
        )
    return render(request, "listening/csv_import_detail.html", {"job": job})


@member_required(whole_firm=True)
def triage(request: MemberRequest) -> HttpResponse:
    items = triage_list(member=request.member)[:200]
    clients = client_list(member=request.member, mine_only=False)
    return render(request, "listening/triage.html", {"items": items, "clients": clients})


@require_POST
@member_required(whole_firm=True)
def triage_assign(request: MemberRequest, item_id: int) -> HttpResponse:
    try:
        item = triage_list(member=request.member).get(pk=item_id)
    except TriageItem.DoesNotExist as exc:
        raise Http404 from exc
    try:
        client = client_list(member=request.member, mine_only=False).get(
            pk=int(request.POST.get("client", ""))
        )
    except (ValueError, Client.DoesNotExist):
        return HttpResponseBadRequest("Choose one of your clients.")
    try:
        resolved = triage_assign_service(
            member=request.member, item=item, client=client, name=request.POST.get("name", "")
        )
    except ValidationError as exc:
        return HttpResponseBadRequest(" ".join(exc.messages))
    messages.success(request, f"{item.sender} is now a contact of {client}; {resolved} resolved.")
    return redirect("listening:triage")
