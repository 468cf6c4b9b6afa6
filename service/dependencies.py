"""The typed dependencies of the API's routes and the web pages: the application (application.front) and
its front doors made for the viewer of the request, who asks (the viewer, allowed an action) and which
page of a list it wants.

The app factory (service.api) puts the application on ``app.state`` once, at start-up; this module is
the only one that reads it there, so a route names the door it needs in its signature and nothing else.
"""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from application.access import Action, Sessions, Viewer
from application.administering import Administering
from application.front import Application
from application.reading import Reading
from application.reviewing import Reviewing
from application.settings import Settings
from application.uploading import Uploading
from corpus.filters import Window
from corpus.models import Document

PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
# Beyond any catalog, and within the 64-bit integers SQLite and the index take.
MAX_OFFSET = 10**9

# ---------------------------------------------------------------- the application


def app_application(request: Request) -> Application:
    return request.app.state.application


def app_settings(request: Request) -> Settings:
    return app_application(request).settings


def app_sessions(request: Request) -> Sessions:
    return app_application(request).sessions


ApplicationDep = Annotated[Application, Depends(app_application)]
SettingsDep = Annotated[Settings, Depends(app_settings)]
SessionsDep = Annotated[Sessions, Depends(app_sessions)]

# ---------------------------------------------------------------- who asks

_bearer = HTTPBearer(auto_error=False, description="an API key: `jcm keys create --role ROLE` prints one")


def current_viewer(
    request: Request,
    application: ApplicationDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None,
) -> Viewer:
    """The viewer of this request, or 401."""
    # The raw header, not the parsed credentials: a malformed one must be refused, not read as absent.
    authorization = request.headers.get("authorization")
    viewer = application.viewer_for(authorization)
    if viewer is None:
        message = "an API key is required" if not authorization else "the API key is not valid"
        raise HTTPException(401, message, headers={"WWW-Authenticate": "Bearer"})
    return viewer


def require(action: Action) -> Callable[[Viewer], Viewer]:
    """A dependency: the viewer, when its role may do ``action``; else 403 (401 for an anonymous reader,
    whom a key could allow)."""
    action = Action(action)  # a misspelt action fails when the routes are defined, not when called

    def allowed(viewer: Annotated[Viewer, Depends(current_viewer)]) -> Viewer:
        if viewer.may(action):
            return viewer
        doing = action.replace("_", " ")
        if viewer.refusal_status == 401:
            raise HTTPException(
                401, f"an API key is required to {doing}", headers={"WWW-Authenticate": "Bearer"}
            )
        raise HTTPException(403, f"the {viewer.role.value} role may not {doing}")

    return allowed


# One dependency per action, each made once: FastAPI resolves a dependency once per request only when
# the routes share the same callable. Named for what the viewer may do (web.Reader is what a page reads
# with).
CanRead = Annotated[Viewer, Depends(require(Action.READ))]
CanUpload = Annotated[Viewer, Depends(require(Action.UPLOAD))]
CanReview = Annotated[Viewer, Depends(require(Action.REVIEW))]
CanDelete = Annotated[Viewer, Depends(require(Action.DELETE))]
CanManageKeys = Annotated[Viewer, Depends(require(Action.MANAGE_KEYS))]
CurrentViewer = Annotated[Viewer, Depends(current_viewer)]

# ---------------------------------------------------------------- the front doors, for that viewer


def reading(viewer: CanRead, application: ApplicationDep) -> Reading:
    return application.reading(viewer)


def reviewing(viewer: CanReview, application: ApplicationDep) -> Reviewing:
    return application.reviewing(viewer)


def uploading(viewer: CanUpload, application: ApplicationDep) -> Uploading:
    return application.uploading(viewer)


def administering(viewer: CurrentViewer, application: ApplicationDep) -> Administering:
    """Each administrative action checks the viewer's role itself (routes add CanDelete and the like)."""
    return application.administering(viewer)


ReadingDep = Annotated[Reading, Depends(reading)]
ReviewingDep = Annotated[Reviewing, Depends(reviewing)]
UploadingDep = Annotated[Uploading, Depends(uploading)]
AdministeringDep = Annotated[Administering, Depends(administering)]

# ---------------------------------------------------------------- what is asked for

DocumentId = Annotated[str, Path(description="document id, or its file name", examples=["3f2a9c0d51e7b846"])]
DocumentFilter = Annotated[str | None, Query(description="document id or file name")]


def document_or_404(read: Reading, id_or_filename: str) -> Document:
    """The document, if the viewer may see it; a hidden one is as absent as a missing one."""
    document = read.find_document(id_or_filename)
    if document is None:
        raise HTTPException(404, "no such document")
    return document


def window(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="results per page")] = PAGE_SIZE,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="results to skip")] = 0,
) -> Window:
    """The page of a list the request asks for."""
    return Window(limit, offset)


WindowDep = Annotated[Window, Depends(window)]
