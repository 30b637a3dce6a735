"""NUTGRAF_SKIP_PASSES: the places and events passes can be left out, and that is recorded."""

import pytest
from click.testing import CliRunner

import nutgraf
from nutgraf.cli import main
from nutgraf.run.local import settings_hash

TEXT = "Vladimir Putin ordered a partial mobilisation in Moscow. Police arrested forty protesters in Moscow."


def test_skipped_passes_leave_their_lists_empty(monkeypatch):
    full = nutgraf.analyze(TEXT, clean=False)
    assert full.places and full.events
    monkeypatch.setenv("NUTGRAF_SKIP_PASSES", "places, events")
    lean = nutgraf.analyze(TEXT, clean=False)
    assert lean.places == [] and lean.events == []
    assert [q.text for q in lean.quotes] == [q.text for q in full.quotes]
    assert [e.name for e in lean.entities] == [e.name for e in full.entities]


def test_skipping_changes_the_settings_hash(monkeypatch):
    before = settings_hash("html")
    monkeypatch.setenv("NUTGRAF_SKIP_PASSES", "events")
    assert settings_hash("html") != before


def test_unknown_pass_is_one_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("NUTGRAF_SKIP_PASSES", "plaices")
    with pytest.raises(ValueError, match="plaices"):
        nutgraf.analyze(TEXT, clean=False)
    page = tmp_path / "a.txt"
    page.write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(main, ["analyze", str(page)])
    assert result.exit_code == 1 and "unknown pass(es) plaices" in result.output


def test_analyze_text_lists_places_and_events(tmp_path):
    page = tmp_path / "a.txt"
    page.write_text(TEXT, encoding="utf-8")
    out = CliRunner().invoke(main, ["analyze", str(page), "--format", "text"]).output
    assert "## places" in out and "-> Moscow" in out and "geonames:524901" in out
    assert "## events" in out and "MOBILIZE" in out and "Vladimir Putin" in out and "cameo 152" in out
