"""Everything ``xlt serve`` can be told, validated once at start-up."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

TOKEN_ENV = "XLT_API_TOKEN"


class ServeSettings(BaseModel):
    """The served model and the service's limits. The model is fixed here; no request can name another."""

    model_config = ConfigDict(extra="forbid")

    model: Path = Field(description="a run folder, a saved model folder or an exported variant folder")
    max_batch_size: int = Field(32, ge=1, description="texts per forward pass at most (micro-batching)")
    max_wait_ms: float = Field(5.0, ge=0, description="how long the first queued request waits for company")
    batching: bool = Field(True, description="False: one request, one forward pass (for comparison)")
    queue_size: int = Field(512, ge=1, description="texts waiting at most; beyond it: 503 with Retry-After")
    max_texts: int = Field(64, ge=1, description="texts per request at most")
    max_chars: int = Field(2000, ge=1, description="characters per text at most")
    max_body_bytes: int = Field(1_000_000, ge=1024, description="request body size at most (413 beyond)")
    api_token: str | None = Field(None, description=f"bearer token required on /v1/*, /predict, /embed and /info "
                                                              f"(default: ${TOKEN_ENV})",
                                  repr=False)
    threads: int | None = Field(None, ge=1, description="intra-op threads of the model (default: torch's)")
    device: str = Field("auto", description="where the model runs: auto (a GPU where there is one), cpu, cuda, "
                                            "cuda:N, mps")
    dtype: str = Field("auto", pattern="^(auto|float32|bfloat16|float16)$",
                       description="weights' precision: auto (bfloat16 on a CUDA GPU that has it, else float32), "
                                   "float32, bfloat16, float16")
    graceful_timeout_s: float = Field(30.0, ge=0, description="time in-flight requests get at shutdown")

    @classmethod
    def with_env_token(cls, **values) -> ServeSettings:
        """Settings whose token defaults to ``$XLT_API_TOKEN`` (empty or unset: no authentication)."""
        values.setdefault("api_token", os.environ.get(TOKEN_ENV) or None)
        return cls(**values)
