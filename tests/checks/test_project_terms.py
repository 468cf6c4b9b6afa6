"""The words that name a project's technology, building or place: each found where it is written, and
only there."""
import pytest

from checks.projects import profile_of, signature
from corpus.models import DocumentRef
from extractors.numbers import fold

NAMED = [
    ("Small hydro power plant on the river", {"hydro"}),
    ("Hydroelectric generation for the grid", {"hydro"}),
    ("Cold storage for a fish market", {"refrigeration"}),
    ("High-efficiency refrigerators at a supermarket", {"refrigeration"}),
    ("Wind turbines at a coastal site", {"wind"}),
    ("Co-generation at a textile factory", {"cogeneration", "textile", "factory"}),
    ("Air conditioners for an office", {"air_conditioner"}),
    ("Incinerator with waste heat recovery", {"waste_to_energy", "waste_heat"}),
    ("ヒートポンプを病院に導入する", {"heat_pump", "hospital"}),
    ("ติดตั้งแผงเซลล์แสงอาทิตย์บนหลังคาโรงเรียน", {"solar"}),
]
NOT_NAMED = [
    # Words that a name's alternatives share with everyday text: the order of the steps, a farm road,
    # an electric bus are no refrigeration, wind farm or hydro plant.
    "The order of the steps is set out in the annex.",
    "An electric bus runs on the farm road to the village.",
    "Installation of heat pumps at a hospital in Ulaanbaatar",
]


def concepts(text: str) -> set[str]:
    ref = DocumentRef(id="d", filename="d.txt")
    return set(signature([], profile_of(ref, [fold(text)])).concepts)


@pytest.mark.parametrize(("text", "expected"), NAMED)
def test_a_technology_or_building_is_named_by_each_of_its_words(text, expected):
    assert expected <= concepts(text)


@pytest.mark.parametrize("text", NOT_NAMED)
def test_no_concept_is_named_by_a_fragment_of_another_name(text):
    assert not concepts(text) & {"hydro", "refrigeration", "wind", "waste_to_energy", "air_conditioner"}
