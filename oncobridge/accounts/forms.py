from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone


class EmailAuthenticationForm(AuthenticationForm):
    """Django's login form, asking for the e-mail address the account is known by."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget = forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})


class TokenCreateForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    name = forms.CharField(
        max_length=120,
        help_text="What the token is for, e.g. “Nightly cohort export”.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    expires_on = forms.DateField(
        required=False,
        label="Expires on (optional)",
        help_text="The token stops working at the end of this day (UTC). Leave empty for no expiry.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_expires_on(self) -> dt.date | None:
        expires_on: dt.date | None = self.cleaned_data.get("expires_on")
        if expires_on is not None and expires_on < timezone.now().date():
            raise forms.ValidationError("The expiry date is in the past.")
        return expires_on

    def expires_at(self) -> dt.datetime | None:
        expires_on: dt.date | None = self.cleaned_data.get("expires_on")
        if expires_on is None:
            return None
        return dt.datetime.combine(expires_on, dt.time.max, tzinfo=dt.UTC)
