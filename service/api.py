"""The REST API and the web pages as one app: create_app builds the application (application.front)
once and puts it where service.dependencies hands it, and the viewer of each request, to the routes
(service.routes, one router per resource) and the pages (service.web).

Every route but /health and the OpenAPI pages needs a viewer (service.dependencies): reads are filtered
for it below HTTP by the front doors, writes need its role to allow them.
"""

import gc
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from application.front import Application
from application.settings import Settings
from service import web
from service.errors import ERROR_RESPONSES, install_error_handlers
from service.routes import ROUTERS
from service.serving import configure_deadlines, configure_logging

# Where `jcm serve --workers N` puts the settings it resolved for its API processes (app_of_serve).
SETTINGS_VARIABLE = "JCM_SERVE_SETTINGS"

DESCRIPTION = (
    "Facts, consistency warnings and multilingual search over Joint Crediting Mechanism "
    "documents in Thai, English and Japanese. Send an API key as `Authorization: Bearer KEY` "
    "(`jcm keys create --role ROLE` prints one). Roles: admin (everything, manages keys), "
    "secretariat (all documents, confidential ones included; uploads), reviewer (all documents; "
    "reviews warnings), public (public documents, their facts, warnings and search hits)."
)


def create_app(settings: Settings | None = None) -> FastAPI:
    application = Application(settings or Settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        application.start()
        yield
        application.stop()

    app = FastAPI(
        lifespan=lifespan, title="JCM documents API", version="0.2.0", description=DESCRIPTION,
        responses=ERROR_RESPONSES,
    )
    # The application, read by service.dependencies only.
    app.state.application = application
    # Security headers on every response: pages, API, static files, errors; FastAPI's documentation
    # pages get a policy of their own that lets them load Swagger UI and ReDoc.
    docs_paths = (app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url)
    app.add_middleware(web.SecurityHeaders, docs_paths=[path for path in docs_paths if path])
    install_error_handlers(app)
    web.install(app)
    for router in ROUTERS:
        app.include_router(router)
    return app


def app_of_serve() -> FastAPI:
    """The app of one of the API processes of `jcm serve --workers N`, which uvicorn starts afresh and
    which read the settings the command resolved from the environment."""
    from indices import warm_up

    settings = Settings(**json.loads(os.environ[SETTINGS_VARIABLE]))
    configure_logging()
    configure_deadlines(settings)
    app = create_app(settings)
    warm_up()  # dictionaries loaded now rather than in the first search
    gc.freeze()  # what start-up built lives as long as the process (see service.cli.serve)
    return app
