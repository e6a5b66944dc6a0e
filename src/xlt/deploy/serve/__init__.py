"""``xlt serve``: a FastAPI prediction service for one model fixed at start-up.

- settings.py: every limit and knob (ServeSettings)
- schemas.py: request/response models (unknown fields rejected; limits in the OpenAPI spec)
- language.py: language identification (py3langid) for texts sent without a language
- batcher.py: dynamic micro-batching over a bounded queue
- body_limit.py, auth.py, logs.py, metrics.py: request size limit, bearer token, JSON logs, Prometheus
- info.py: what ``GET /v1/info`` says about the model
- app.py: ``create_app`` wires it together; run.py starts uvicorn
"""
