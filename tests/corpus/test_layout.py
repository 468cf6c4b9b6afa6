"""The data folder's layout is one module's: the catalog, its files and the sessions are where it says."""
from application.access import Sessions
from application.settings import Settings
from corpus.layout import DataLayout
from corpus.store import Catalog


def test_the_archive_s_parts_live_where_the_layout_says(tmp_path):
    layout = Settings(data_dir=tmp_path).layout
    assert layout == DataLayout(tmp_path)
    catalog = Catalog(tmp_path)
    digest = catalog.files.put(b"bytes")
    Sessions(tmp_path, 60)
    assert catalog.path == layout.catalog and layout.catalog.is_file()
    assert catalog.files.path_for(digest).is_relative_to(layout.files)
    assert layout.session_secret.is_file() and layout.ended_sessions.is_file()
    assert {layout.index, layout.uploads}.isdisjoint(p for p in tmp_path.iterdir())  # made when needed
