import uvicorn
from fastapi import FastAPI

app = FastAPI(debug=True, docs_url=None, openapi_url=None)
admin = FastAPI(title="admin", debug = True, openapi_url=None)


if __name__ == "__main__":
    uvicorn.run("app.main:app", host="0.0.0.0", reload=True, port=8000)
    uvicorn.run(
        "app.main:app",
        reload=True,
    )
    uvicorn.run(reload=True, app="app.main:app")
    uvicorn.run("app.main:app", debug=True)
