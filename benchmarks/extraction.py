"""Fact-extraction throughput in characters per second, per language, on generated text.

    python benchmarks/extraction.py [--blocks 2000] [--runs 5]

Only extract_facts is timed: the blocks are built beforehand, as a reader would hand them over.
Each block has different numbers, so caches keyed on a block's text do not flatter the result.
Prints the median of the runs for English, Japanese and Thai.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

from corpus.models import Block, DocumentRef
from extractors.facts import extract_facts

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")

ENGLISH = [
    "Project {n} installs high-efficiency chillers at a factory in Viet Nam. The expected emission "
    "reductions are about {er:,} tCO2e per year, against reference emissions of {ref:,} tCO2e.",
    "The total project cost is USD {cost}.{d} million, of which the JCM financing support covers "
    "up to {share}% (JPY {sub} million).",
    "During the monitoring period from 1 April {y} to 31 March {y1}, {cred:,} credits were issued, of "
    "which {half:,} went to Japan. The plant has a capacity of {mw}.{d} MW.",
    "The programme budget for FY{y} is JPY {oku} billion, and {p} projects in {c} partner countries "
    "were selected.",
]
JAPANESE = [
    "プロジェクト{n}:排出削減量は約{er:,} t-CO2/年、リファレンス排出量は{ref:,}トンである。",
    "総事業費は{oku}億{man:,}万円、補助金は上限{sub}億円(補助率{share}%)とする。",
    "令和{r}年度の予算額は{oku}億円で、{c}か国において{p}件のプロジェクトを採択した。",
    "モニタリング期間({y}年4月1日～{y1}年3月31日)に{cred:,}トンのクレジットが発行された。",
]
THAI = [
    "โครงการที่ {n} ช่วยลดการปล่อยก๊าซเรือนกระจกได้ประมาณ {er} ตันคาร์บอนไดออกไซด์เทียบเท่าต่อปี",
    "มูลค่าการลงทุน {cost} ล้านบาท ได้รับเงินสนับสนุนไม่เกิน {sub} ล้านบาท คิดเป็นร้อยละ {share}",
    "ในปีงบประมาณ พ.ศ. {be} มีงบประมาณ {oku} ล้านบาท สำหรับ {p} โครงการ ใน {c} ประเทศ",
    "ระหว่างวันที่ ๑ เมษายน {be} ถึงวันที่ ๓๑ มีนาคม {be1} ออกเครดิต {cred} ตัน",
]


def _fields(rng: random.Random, n: int) -> dict[str, object]:
    year = rng.randint(2013, 2030)
    return {
        "n": n,
        "er": rng.randint(100, 99_999),
        "ref": rng.randint(100_000, 999_999),
        "cost": rng.randint(2, 900),
        "d": rng.randint(0, 9),
        "share": rng.randint(10, 50),
        "sub": rng.randint(1, 90),
        "y": year,
        "y1": year + 1,
        "be": year + 543,
        "be1": year + 544,
        "r": rng.randint(1, 9),
        "cred": rng.randint(100, 50_000),
        "half": rng.randint(50, 25_000),
        "mw": rng.randint(1, 90),
        "oku": rng.randint(1, 99),
        "man": rng.randint(1, 9999),
        "p": rng.randint(2, 40),
        "c": rng.randint(2, 29),
    }


def generated_texts(templates: list[str], count: int, thai_digits: bool = False) -> list[str]:
    rng = random.Random(20240401)
    texts = []
    for n in range(count):
        text = templates[n % len(templates)].format(**_fields(rng, n))
        texts.append(text.translate(THAI_DIGITS) if thai_digits and n % 2 else text)
    return texts


def blocks_of(texts: list[str], language: str) -> list[Block]:
    blocks, offset = [], 0
    for index, text in enumerate(texts):
        blocks.append(
            Block(
                page=1 + index // 20,
                text=text,
                index=index,
                start=offset,
                end=offset + len(text),
                language=language,
            )
        )
        offset += len(text) + 1
    return blocks


def median_seconds(run: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        run()
        timings.append(time.perf_counter() - began)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    runs = max(args.runs, 3)
    document = DocumentRef(id="bench", filename="bench.txt")
    corpora = {
        "en": generated_texts(ENGLISH, args.blocks),
        "ja": generated_texts(JAPANESE, args.blocks),
        "th": generated_texts(THAI, args.blocks, thai_digits=True),
    }
    for language, texts in corpora.items():
        blocks = blocks_of(texts, language)
        extract_facts(blocks[:50], document)  # build pipelines and lexicons outside the timing
        chars = sum(len(text) for text in texts)
        seconds = median_seconds(lambda blocks=blocks: extract_facts(blocks, document), runs)
        facts = len(extract_facts(blocks, document))
        print(
            f"{language}: {chars / seconds:>12,.0f} chars/s"
            f"  ({chars:,} chars, {facts:,} facts, median of {runs})"
        )


if __name__ == "__main__":
    main()
