// Upload a file and follow its job: the server answers with the job (status, stage, pages_done,
// pages_total, outcome, reason) and the poll_url to ask again until it is done or failed.
const form = document.getElementById("upload");
const box = document.getElementById("job");
const bar = document.getElementById("job-progress");
const line = document.getElementById("job-status");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  show({status: "uploading"});
  try {
    const response = await fetch(form.action, {method: "POST", body: new FormData(form)});
    const body = await response.json();
    follow(response.ok ? body : {status: "failed", error: body.error.message});
  } catch (error) {
    show({status: "failed", error: String(error)});
  }
});

async function follow(job) {
  show(job);
  if (!job.poll_url || job.status === "done" || job.status === "failed") return;
  await new Promise((resolve) => setTimeout(resolve, 500));
  follow(await (await fetch(job.poll_url)).json());
}

function show(job) {
  box.hidden = false;
  box.dataset.status = job.status;
  bar.max = job.pages_total || 1;
  bar.value = job.status === "done" ? bar.max : job.pages_done || 0;
  line.textContent = {
    uploading: "Uploading…",
    queued: `${job.filename}: waiting to be read`,
    running: `${job.filename}: ${job.stage || "reading"}, page ${job.pages_done || 0} of ${job.pages_total || "?"}`,
    done: job.outcome === "unchanged" ? `${job.filename} is already in the archive.`
        : `${job.filename}: ${job.pages_total || 0} page(s) read. `,
    failed: `Failed: ${job.error || job.reason || "unknown reason"}`,
  }[job.status] || job.status;
  if (job.document_url) {
    const link = document.createElement("a");
    link.href = job.document_url;
    link.textContent = "Open the document";
    line.append(" ", link);
  }
}
