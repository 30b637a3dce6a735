"""`nutgraf demo` on a small folder of our own: it ingests, summarises every kind of fact
(places and events included) and suggests commands that work on what it built."""

import io

from rich.console import Console

from nutgraf.demo import run_demo

TEXTS = {
    "a.txt": "Putin orders mobilisation\n\nMOSCOW — Vladimir Putin, the Russian President, ordered a partial "
             "mobilisation of reserve forces on Wednesday, officials in Moscow said.\n\n\"This is a "
             "dangerous move,\" said NATO Secretary General Jens Stoltenberg, who condemned the decision.\n",
    "b.txt": "Finland restricts entry\n\nHELSINKI — The Finnish government imposed new restrictions on "
             "Russian tourists crossing the border, the Ministry of Foreign Affairs said on Thursday.\n",
}


def test_demo_summarises_places_and_events(tmp_path):
    folder = tmp_path / "samples"
    folder.mkdir()
    for name, text in TEXTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = io.StringIO()
    code = run_demo(folder, Console(file=out, width=160), db=tmp_path / "demo.db")
    text = out.getvalue()
    assert code == 0, text
    assert "2 articles" in text
    assert "Events (PLOVER)" in text and "MOBILIZE" in text
    assert " places (" in text and " events" in text
    assert "--format events" in text and "search --event" in text


def test_demo_does_not_import_the_cli():
    """The cli↔demo cycle is broken: progress and summary output are ``nutgraf.console``'s."""
    import subprocess
    import sys

    code = "import sys, nutgraf.demo; sys.exit('nutgraf.cli' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
