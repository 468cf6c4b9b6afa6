from checks import run_checks
from corpus.models import DocumentRef, RawBlock
from extractors.blocks import place_blocks
from extractors.facts import extract_facts
from tests.checks.test_sums import fact


def emissions(
    reference: float, project: float, reduction: float, subject: str | None = None, at: int = 0
):
    made = [
        fact(reference, at + 1, kind="reference_emissions"),
        fact(project, at + 2, kind="project_emissions"),
        fact(reduction, at + 3, kind="emission_reduction"),
    ]
    return [f.model_copy(update={"subject": subject}) for f in made]


def test_reductions_that_do_not_follow_from_the_emissions_are_an_error():
    [warning] = run_checks(emissions(8000, 5000, 2700))
    assert warning.rule == "reference_minus_project"
    assert (warning.expected, warning.found) == (2700, 3000)
    assert "minus project emissions" in warning.message


def test_consistent_emissions_raise_nothing():
    assert run_checks(emissions(8000, 5000, 3000)) == []


def test_each_table_row_is_checked_against_its_own_project():
    rows = emissions(900, 400, 500, "Project A", at=0) + emissions(700, 300, 400, "Project B", at=10)
    assert run_checks(rows) == []
    rows[5] = rows[5].model_copy(update={"value": 450})
    [warning] = run_checks(rows)
    assert warning.facts[-1].subject == "Project B"


def sheet_facts(rows: list[list[str]]) -> list:
    """Facts of a monitoring sheet's table, through the real reading of its rows."""
    header = rows[0]
    blocks = place_blocks([
        RawBlock(page=1, kind="table_row", text=" | ".join(row), cells=row, header=header, table=0, row=n)
        for n, row in enumerate(rows)
    ])
    return extract_facts(blocks, DocumentRef(id="d1", filename="sheet.xlsx"))


def test_each_year_of_a_table_is_checked_against_its_own_row():
    header = ["Year", "Reference emissions (tCO2)", "Project emissions (tCO2)", "Emission reductions (tCO2)"]
    rows = [header, ["2022", "1,000", "300", "700"], ["2023", "1,100", "320", "780"]]
    assert run_checks(sheet_facts(rows)) == []
    rows[2][3] = "850"
    [warning] = run_checks(sheet_facts(rows))
    assert (warning.rule, warning.expected, warning.found) == ("reference_minus_project", 850, 780)
    assert {fact.period for fact in warning.facts} == {"2023"}


def money(kind: str, value: float, start: int, subject: str | None = None, qualifier: str = "exact"):
    made = fact(value, start, kind=kind, unit="JPY", qualifier=qualifier)
    return made.model_copy(update={"subject": subject})


def share(value: float, start: int, qualifier: str = "exact"):
    return fact(value, start, kind="subsidy_share", unit="%", qualifier=qualifier)


def test_stated_rate_that_does_not_match_the_amounts_is_flagged():
    facts = [money("project_cost", 950e6, 1), money("subsidy_amount", 380e6, 2), share(45, 3)]
    [warning] = run_checks(facts)
    assert warning.rule == "stated_share" and warning.found == 40.0


def test_rate_on_approximate_amounts_is_judged_with_their_precision():
    facts = [money("project_cost", 950e6, 1, qualifier="approx"), money("subsidy_amount", 427.5e6, 2),
             share(45, 3)]
    assert run_checks(facts) == []


def test_support_above_the_default_cap_is_flagged_per_project():
    facts = [
        money("project_cost", 720e6, 1, "A"), money("subsidy_amount", 288e6, 2, "A"),
        money("project_cost", 2400e6, 3, "B"), money("subsidy_amount", 1260e6, 4, "B"),
    ]
    [warning] = run_checks(facts)
    assert warning.rule == "programme_cap" and warning.found == 52.5
    assert warning.facts[0].subject == "B"


def test_a_cap_the_document_states_wins_over_the_default():
    facts = [money("project_cost", 100e6, 1), money("subsidy_amount", 45e6, 2), share(40, 3, "at_most")]
    [warning] = run_checks(facts)
    assert warning.expected == 40 and "the cap the document states" in warning.message
    within = [money("project_cost", 100e6, 1), money("subsidy_amount", 45e6, 2), share(50, 3, "at_most")]
    assert run_checks(within) == []


def test_a_monitoring_spreadsheets_rows_per_period_are_read_and_checked():
    rows = [["Parameters", "Description of data", "Values", "Units"],
            ["REp", "Reference emissions during the period p", "2,345", "tCO2/p"],
            ["PEp", "Project emissions during the period p", "1,120", "tCO2/p"],
            ["ERp", "Emission reductions during the period p", "1,225", "tCO2/p"]]
    facts = sheet_facts(rows)
    assert [(f.kind, f.value, f.unit) for f in facts] == [
        ("reference_emissions", 2345, "tCO2e"), ("project_emissions", 1120, "tCO2e"),
        ("emission_reduction", 1225, "tCO2e"),
    ]
    assert run_checks(facts) == []
    rows[3][2] = "1,300"
    [warning] = run_checks(sheet_facts(rows))
    assert (warning.rule, warning.expected, warning.found) == ("reference_minus_project", 1300, 1225)
