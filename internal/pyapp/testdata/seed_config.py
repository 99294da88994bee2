# app/core/config.py — the hardened example from the checklist.
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    debug: bool = False
    environment: str = "production"


settings = Settings()
