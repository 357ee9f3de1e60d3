from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_it_answers_an_unsupported_api_method_with_a_problem_detail(client: Client) -> None:
    response = client.put("/api/v1/organisations")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Method not allowed"
    assert "GET" in response["Allow"]


@pytest.mark.django_db
def test_it_leaves_unsupported_methods_outside_the_api_alone(client: Client) -> None:
    response = client.get("/accounts/logout/")
    assert response.status_code == 405
    assert not response["Content-Type"].startswith("application/problem+json")
