"""Optional bearer-token authentication (``XLT_API_TOKEN``) for the ``/v1`` and text-embeddings-inference routes."""

from __future__ import annotations

import hmac

from fastapi import HTTPException, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer <XLT_API_TOKEN> (when the server has one)")


def token_checker(token: str | None):
    """A FastAPI dependency: passes everything when ``token`` is None, else needs ``Bearer <token>``."""

    async def check(credentials: HTTPAuthorizationCredentials | None = Security(bearer)) -> None:
        if token is None:
            return
        if credentials is None:
            raise HTTPException(401, "missing bearer token: send 'Authorization: Bearer <token>'",
                                headers={"WWW-Authenticate": "Bearer"})
        if not hmac.compare_digest(credentials.credentials.encode(), token.encode()):
            raise HTTPException(401, "wrong bearer token", headers={"WWW-Authenticate": "Bearer"})

    return check
