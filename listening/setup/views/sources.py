"""Sources: the list with their health, mailboxes, review listings and the web form with its
embed snippet. Admins only; another firm's source is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from feedback.access import MemberRequest
from feedback.models import Channel, Source
from listening.models import ImapMailbox
from listening.setup import previews, selectors, services
from listening.setup.access import admin_required
from listening.setup.forms import MailboxForm, ReviewListingForm, WebFormSourceForm


def _source(request: MemberRequest, pk: int, channel: str | None = None) -> Source:
    try:
        return selectors.source_get(firm=request.member.firm, pk=pk, channel=channel)
    except Source.DoesNotExist as exc:
        raise Http404 from exc


def _errors_to_form(form: BaseForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@admin_required
@require_GET
def source_list(request: MemberRequest) -> HttpResponse:
    sources = selectors.source_list(firm=request.member.firm)
    return render(request, "listening/setup/sources.html", {"sources": sources})


@require_http_methods(["GET", "POST"])
@admin_required
def web_form_edit(request: MemberRequest, pk: int | None = None) -> HttpResponse:
    firm = request.member.firm
    source = _source(request, pk, Channel.FORM) if pk else None
    initial = {}
    if source is not None:
        config = source.config or {}
        initial = {
            "name": source.name,
            "title": config.get("title", ""),
            "allowed_origins": "\n".join(config.get("allowed_origins", [])),
        }
    form = WebFormSourceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            source = services.form_source_save(
                firm=firm,
                name=form.cleaned_data["name"],
                title=form.cleaned_data["title"],
                allowed_origins=form.origins(),
                source=source,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"Web form “{source.name}” saved.")
            return redirect("listening_setup:web_form", pk=source.pk)
    context: dict[str, object] = {"form": form, "source": source}
    if source is not None:
        context |= {
            "form_url": previews.form_url(source),
            "snippet": previews.embed_snippet(source),
            "html_snippet": previews.html_form_snippet(source),
        }
    status = 400 if request.method == "POST" else 200
    return render(request, "listening/setup/web_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@admin_required
def mailbox_edit(request: MemberRequest, pk: int | None = None) -> HttpResponse:
    firm = request.member.firm
    source = _source(request, pk, Channel.EMAIL) if pk else None
    box = ImapMailbox.objects.filter(source=source).first() if source else None
    initial = {}
    if source is not None and box is not None:
        initial = {
            "name": source.name,
            "host": box.host,
            "port": box.port,
            "use_ssl": box.use_ssl,
            "username": box.username,
            "folder": box.folder,
        }
    form = MailboxForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            box = services.mailbox_source_save(firm=firm, source=source, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"Mailbox “{box.source.name}” saved.")
            return redirect("listening_setup:mailbox", pk=box.source_id)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "source": source}
    return render(request, "listening/setup/mailbox.html", context, status=status)


@require_POST
@admin_required
def mailbox_test(request: MemberRequest, pk: int) -> HttpResponse:
    source = _source(request, pk, Channel.EMAIL)
    check = services.mailbox_connection_test(source=source)
    (messages.success if check.ok else messages.error)(request, check.message)
    return redirect("listening_setup:mailbox", pk=source.pk)


@require_http_methods(["GET", "POST"])
@admin_required
def review_edit(request: MemberRequest, pk: int | None = None) -> HttpResponse:
    firm = request.member.firm
    source = _source(request, pk, Channel.REVIEW) if pk else None
    initial: dict = {}
    if source is not None:
        config = source.config or {}
        initial = {"name": source.name, "kind": config.get("kind", "")}
        initial |= {k: config.get(k, "") for k in ("location_name", "business_unit_id", "url")}
    form = ReviewListingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            source = services.review_source_save(
                firm=firm,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                settings=form.settings(),
                secret=form.cleaned_data["secret"],
                source=source,
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, f"Review listing “{source.name}” saved.")
            return redirect("listening_setup:review", pk=source.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "source": source}
    return render(request, "listening/setup/review.html", context, status=status)


@require_POST
@admin_required
def source_pause(request: MemberRequest, pk: int) -> HttpResponse:
    source = _source(request, pk)
    paused = request.POST.get("paused", "1") == "1"
    services.source_pause_set(source=source, paused=paused)
    messages.success(request, f"“{source.name}” {'paused' if paused else 'resumed'}.")
    return redirect("listening_setup:sources")
