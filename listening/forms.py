from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from listening.services.csv_import import FIELDS

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class EmailUploadForm(forms.Form):
    file = forms.FileField(help_text="An .eml message or an mbox file.")

    def clean_file(self) -> UploadedFile:
        f = self.cleaned_data["file"]
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 200 MB.")
        return f


class CsvImportForm(forms.Form):
    file = forms.FileField(help_text="CSV with a header row (UTF-8 or a Windows encoding).")
    dry_run = forms.BooleanField(required=False, initial=True, label="Dry run (preview only)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in FIELDS:
            self.fields[f"map_{name}"] = forms.CharField(
                required=name == "text",
                max_length=200,
                label=f"Column for {name.replace('_', ' ')}",
            )

    def mapping(self) -> dict:
        return {name: self.cleaned_data.get(f"map_{name}", "") for name in FIELDS}
