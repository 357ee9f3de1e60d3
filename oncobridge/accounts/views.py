"""Sign-in and personal access tokens: thin adapters over accounts.services and accounts.selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from oncobridge.accounts import selectors, services
from oncobridge.accounts.forms import EmailAuthenticationForm, TokenCreateForm
from oncobridge.core.errors import ServiceError


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django's default): a link cannot sign anyone out."""


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    issued = None
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.token_create(
                user=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                expires_at=form.expires_at(),
                actor=request.user,  # type: ignore[arg-type]
            )
        except ServiceError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            # The secret is rendered in this response only; it is never stored or shown again.
            form = TokenCreateForm()
    context = {
        "form": form,
        "issued": issued,
        "tokens": selectors.token_list(user=request.user),  # type: ignore[arg-type]
    }
    return render(request, "accounts/tokens.html", context)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.token_list(user=request.user).filter(pk=pk).first()  # type: ignore[arg-type]
    if token is None:
        raise Http404("No such token.")
    services.token_revoke(token=token, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, f"The token “{token.name}” is revoked and can no longer be used.")
    return redirect("accounts:tokens")
