"""``xlt serve``: a FastAPI prediction service for one model fixed at start-up.

- settings.py: every limit and knob (ServeSettings)
- schemas.py: request/response models (unknown fields rejected; limits in the OpenAPI spec)
- task_io.py: each served task's ``/v1/predict`` input and prediction shapes (classification, tagging, QA)
- language.py: language identification (py3langid) for texts sent without a language
- language_map.py: detected codes onto the run's evaluated ones (langcodes), for per-prediction scores
- embedder.py: sentence vectors (the encoder's pooled output) for the embedding routes
- compat.py, tei.py, openai_embeddings.py: text-embeddings-inference and OpenAI-style routes and shapes
- batcher.py: dynamic micro-batching of input rows over a bounded queue
- body_limit.py, auth.py, logs.py, metrics.py: request size limit, bearer token, JSON logs, Prometheus
- info.py: what ``GET /v1/info`` says about the model
- app.py: ``create_app`` wires it together; run.py starts uvicorn
"""
