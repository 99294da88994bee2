from pydantic import Field
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    debug: bool = True
    environment: str = "development"
    log_level: str = Field('debug', env="LOG_LEVEL")


DEBUG = True
