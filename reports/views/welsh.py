"""The Welsh of a Welsh force's report: each part's status, and the translator's page, with the English
beside the Welsh (and the English diff since the Welsh was made, when it is out of date). The rules are
in ``reports.translations``."""

from __future__ import annotations

from http import HTTPStatus

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe

from accounts import permissions
from accounts.decorators import actor, workspace_view
from inspectorate.forms import GovUKForm
from inspectorate.ids import id_or_400
from reports import markup, translations, xliff
from reports.diff import diff_html
from reports.errors import WorkflowError
from reports.forms import PartForm
from reports.selectors import part_title, report_parts
from reports.views.common import get_report, refusal_messages, report_url


class WelshPartForm(PartForm):
    """A part's Welsh: the text, the Welsh it was based on, and the English revision it translates."""

    source_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: object, label: str = "Text", **kwargs: object) -> None:
        super().__init__(*args, label=label, **kwargs)
        self.fields["text"].label = (
            f"Welsh of {label[0].lower()}{label[1:]}" if not label[0].isdigit() else f"Welsh of section {label}"
        )
        self.fields["text"].widget.attrs["lang"] = "cy"
        self.fields[
            "text"
        ].help_text = "Write in Markdown, as the English is. Use the same headings, lists and callouts."


def _bilingual_report(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    report = get_report(pk, request.user)
    if not translations.is_bilingual(report):
        raise Http404("This report is published in English only")
    return report


@workspace_view
def welsh(request: HttpRequest, pk: int) -> HttpResponse:
    """Each part's Welsh status, and the record's narratives and findings with a box for each one's Welsh."""
    report = _bilingual_report(request, pk)
    errors: dict[str, list[str]] = {}
    typed: dict[str, str] = {}
    if request.method == "POST":
        if not permissions.can_translate_report(request.user, report):
            raise PermissionDenied("Only translators and editors write the Welsh")
        kind, item = request.POST.get("kind", ""), id_or_400(request.POST.get("item"))
        text = request.POST.get("text", "")
        try:
            translations.record_translation_save(
                report=report, actor=actor(request), kind=kind, item_id=item, text=text
            )
        except (WorkflowError, ValidationError) as error:
            errors[f"{kind}-{item}"] = refusal_messages(error)
            typed[f"{kind}-{item}"] = text
        else:
            messages.success(request, "The Welsh is saved")
            return redirect(f"{report_url(report, 'reports:welsh')}#{kind}-{item}")
    rows = translations.translation_status(report)
    record = translations.record_translation_status(report)
    return render(
        request,
        "reports/welsh.html",
        {
            "report": report,
            "rows": rows,
            "record": [
                (row, errors.get(f"{row.kind}-{row.item_id}", []), typed.get(f"{row.kind}-{row.item_id}"))
                for row in record
            ],
            "errors": [message for messages_ in errors.values() for message in messages_],
            "outstanding": sum(1 for row in rows if not row.up_to_date)
            + sum(1 for row in record if not row.up_to_date),
            "may_translate": permissions.can_translate_report(request.user, report) and report.is_editable,
        },
        status=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK,
    )


@workspace_view
def welsh_part(request: HttpRequest, pk: int, key: str, import_form: object = None) -> HttpResponse:
    report = _bilingual_report(request, pk)
    row = next((item for item in translations.translation_status(report) if item.part.key == key), None)
    if row is None:
        raise Http404("No such part")
    may_translate = permissions.can_translate_report(request.user, report) and report.is_editable
    if request.method == "POST" and not permissions.can_translate_report(request.user, report):
        raise PermissionDenied("Only translators and editors write the Welsh")
    # A refused XLIFF file shows the page again, its errors by the file field, the Welsh form unbound.
    posted = request.method == "POST" and import_form is None
    latest = report.latest_revision()
    title = row.part.title
    preview = None
    status = HTTPStatus.OK
    initial = {
        "text": row.welsh.text if row.welsh else "",
        "based_on": row.welsh.number if row.welsh else 0,
        "source_revision": latest.number if latest else 1,
    }
    form = WelshPartForm(request.POST if posted else None, initial=initial, label=title)
    if posted:
        if form.is_valid():
            text = form.cleaned_data["text"]
            if "preview" in request.POST:
                preview = mark_safe(markup.render(text))  # noqa: S308 - markup.render returns sanitised HTML
            else:
                try:
                    saved = translations.translation_save(
                        report=report,
                        actor=actor(request),
                        part=key,
                        text=text,
                        based_on=form.cleaned_data["based_on"],
                        source_revision=form.cleaned_data["source_revision"],
                    )
                except translations.TranslationConflict as conflict:
                    form = WelshPartForm(
                        initial={
                            "text": conflict.your_text,
                            "based_on": conflict.theirs.number,
                            "source_revision": form.cleaned_data["source_revision"],
                        },
                        label=title,
                    )
                    return render(
                        request,
                        "reports/welsh_conflict.html",
                        {
                            "report": report,
                            "title": title,
                            "key": key,
                            "conflict": conflict,
                            "diff": mark_safe(diff_html(conflict.theirs.text, conflict.your_text)),  # noqa: S308
                            "form": form,
                        },
                        status=HTTPStatus.CONFLICT,
                    )
                except (WorkflowError, ValidationError) as error:
                    for message in refusal_messages(error):
                        form.add_error("text", message)
                    status = HTTPStatus.BAD_REQUEST
                else:
                    if saved is None:
                        messages.info(request, f"No changes to save in the Welsh of {title.lower()}")
                    else:
                        messages.success(request, f"The Welsh of {title.lower()} is saved (Welsh {saved.number})")
                    return redirect(report_url(report, "reports:welsh"))
        else:
            status = HTTPStatus.BAD_REQUEST
    english_diff = (
        mark_safe(diff_html(row.english_translated, row.english))  # noqa: S308 - diff_html escapes its input
        if row.welsh is not None and not row.up_to_date
        else None
    )
    return render(
        request,
        "reports/welsh_part.html",
        {
            "report": report,
            "row": row,
            "title": title,
            "key": key,
            "form": form,
            "preview": preview,
            "english": mark_safe(markup.render(row.english)),  # noqa: S308 - sanitised
            "english_diff": english_diff,
            "english_revision": latest,
            "may_translate": may_translate or status == HTTPStatus.BAD_REQUEST,
            "current": mark_safe(markup.render(row.welsh.text)) if row.welsh else None,  # noqa: S308
            "import_form": import_form or XliffImportForm(),
        },
        status=HTTPStatus.BAD_REQUEST if import_form is not None else status,
    )


class XliffImportForm(GovUKForm):
    submit_label = "Import the Welsh"
    submit_css_class = "govuk-button--secondary"

    xliff = forms.FileField(
        label="XLIFF file from the translator",
        help_text="The file exported from this page, with the Welsh in its target.",
        error_messages={"required": "Choose the XLIFF file", "empty": "The file is empty"},
    )


@workspace_view
def welsh_xliff(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """GET: the part's English (and Welsh so far) as XLIFF 1.2, for an outside translator. POST: their
    file back, checked against the report, the part and the English it carried."""
    report = _bilingual_report(request, pk)
    if key not in {part.key for part in report_parts(report)}:
        raise Http404("No such part")
    if request.method == "POST":
        if not permissions.can_translate_report(request.user, report):
            raise PermissionDenied("Only translators and editors write the Welsh")
        form = XliffImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                saved = xliff.xliff_import(
                    report=report, actor=actor(request), part=key, content=form.cleaned_data["xliff"].read()
                )
            except translations.TranslationConflict as conflict:
                form.add_error("xliff", str(conflict))
            except (WorkflowError, ValidationError) as error:
                for message in refusal_messages(error):
                    form.add_error("xliff", message)
            else:
                title = part_title(report, key)
                if saved is None:
                    messages.info(request, f"The file's Welsh of {title.lower()} is what is saved already")
                else:
                    messages.success(request, f"The Welsh of {title.lower()} is imported (Welsh {saved.number})")
                return redirect(report_url(report, "reports:welsh"))
        return welsh_part(request, pk, key, import_form=form)  # type: ignore[return-value]
    name, content = xliff.xliff_export(report, key)
    response = HttpResponse(content, content_type="application/xliff+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
