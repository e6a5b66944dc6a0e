"""Schemathesis against the running service: generated requests from its OpenAPI spec, no server error.

Every default check runs (no 5xx, responses match the documented schemas and status codes, invalid
requests are refused), bounded to a few dozen examples per operation to stay fast. The operations are
walked inside one test (``get_all_operations`` + ``as_strategy``) because ``schemathesis.pytest.from_fixture``
fails on pytest 9 (``'Function' object has no attribute '_nodeid'``).
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.deploy.helpers import TOKEN


def test_every_operation_follows_its_spec(live_server):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {f"{op.method.upper()} {op.path}" for op in operations} >= {
        "POST /v1/predict", "GET /v1/info", "GET /healthz", "GET /readyz"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"})

        check()
