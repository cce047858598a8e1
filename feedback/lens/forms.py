from django import forms

from feedback.models import BrandPromise


class ExpectationsForm(forms.Form):
    """One 0-10 importance per active promise of the firm; a client's weights are these,
    normalised. Leave a promise at 0 when it played no part in choosing the firm."""

    def __init__(
        self, *args: object, promises: list[tuple[BrandPromise, float]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        top = max((w for _, w in promises), default=0.0)
        for promise, weight in promises:
            self.fields[f"promise_{promise.pk}"] = forms.DecimalField(
                label=promise.name,
                min_value=0,
                max_value=10,
                decimal_places=1,
                initial=round(weight / top * 10, 1) if top else 0,
                help_text=promise.description,
                widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.5"}),
            )
        self.promises = [p for p, _ in promises]

    def weights(self) -> dict[int, float]:
        return {p.pk: float(self.cleaned_data[f"promise_{p.pk}"] or 0) for p in self.promises}
