"""The library import's progress bar and report text (`fitcoach.library_commands`)."""

from __future__ import annotations

import io

from application.library_import import ImportReport, RevisedExercise
from application.library_source import SkippedEntry
from fitcoach.library_commands import CountBar, report_text, summary


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_off_a_terminal_the_bar_prints_plain_lines_and_the_last_count_at_the_end() -> None:
    out = io.StringIO()
    bar = CountBar(out, "importing")
    for done in range(1, 4):
        bar.update(done, 3)
    bar.finish()
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert lines[0].startswith("importing [")
    assert "1/3 exercises" in lines[0]  # the first update draws, later ones wait 5 s
    assert "3/3 exercises" in lines[-1]
    assert "100.0%" in lines[-1]


def test_on_a_terminal_the_bar_redraws_one_line() -> None:
    out = Terminal()
    bar = CountBar(out, "importing")
    bar.update(1, 2)
    bar.update(2, 2)
    bar.finish()
    text = out.getvalue()
    assert text.startswith("\rimporting [")
    assert text.endswith("\n")
    assert text.count("\n") == 1
    assert "2/2 exercises" in text.rsplit("\r", 1)[-1]


def test_a_bar_without_updates_prints_nothing() -> None:
    out = Terminal()
    CountBar(out, "importing").finish()
    assert out.getvalue() == ""


def test_the_report_text_names_each_change_and_each_skip_with_its_reason() -> None:
    report = ImportReport(
        ("A",),
        (RevisedExercise("B", ("name", "level")),),
        ("C", "D"),
        (SkippedEntry("entry 5", "no id"), SkippedEntry("E", "retired in the store (duplicate)")),
    )
    assert report_text(report).splitlines() == [
        "added 1, revised 1, unchanged 2, skipped 2",
        "  added    A",
        "  revised  B (name, level)",
        "  skipped  entry 5: no id",
        "  skipped  E: retired in the store (duplicate)",
    ]
    assert summary(report) == "exercise library: added 1, revised 1, unchanged 2, skipped 2"
    assert summary(None) == "exercise library already loaded"
