"""Prose saved at every keystroke becomes one revision per burst of typing, not one per key."""

from __future__ import annotations

import datetime as dt

from model.sample import sample_report
from model.store import edits


def text_revisions(store, rid):
    return [r for r in store.history(rid) if r.what == "text"]


def test_a_burst_of_typing_is_one_revision_and_can_be_brought_back(store):
    info = store.save_report(sample_report())
    before = store.load(info.id)[0].text["problems"]
    v = info.version
    for ch in "一二三":
        v = store.set_text(
            info.id, "problems", store.load(info.id)[0].text["problems"] + ch, expected_version=v
        )
    revs = [r for r in text_revisions(store, info.id) if r.key == "problems"]
    assert len(revs) == 1
    assert revs[0].old == before and revs[0].new == before + "一二三" and revs[0].version == v
    # another kind of change closes the burst; typing after it is a revision of its own
    v = store.set_cell(info.id, "t2.licensing.decisions", 7, expected_version=v)
    v = store.set_text(info.id, "problems", before + "一二三四", expected_version=v)
    assert len([r for r in text_revisions(store, info.id) if r.key == "problems"]) == 2
    # the state before the typing can be brought back
    store.restore(info.id, revs[0].version - 1)
    assert store.load(info.id)[0].text["problems"] == before


def test_another_section_or_a_pause_starts_a_new_revision(store, monkeypatch):
    info = store.save_report(sample_report())
    v = store.set_text(info.id, "problems", "甲")
    v = store.set_text(info.id, "other", "乙", expected_version=v)
    assert len(text_revisions(store, info.id)) == 2
    monkeypatch.setattr(edits, "TYPING_GAP", dt.timedelta(seconds=-1))  # every keystroke "after a pause"
    store.set_text(info.id, "other", "乙丙", expected_version=v)
    assert len(text_revisions(store, info.id)) == 3
