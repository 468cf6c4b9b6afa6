"""The command line starts quickly: spaCy (seconds to import) loads only in the extraction workers."""
import subprocess
import sys


def test_the_command_line_and_the_archive_do_not_import_spacy():
    probe = "import sys, service.cli, application.archive, checks; print('spacy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
