"""Facts measured on labelled real JCM publications: recall and precision per language, kind included.

    python benchmarks/realdocs.py --labels benchmarks/labels --texts DIR [--jcm .venv/bin/jcm] [--verbose]

`--labels` holds one `labels_<language>.json` per language (the shape of the development corpus's
gold.json, plus the `sources` each file was taken from); `--texts` holds the excerpts themselves, named
as the labels name them (their text is other people's and stays out of the repository). The excerpts
are ingested with the `jcm` command line into a throw-away data folder, as a user would.

Recall: labelled facts (not optional) that a fact of the same kind, value and unit matches. Precision:
emitted facts that match a labelled fact (optional ones included) of the same kind, value and unit.
Warnings: labelled inconsistencies found (both values named in one warning about their documents), and
false ones: warnings of severity warning or error that point at no labelled inconsistency (its documents
and none of its values named). Labelled files
missing from `--texts` are left out of every count.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

Key = tuple[str, str, float, str]  # document, kind, value, unit
Record = dict[str, Any]


def _jcm(jcm: str, data: Path, *args: str) -> Any:
    done = subprocess.run([jcm, "--data-dir", str(data), *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout) if args[0] != "ingest" else None


def _same_value(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def _matches(fact: Key, label: Key) -> bool:
    same_kind_and_unit = fact[0] == label[0] and fact[1] == label[1] and fact[3] == label[3]
    return same_kind_and_unit and _same_value(fact[2], label[2])


def _labelled(entry: dict[str, Any]) -> Key:
    return (entry["doc"], entry["kind"], float(entry["value"]), entry["unit"])


def _emitted(fact: dict[str, Any]) -> Key:
    return (fact["document"]["filename"], fact["kind"], float(fact["value"]), fact["unit"])


def _warning_found(label: Record, warnings: list[Record], *, every_value: bool = True) -> bool:
    """A warning finds a labelled inconsistency when it names the label's values and documents: all of
    them, or, for one that spans three documents or more, two of them that disagree. With
    ``every_value`` false, one of the values is enough: the warning points at the labelled problem."""
    labelled = set(label["docs"])
    for warning in warnings:
        names = {document["filename"] for document in warning["documents"]}
        text = json.dumps(warning, ensure_ascii=False).replace(",", "")
        documents_named = labelled <= names or (len(labelled) > 2 and len(names) >= 2 and names <= labelled)
        named = [str(int(value)) in text for value in label["values"]]
        if documents_named and (all(named) if every_value else any(named) or not named):
            return True
    return False


def measure(
    language: str, labels: Record, present: set[str], facts: list[Record], warnings: list[Record],
    verbose: bool,
) -> str:
    documents = set(labels["sources"]) & present
    required = [_labelled(e) for e in labels["facts"] if not e.get("optional") and e["doc"] in documents]
    every = [_labelled(entry) for entry in labels["facts"]]
    emitted = [_emitted(fact) for fact in facts if fact["document"]["filename"] in documents]
    found = [label for label in required if any(_matches(fact, label) for fact in emitted)]
    right = [fact for fact in emitted if any(_matches(fact, label) for label in every)]
    serious = [w for w in warnings if w["severity"] in ("warning", "error")
               and {d["filename"] for d in w["documents"]} <= documents]
    labelled = [label for label in labels["warnings"] if set(label["docs"]) <= documents]
    false = [w for w in serious
             if not any(_warning_found(label, [w], every_value=False) for label in labelled)]
    true = [label for label in labelled if _warning_found(label, serious)]
    if verbose:
        for label in required:
            if label not in found:
                print(f"  {language} MISSED   {label}")
        for fact in emitted:
            if fact not in right:
                print(f"  {language} WRONG    {fact}")
        for warning in false:
            print(f"  {language} FALSE WARNING {warning['rule']}: {warning['message'][:160]}")
    recall = len(found) / len(required) if required else 1.0
    precision = len(right) / len(emitted) if emitted else 1.0
    return (
        f"{language}: {len(documents)} excerpts | recall {len(found)}/{len(required)} = {recall:.2f} | "
        f"precision {len(right)}/{len(emitted)} = {precision:.2f} | "
        f"warnings {len(true)}/{len(labelled)} false={len(false)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, required=True)
    parser.add_argument("--texts", type=Path, required=True)
    parser.add_argument("--jcm", default=".venv/bin/jcm")
    parser.add_argument("--verbose", action="store_true")
    options = parser.parse_args()
    present = {path.name for path in options.texts.iterdir()}
    by_language = {path.stem.split("_", 1)[1]: json.loads(path.read_text(encoding="utf-8"))
                   for path in sorted(options.labels.glob("labels_*.json"))}
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        _jcm(options.jcm, data, "ingest", str(options.texts))
        facts = _jcm(options.jcm, data, "facts", "--format", "json")
        warnings = _jcm(options.jcm, data, "warnings", "--format", "json")
    lines = [measure(name, labels, present, facts, warnings, options.verbose)
             for name, labels in by_language.items()]
    print("\n".join(lines))
    print(measure("all", _merged(list(by_language.values())), present, facts, warnings, False))


def _merged(labels: list[dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {key: [entry for one in labels for entry in one[key]]
                              for key in ("facts", "warnings", "clean_docs")}
    merged["sources"] = {name: url for one in labels for name, url in one["sources"].items()}
    return merged


if __name__ == "__main__":
    main()
