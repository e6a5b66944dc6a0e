"""Start the service with uvicorn: one process, or ``workers`` processes each holding the model."""

from __future__ import annotations

import json
import os

from xlt.deploy.serve.logs import log_config
from xlt.deploy.serve.settings import ServeSettings


def run_server(settings: ServeSettings, *, host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Serve until SIGINT/SIGTERM; then stop accepting, finish in-flight requests, drain the queue, exit."""
    import uvicorn

    options = dict(host=host, port=port, log_config=log_config(), access_log=False,
                   timeout_graceful_shutdown=settings.graceful_timeout_s)
    if workers == 1:
        from xlt.deploy.serve.app import create_app  # the app (fastapi) only in the process that serves

        uvicorn.run(create_app(settings), **options)
    else:  # worker processes import the app by name: pass the settings through the environment
        from xlt.deploy.serve.app import SETTINGS_ENV

        os.environ[SETTINGS_ENV] = json.dumps(json.loads(settings.model_dump_json()))
        uvicorn.run("xlt.deploy.serve.app:app_from_env", factory=True, workers=workers, **options)
