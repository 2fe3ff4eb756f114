"""Texts unspin cannot judge carry warnings; force_language="en" analyses them anyway."""

from __future__ import annotations

import pytest

import unspin

GERMAN = (
    "Die Bundesregierung hat am Dienstag beschlossen, dass die neuen Regeln für den "
    "Klimaschutz erst im nächsten Jahr in Kraft treten sollen, weil mehrere Ministerien noch "
    "Zeit brauchen, um die Kosten des Programms genau zu berechnen. Die Opposition nannte das "
    "einen Verrat an den Wählern und eine Schande für das ganze Land."
)


def test_another_language_is_not_analysed_and_says_so() -> None:
    doc = unspin.analyze(GERMAN, tier="fast")
    assert doc["schema_version"] == "1.2"
    [warning] = doc["warnings"]
    assert warning["code"] == "language" and warning["language"] == "deu"
    assert "technique" in warning["skipped_layers"]
    assert "technique" not in doc["layers"] and "quote" not in doc["layers"]
    assert doc["layers"]["sentence"]


def test_force_language_en_analyses_it_anyway() -> None:
    doc = unspin.analyze(GERMAN, tier="fast", force_language="en")
    assert doc["warnings"] == []
    assert isinstance(doc["layers"]["technique"], list)
    analyzer = unspin.Analyzer("fast", force_language="EN")
    assert analyzer.analyze(GERMAN)["warnings"] == []


def test_only_english_can_be_forced() -> None:
    with pytest.raises(ValueError, match="English-only"):
        unspin.Analyzer("fast", force_language="de")
