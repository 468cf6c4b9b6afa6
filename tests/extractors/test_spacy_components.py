"""The quantity and cue components are spaCy components anyone can add to a pipeline of their own."""
import json
import subprocess
import sys

# Run in a fresh interpreter that never imports our modules: spaCy must find the components through the
# package's entry points alone.
_SCRIPT = """
import json, spacy
nlp = spacy.blank("en")
nlp.add_pipe("jcm_quantities")
nlp.add_pipe("jcm_cues")
doc = nlp("The boiler cuts 1,200 tCO2e a year, with a subsidy of JPY 300 million.")
print(json.dumps({
    "quantities": [[q.value, q.unit] for q in doc._.jcm_quantities],
    "cues": [c.topic for c in doc._.jcm_cues],
    "spans": [[s.text, s.label_] for s in doc.spans["jcm_quantities"]],
    "assigns": nlp.analyze_pipes()["summary"]["jcm_quantities"]["assigns"],
}))
"""


def test_the_components_are_found_by_name_and_mark_the_doc() -> None:
    command = [sys.executable, "-c", _SCRIPT]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd="/")
    marks = json.loads(done.stdout)
    assert marks["quantities"] == [[1200.0, "tCO2e"], [300000000.0, "JPY"]]
    assert {"reduction", "subsidy"} <= set(marks["cues"])
    assert marks["spans"] == [["1,200 tCO2e a year", "tCO2e"], ["JPY 300 million", "JPY"]]
    assert marks["assigns"] == ["doc._.jcm_quantities", "doc.spans"]
