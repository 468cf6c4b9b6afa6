"""Imported once by the worker server so every worker starts with its readers imported and its
extraction pipelines built."""
import gc

import extractors.readers.pdf  # noqa: F401  (imported on a worker's first PDF otherwise: pdfplumber, pypdfium2)
from application.file_analysis import warm_up

GC_YOUNG_THRESHOLD = 50_000

warm_up()

# What the server has built lives as long as every worker: kept out of the collector's generations,
# the workers' collections do not walk it, and their memory pages stay shared with the server.
gc.freeze()
# A file's analysis makes hundreds of thousands of short-lived containers, nearly all freed by reference
# counting: collecting every 700 new ones (the default) cost a few percent of a worker's time for nothing.
gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
