"""Uploads being ingested: their status, progress and outcome."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query

from corpus.filters import JobQuery
from corpus.models import Job, JobStatus
from service.dependencies import CanUpload, UploadingDep, WindowDep
from service.schemas import Page, page_of

router = APIRouter(tags=["documents"])
JobId = Annotated[
    str, Path(description="job id, as POST /documents answered", examples=["j-7d0c4b1e9a2f5c38"])
]
JobStatusFilter = Annotated[JobStatus | None, Query(description="only jobs with this status")]


@router.get("/jobs", response_model=Page[Job])
def list_jobs(
    viewer: CanUpload, uploads: UploadingDep, window: WindowDep, status: JobStatusFilter = None
) -> Page[Job]:
    """Uploads, oldest first (secretariat, admin)."""
    query = JobQuery(status)
    return page_of(uploads.jobs(query, window), uploads.count_jobs(query), window)


@router.get("/jobs/{job_id}", response_model=Job)
def get_job(job_id: JobId, viewer: CanUpload, uploads: UploadingDep) -> Job:
    """An upload's status, progress and outcome (secretariat, admin)."""
    job = uploads.job(job_id)
    if job is None:
        raise HTTPException(404, f"no job {job_id}")
    return job
