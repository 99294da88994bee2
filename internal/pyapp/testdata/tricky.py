import fastapi as fa
from uvicorn import run as serve, Config
from app.settings import BaseSettings as _Base  # a project's own re-export

text = "FastAPI(debug=True) inside a string"
other = 'uvicorn.run(app, reload=True)'  # and inside a comment: FastAPI(debug=True)
nested = f"{ {'k': "v"}["k"] } and {x:{width}} and {{literal}}"
raw = r"C:\path\"quoted"
longer = """triple "quoted" string
with FastAPI( in it
"""

class Common(_Base):
    log_level: str = "info"

class Prod(Common):
    debug: bool = False
    def helper(self):
        debug = True  # a local, not a field
        return debug

def factory(**kwargs):
    return fa.FastAPI(
        title="x",  # comment between arguments
        docs_url=(
            "/docs"
            if os.environ.get("ENV") == "dev"
            else None
        ),
        **kwargs,
    )

config = Config(app="tricky:app", host="127.0.0.1", reload=False)
serve(factory(), host="0.0.0.0")
