"""Schemathesis against the running service: generated requests from its OpenAPI spec, no server error.

Every default check runs (no 5xx, responses match the documented schemas and status codes, invalid
requests are refused), bounded to a few dozen examples per operation to stay fast, for a classification,
a tagging and a QA model (each task has its own ``/v1/predict`` shapes). The operations are walked inside
one test (``get_all_operations`` + ``as_strategy``) because ``schemathesis.pytest.from_fixture`` fails on
pytest 9 (``'Function' object has no attribute '_nodeid'``).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.deploy.helpers import TOKEN, LiveServer

ROUTES = {"POST /v1/predict", "GET /v1/info", "GET /healthz", "GET /readyz", "POST /predict", "POST /embed",
          "GET /info", "GET /health", "POST /v1/embeddings"}


@pytest.fixture(scope="module", params=["tagger", "qa"])
def task_server(request, stock_folders):
    """The service on a card-less tagging or QA model, with small limits and the token."""
    from xlt.deploy.serve.app import create_app
    from xlt.deploy.serve.settings import ServeSettings

    settings = ServeSettings(model=stock_folders / request.param, max_batch_size=4, max_texts=4, max_chars=200,
                             max_body_bytes=64 * 1024, api_token=TOKEN, device="cpu")
    with LiveServer(create_app(settings)) as server:
        yield server


def check_every_operation(url: str, examples: int, routes: set[str]) -> None:
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {f"{op.method.upper()} {op.path}" for op in operations} >= routes
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"})

        check()


def test_every_operation_follows_its_spec(live_server):
    check_every_operation(live_server.url, 25, ROUTES)


def test_every_operation_follows_its_spec_for_tagging_and_qa(task_server):
    check_every_operation(task_server.url, 15, ROUTES - {"POST /predict"})  # TEI's classifier route
