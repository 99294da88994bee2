import os
from pathlib import Path

from pydantic_settings import BaseSettings


def get_secret(name: str) -> str:
    """Read a Docker secret from /run/secrets, falling back to the environment."""
    secret_file = Path(f"/run/secrets/{name}")
    if secret_file.exists():
        return secret_file.read_text().strip()
    return os.getenv(name.upper(), "")


class Settings(BaseSettings):
    debug: bool = False
    environment: str = "production"
    database_url: str = ""


settings = Settings()
SECRET_KEY = get_secret("secret_key")
