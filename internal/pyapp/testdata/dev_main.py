"""Quick-start app.

Example:
    app = FastAPI(debug=False)  # this is a docstring, not code
"""
import os

import uvicorn
from fastapi import FastAPI
from pydantic import BaseSettings  # pydantic v1

DEBUG = True
SECRET_KEY = "dev-secret-key-change-me"
DATABASE_URL = os.getenv("DATABASE_URL", "postgresql://app:app@db:5432/app")
DOCS = "/docs"


class Settings(BaseSettings):
    debug: bool = True
    secret_key: str = "dev-secret"
    api_key: str = Field(default="sk-test-123", env="API_KEY")
    token: str = Field(..., env="TOKEN")

    class Config:
        env_file = ".env"
        secret_key = "not a field of Settings"


settings = Settings()
app = FastAPI(debug=True, title="Demo", docs_url=DOCS, openapi_url="/openapi.json")


@app.get("/")
def root():
    return {"debug": settings.debug, "msg": f"running {app.title!r:>10} in {'dev' if DEBUG else 'prod'}"}


if __name__ == "__main__":
    uvicorn.run("dev_main:app", host="0.0.0.0", port=8000, \
                reload=True, proxy_headers=True, forwarded_allow_ips="*")
