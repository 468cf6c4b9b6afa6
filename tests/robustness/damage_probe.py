"""Damages an embedded index in every way a file can be damaged and searches it, in this process: run as
`python -m tests.robustness.damage_probe FOLDER` by test_damaged_index.py, which sees this process end
with SIGBUS if a damaged file is ever read through its mapping. Prints one line per case:
`CASE refused` (IndexDamagedError), `CASE answered` or `CASE error NAME`."""

from __future__ import annotations

import os
import random
import shutil
import sys
from pathlib import Path

from corpus.models import DocumentRef, Passage
from indices.base import IndexDamagedError, IndexSchemaError
from indices.embedded import EmbeddedIndex
from indices.integrity import COMPONENTS

WORDS = ["boiler", "heat", "pump", "solar", "rice", "husk", "Mongolia", "emission", "cement", "chiller"]


def build(path: Path, documents: int = 200) -> None:
    """Enough passages that every segment file spans several memory pages."""
    rng = random.Random(7)
    index = EmbeddedIndex(path)
    for number in range(documents):
        ref = DocumentRef(id=f"d{number}", filename=f"d{number}.pdf")
        index.add_passages([
            Passage(document=ref, block=block, page=1 + block // 5, language="en",
                    text=" ".join(rng.choice(WORDS) for _ in range(40)))
            for block in range(20)
        ])
    index.close()


def damage(file: Path, how: str) -> None:
    size = file.stat().st_size
    if how == "truncated":
        os.truncate(file, size // 3)
    elif how == "emptied":
        os.truncate(file, 0)
    elif how == "overwritten":  # same size, new modification time
        with file.open("r+b") as stream:
            stream.seek(size // 3)
            stream.write(os.urandom(min(4096, size // 3)))
    elif how == "deleted":
        file.unlink()


def probe(template: Path, work: Path, component: str, how: str, *, while_open: bool) -> str:
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(template, work)
    victim = sorted(work.glob(f"*{component}"))[0]
    index = None
    try:
        if while_open:
            index = EmbeddedIndex(work)
            index.search("boiler heat")
            # A search's facet aggregation may still be reading in another thread after it answered: a
            # file truncated during a read is the window no check closes (indices.integrity). Damage comes
            # once no read is in flight, as in a service between searches.
            index._facet_pool.shutdown(wait=True)
        damage(victim, how)
        if index is None:
            index = EmbeddedIndex(work)
        index.search("boiler heat")
        index.search("solar")
        return "answered"
    except IndexDamagedError:
        return "refused"
    except IndexSchemaError:  # cannot be opened at all: refused as well
        return "refused"
    except Exception as error:
        return f"error {type(error).__name__}"


def main(folder: Path) -> None:
    template = folder / "template"
    build(template)
    for while_open in (True, False):
        for component in COMPONENTS:
            for how in ("truncated", "emptied", "overwritten", "deleted"):
                outcome = probe(template, folder / "work", component, how, while_open=while_open)
                moment = "while open" if while_open else "before opening"
                print(f"{component} {how} {moment}: {outcome}", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
