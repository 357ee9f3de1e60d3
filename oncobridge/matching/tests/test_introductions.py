"""Introductions: requested from a match, decided by the alliance office, followed to an outcome."""

from __future__ import annotations

from typing import Any

import pytest

from oncobridge.accounts.access import viewer_for
from oncobridge.collaborations.models import AgreementKind, AgreementStatus
from oncobridge.conftest import Alliance
from oncobridge.core.errors import NotFound, PermissionDenied
from oncobridge.core.models import AuditEvent
from oncobridge.matching import selectors, services
from oncobridge.matching.models import Introduction, IntroductionStatus, Notification
from oncobridge.matching.tests.conftest import Portfolio


def request_organoids(alliance: Alliance, portfolio: Portfolio) -> Introduction:
    return services.introduction_request(
        viewer=viewer_for(alliance.paula),
        actor=alliance.paula,
        target_kind="asset",
        target_id=portfolio.organoids.pk,
        message="We would like to test our inhibitor on these organoids.",
        query=selectors.MatchQuery(source_kind="need", source_id=portfolio.acme_need.pk),
    )


def test_a_request_keeps_the_match_as_it_was_explained(alliance: Alliance, indexed: Portfolio) -> None:
    introduction = request_organoids(alliance, indexed)

    assert introduction.status == IntroductionStatus.REQUESTED
    assert introduction.target_organisation == alliance.centre
    assert introduction.score > 0
    assert "Cancer types: NSCLC (you) ⊃ LUAD (them)" in introduction.explanation


def test_the_alliance_managers_hear_of_a_request(alliance: Alliance, indexed: Portfolio) -> None:
    request_organoids(alliance, indexed)

    assert Notification.objects.filter(recipient=alliance.alice, read_at__isnull=True).count() == 1


def test_approval_tells_both_parties_in_the_app_and_by_email(
    alliance: Alliance, indexed: Portfolio, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    introduction = request_organoids(alliance, indexed)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.introduction_decide(actor=alliance.alice, introduction=introduction, approve=True, note="Go")

    assert Notification.objects.filter(
        recipient=alliance.paula, verb__startswith="Introduction approved"
    ).exists()
    assert Notification.objects.filter(
        recipient=alliance.ivan, verb__startswith="Introduction approved"
    ).exists()
    assert sorted(address for mail in mailoutbox for address in mail.to) == [
        "ivan@stolaf.example",
        "paula@acme.example",
    ]


def test_a_declined_request_is_told_to_the_requester_only(
    alliance: Alliance, indexed: Portfolio, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    introduction = request_organoids(alliance, indexed)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.introduction_decide(actor=alliance.alice, introduction=introduction, approve=False)

    assert [mail.to for mail in mailoutbox] == [["paula@acme.example"]]
    assert not Notification.objects.filter(recipient=alliance.ivan).exists()


def test_an_approved_introduction_opens_a_draft_cda_between_both_organisations(
    alliance: Alliance, indexed: Portfolio
) -> None:
    introduction = request_organoids(alliance, indexed)
    services.introduction_decide(actor=alliance.alice, introduction=introduction, approve=True)

    agreement = services.introduction_open_cda(actor=alliance.paula, introduction=introduction)

    assert (agreement.kind, agreement.status) == (AgreementKind.CDA, AgreementStatus.DRAFT)
    assert set(agreement.parties.all()) == {alliance.acme, alliance.centre}
    introduction.refresh_from_db()
    assert introduction.status == IntroductionStatus.CDA_OPENED


def test_a_requested_introduction_cannot_open_a_cda(alliance: Alliance, indexed: Portfolio) -> None:
    introduction = request_organoids(alliance, indexed)

    with pytest.raises(Exception, match="approved"):
        services.introduction_open_cda(actor=alliance.alice, introduction=introduction)


def test_outcomes_feed_the_ranking_report(alliance: Alliance, indexed: Portfolio) -> None:
    introduction = request_organoids(alliance, indexed)
    services.introduction_decide(actor=alliance.alice, introduction=introduction, approve=True)
    services.introduction_open_cda(actor=alliance.alice, introduction=introduction)

    services.introduction_record_outcome(
        actor=alliance.paula, introduction=introduction, outcome="led_to_project"
    )

    report = selectors.ranking_report()
    assert report.by_outcome["led_to_project"] == 1
    assert report.by_status["cda_opened"] == 1
    assert sum(bucket.positive for bucket in report.by_score) == 1
    assert next(part for part in report.by_part if part.part == "cancer_types").acceptance_rate == 1.0


def test_only_an_alliance_manager_decides(alliance: Alliance, indexed: Portfolio) -> None:
    introduction = request_organoids(alliance, indexed)

    with pytest.raises(PermissionDenied):
        services.introduction_decide(actor=alliance.ivan, introduction=introduction, approve=True)


def test_nobody_asks_to_be_introduced_to_what_they_cannot_see(alliance: Alliance, indexed: Portfolio) -> None:
    with pytest.raises(NotFound):
        services.introduction_request(
            viewer=viewer_for(alliance.gary),
            actor=alliance.gary,
            target_kind="asset",
            target_id=indexed.organoids.pk,
        )


def test_every_step_is_audited(alliance: Alliance, indexed: Portfolio) -> None:
    introduction = request_organoids(alliance, indexed)
    services.introduction_decide(actor=alliance.alice, introduction=introduction, approve=True)
    services.introduction_open_cda(actor=alliance.alice, introduction=introduction)
    services.introduction_record_outcome(actor=alliance.ivan, introduction=introduction, outcome="accepted")

    actions = set(
        AuditEvent.objects.filter(
            target_type="matching.introduction", target_id=str(introduction.pk)
        ).values_list("action", flat=True)
    )
    assert actions == {
        "introduction.request",
        "introduction.approve",
        "introduction.cda_open",
        "introduction.outcome",
    }
