from checks import run_checks
from checks.base import implied_precision, tolerance
from corpus.models import DocumentRef, Evidence, Fact

DOC = DocumentRef(id="d1", filename="summary.txt")


def fact(value: float, start: int, *, total: bool = False, qualifier: str = "exact",
         unit: str = "tCO2e/yr", kind: str = "emission_reduction", precision: float | None = None,
         document: DocumentRef = DOC) -> Fact:
    return Fact(
        document=document, kind=kind, value=value, unit=unit, qualifier=qualifier, is_total=total,
        precision=precision, evidence=Evidence(page=1, text=f"{value}", start=start, end=start + 5, block=0),
    )


def test_total_that_differs_from_its_parts_is_an_error_with_both_numbers():
    facts = [fact(12400, 10), fact(1050, 20), fact(2300, 30), fact(16750, 40, total=True)]
    [warning] = run_checks(facts)
    assert warning.rule == "sum_of_parts"
    assert warning.severity == "error"
    assert (warning.expected, warning.found) == (16750, 15750)
    assert "15,750" in warning.message and "16,750" in warning.message
    assert [d.filename for d in warning.documents] == ["summary.txt"]
    assert len(warning.facts) == 4


def test_total_rounded_to_hundreds_agrees_with_exact_parts():
    facts = [fact(646, 1), fact(798, 2), fact(6000, 3), fact(772, 4), fact(8200, 5, total=True)]
    assert run_checks(facts) == []


def test_rounding_does_not_excuse_a_thousand_off():
    facts = [fact(41000, 1), fact(20000, 2), fact(8250, 3), fact(68250, 4, total=True)]
    [warning] = run_checks(facts)
    assert warning.found == 69250


def test_approximate_total_is_allowed_its_own_precision():
    facts = [fact(4210, 1), fact(690, 2), fact(4900, 3, total=True, qualifier="approx")]
    assert run_checks(facts) == []


def test_parts_of_other_kinds_units_or_documents_are_not_summed():
    other = DocumentRef(id="d2", filename="other.txt")
    facts = [
        fact(500, 1, kind="project_cost", unit="JPY"),
        fact(100, 2),
        fact(200, 3, document=other),
        fact(300, 4, unit="tCO2e"),
        fact(150, 5),
        fact(250, 6, total=True),
    ]
    assert run_checks(facts) == []


def test_a_second_total_only_sums_the_items_after_the_first():
    facts = [fact(1, 1), fact(2, 2), fact(3, 3, total=True)]
    facts += [fact(10, 4), fact(20, 5), fact(30, 6, total=True)]
    assert run_checks(facts) == []


def test_precision_comes_from_the_text_first_then_trailing_zeros():
    assert implied_precision(fact(8200, 1)) == 100
    assert implied_precision(fact(8216, 1)) == 1
    assert implied_precision(fact(8200, 1, precision=1)) == 1
    assert tolerance(fact(8200, 1, total=True)) == 50


def test_warning_id_is_stable_when_offsets_move():
    first = run_checks([fact(1, 1), fact(2, 2), fact(4, 3, total=True)])
    moved = run_checks([fact(1, 101), fact(2, 202), fact(4, 303, total=True)])
    assert first[0].id == moved[0].id
