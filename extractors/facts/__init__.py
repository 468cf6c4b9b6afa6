"""Facts from a document's blocks: each quantity, what it is about, and where the document says it.

A quantity becomes a fact when its unit is known and its kind can be told. The kind comes from the
cue word nearest to the number within its clause (a list item or sentence, or a table cell read with
its column header and row label), among the kinds its unit allows. Prose blocks go through a blank
spaCy pipeline (extractors.facts.pipeline) whose components mark quantities and cue words; table rows
are read cell by cell.

The modules, each reading on the ones before it: lexicon (the words and patterns), clause (one clause's
kinds, per-year and total words, spans), drafts (a fact before its id, its evidence), pipeline (the spaCy
components), prose, tables, and document (the entry point, extract_facts).
"""

from extractors.facts.document import extract_facts, fact_id
from extractors.facts.lexicon import Cue, country_mentions, find_cues, kinds_of_topic, side_names

__all__ = ["Cue", "country_mentions", "extract_facts", "fact_id", "find_cues", "kinds_of_topic", "side_names"]
