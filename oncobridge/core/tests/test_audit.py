import pytest

from oncobridge.accounts.models import User
from oncobridge.core.audit import audit_record
from oncobridge.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_an_audit_event_is_never_changed_or_removed_one_by_one_or_in_bulk() -> None:
    event = audit_record(actor=None, action="dataset.download", reason="export")

    event.action = "nothing"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    with pytest.raises(ValueError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).update(action="nothing")
    with pytest.raises(ValueError, match="append-only"):
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.get().action == "dataset.download"


def test_removing_an_account_keeps_its_events_with_the_name_they_were_recorded_under() -> None:
    user = User.objects.create_user(email="gone@example.org", password="x" * 12)
    audit_record(actor=user, action="grant.revoke")

    user.delete()

    event = AuditEvent.objects.get()
    assert (event.actor, event.actor_label) == (None, "gone@example.org")
