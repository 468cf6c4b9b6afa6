"""Imported once by the worker server so every worker starts with its readers imported and its
extraction pipelines built."""
import gc

import extractors.readers.pdf  # noqa: F401  (imported on a worker's first PDF otherwise: pdfplumber, pypdfium2)
from application.file_analysis import warm_up

warm_up()

# What the server has built lives as long as every worker: kept out of the collector's generations,
# the workers' collections do not walk it, and their memory pages stay shared with the server.
gc.freeze()
