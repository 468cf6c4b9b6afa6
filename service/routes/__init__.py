"""The API's routes, one router per resource; service.api includes them in this order."""

from fastapi import APIRouter

from service.routes import documents, facts, health, jobs, keys, projects, search, warnings

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    documents.router,
    jobs.router,
    facts.router,
    projects.router,
    warnings.router,
    search.router,
    keys.router,
)
