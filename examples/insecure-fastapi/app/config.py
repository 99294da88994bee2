from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    debug: bool = True
    environment: str = "development"
    secret_key: str = "dev-secret-key-change-me"
    database_url: str = "postgresql://app:supersecret@db/app"


settings = Settings()
