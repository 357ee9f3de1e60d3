"""The `oncobridge org`, `user` and `token` commands, as scripts use them."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from oncobridge.accounts.models import Membership, Organisation, PersonalAccessToken, User
from oncobridge.accounts.services import token_authenticate
from oncobridge.conftest import Alliance

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_org_create_prints_the_new_organisation() -> None:
    output = run("org", "create", "kings", "--name", "King's Cancer Institute", "--kind", "academic")

    assert output == "Created organisation kings: King's Cancer Institute (academic, alliance member)\n"
    assert Organisation.objects.get(slug="kings").alliance_member


def test_org_create_makes_companies_partners() -> None:
    run("org", "create", "initech", "--name", "Initech Bio", "--kind", "company")

    assert not Organisation.objects.get(slug="initech").alliance_member


def test_org_create_refuses_a_taken_slug(alliance: Alliance) -> None:
    with pytest.raises(CommandError, match="An organisation with slug 'acme' already exists"):
        run("org", "create", "acme", "--name", "Another Acme", "--kind", "company")


def test_org_create_refuses_an_invalid_slug() -> None:
    with pytest.raises(CommandError, match="not a valid slug"):
        run("org", "create", "Not A Slug", "--name", "X", "--kind", "academic")


def test_org_list_shows_one_organisation_per_line(alliance: Alliance) -> None:
    lines = run("org", "list", "--kind", "company").splitlines()

    assert lines == ["acme\tcompany\tpartner\tAcme Oncology", "globex\tcompany\tpartner\tGlobex Pharma"]


def test_user_create_prints_the_created_user(alliance: Alliance) -> None:
    output = run(
        "user", "create", "Zoe@Acme.example", "--org", "acme", "--role", "industry_member", "--name", "Zoe Z"
    )

    assert output == (
        "Created user zoe@acme.example (Zoe Z): industry_member at acme; "
        "no password: API tokens only until one is set\n"
    )
    membership = Membership.objects.get(user__email="zoe@acme.example")
    assert (membership.organisation.slug, membership.role) == ("acme", "industry_member")


def test_user_create_reads_the_password_from_stdin(
    alliance: Alliance, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-and-unusual-passphrase\n"))

    output = run(
        "user", "create", "zed@stolaf.example", "--org", "st-olaf", "--role", "reviewer", "--password-stdin"
    )

    assert output.endswith("; password set\n")
    assert User.objects.get(email="zed@stolaf.example").check_password("a-long-and-unusual-passphrase")


def test_user_create_refuses_a_weak_password(alliance: Alliance, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("password\n"))

    with pytest.raises(CommandError, match="too common"):
        run(
            "user",
            "create",
            "weak@stolaf.example",
            "--org",
            "st-olaf",
            "--role",
            "trainee",
            "--password-stdin",
        )
    assert not User.objects.filter(email="weak@stolaf.example").exists()


def test_user_create_refuses_an_unknown_organisation(alliance: Alliance) -> None:
    with pytest.raises(CommandError, match="No organisation with slug 'nowhere'"):
        run("user", "create", "x@nowhere.example", "--org", "nowhere", "--role", "investigator")


def test_user_create_refuses_a_taken_email(alliance: Alliance) -> None:
    with pytest.raises(CommandError, match="already exists"):
        run("user", "create", "ivan@stolaf.example", "--org", "st-olaf", "--role", "investigator")


def test_user_create_refuses_an_unknown_role(alliance: Alliance) -> None:
    with pytest.raises(CommandError, match="invalid choice: 'wizard'"):
        run("user", "create", "w@stolaf.example", "--org", "st-olaf", "--role", "wizard")


def test_token_create_prints_only_the_secret_which_authenticates(alliance: Alliance) -> None:
    output = run("token", "create", "--user", "paula@acme.example", "--name", "pipeline")

    secret = output.strip()
    assert output == f"{secret}\n"
    assert token_authenticate(secret=secret) == alliance.paula
    assert PersonalAccessToken.objects.get(user=alliance.paula).name == "pipeline"


def test_token_create_refuses_an_unknown_user(alliance: Alliance) -> None:
    with pytest.raises(CommandError, match=r"No user with e-mail nobody@example\.org"):
        run("token", "create", "--user", "nobody@example.org")


def test_token_list_shows_state_without_the_secret(alliance: Alliance) -> None:
    secret = run("token", "create", "--user", "ivan@stolaf.example").strip()

    lines = run("token", "list", "--user", "ivan@stolaf.example").splitlines()

    assert len(lines) == 1
    assert lines[0].split("\t")[2:4] == ["API token", "active"]
    assert secret not in lines[0]


def test_token_revoke_stops_the_token_working(alliance: Alliance) -> None:
    secret = run("token", "create", "--user", "ivan@stolaf.example").strip()
    token = PersonalAccessToken.objects.get(user=alliance.ivan)

    output = run("token", "revoke", str(token.pk))

    assert output.startswith(f"Revoked token {token.pk} ")
    assert token_authenticate(secret=secret) is None
    assert "revoked" in run("token", "list", "--user", "ivan@stolaf.example")


def test_token_revoke_refuses_an_unknown_id(alliance: Alliance) -> None:
    with pytest.raises(CommandError, match="No token with id 999999"):
        run("token", "revoke", "999999")


def test_an_error_exits_non_zero_with_a_message_and_no_traceback(tmp_path: Path) -> None:
    """The real console script, as a shell script sees it (on its own SQLite file)."""
    env = {"ONCOBRIDGE_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    oncobridge = Path(sys.executable).with_name("oncobridge")
    subprocess.run([oncobridge, "migrate", "-v0"], env=env, check=True, capture_output=True)  # noqa: S603

    result = subprocess.run(  # noqa: S603
        [oncobridge, "user", "create", "a@b.example", "--org", "missing", "--role", "investigator"],
        env=env,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 1
    assert result.stderr.strip() == "CommandError: No organisation with slug 'missing'."
    assert "Traceback" not in result.stderr
