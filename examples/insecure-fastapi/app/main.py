import uvicorn
from fastapi import FastAPI

from app.config import settings

app = FastAPI(debug=True, docs_url="/docs", openapi_url="/openapi.json")


@app.get("/")
def read_root():
    return {"secret_key": settings.secret_key}


if __name__ == "__main__":
    uvicorn.run("app.main:app", host="0.0.0.0", port=8000, reload=True)
