# app/main.py — the hardened example from the checklist.
from fastapi import FastAPI

from app.core.config import settings

app = FastAPI(
    debug=settings.debug,
    docs_url="/docs" if settings.environment != "production" else None,
    redoc_url=None,
)
