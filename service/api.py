"""The REST API and the web pages as one app: create_app builds the services once and puts them where
service.dependencies hands them to the routes (service.routes, one router per resource) and the pages
(service.web).

Every route but /health and the OpenAPI pages needs a viewer (service.dependencies): reads are filtered
for it below HTTP (include_confidential), writes need its role to allow them.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from application.access import Sessions
from application.archive import Archive
from application.jobs import JobRunner
from application.projects import ProjectResolver
from application.settings import Settings
from service import web
from service.errors import ERROR_RESPONSES, install_error_handlers
from service.routes import ROUTERS

DESCRIPTION = (
    "Facts, consistency warnings and multilingual search over Joint Crediting Mechanism "
    "documents in Thai, English and Japanese. Send an API key as `Authorization: Bearer KEY` "
    "(`jcm keys create --role ROLE` prints one). Roles: admin (everything, manages keys), "
    "secretariat (all documents, confidential ones included; uploads), reviewer (all documents; "
    "reviews warnings), public (public documents, their facts, warnings and search hits)."
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    archive = Archive(settings)
    runner = JobRunner(archive)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.search_backend == "embedded" and not archive.index_is_current():
            archive.rebuild_index()  # built by another version: derived data, rebuilt from the catalog
        runner.start()
        yield
        runner.stop()
        archive.close()

    app = FastAPI(
        lifespan=lifespan, title="JCM documents API", version="0.2.0", description=DESCRIPTION,
        responses=ERROR_RESPONSES,
    )
    # The services, read by service.dependencies only.
    app.state.archive = archive
    app.state.settings = settings
    app.state.jobs = runner
    app.state.projects = ProjectResolver(archive.catalog)
    app.state.sessions = Sessions(settings.data_dir, settings.session_hours * 3600)
    # Security headers on every response: pages, API, static files, errors; FastAPI's documentation
    # pages get a policy of their own that lets them load Swagger UI and ReDoc.
    docs_paths = (app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url)
    app.add_middleware(web.SecurityHeaders, docs_paths=[path for path in docs_paths if path])
    install_error_handlers(app)
    web.install(app)
    for router in ROUTERS:
        app.include_router(router)
    return app
