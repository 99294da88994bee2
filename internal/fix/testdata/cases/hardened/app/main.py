from fastapi import FastAPI

from app.config import settings

app = FastAPI(
    debug=settings.debug,
    docs_url="/docs" if settings.environment != "production" else None,
    redoc_url=None,
    openapi_url="/openapi.json" if settings.environment != "production" else None,
)


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
