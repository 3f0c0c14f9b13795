"""The caches of what scoring builds from the built-in content: the same values as without them,
rebuilt when the content changes or the file is damaged."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from empathy_coach.banks.loader import load_file
from empathy_coach.content import cache
from empathy_coach.content.cache import EncodedRows, builtin_lexicon, defer, pack, unpack
from empathy_coach.paths import builtin_root, cache_home
from empathy_coach.scoring.lexicon import EmotionLexicon, PhraseSet
from empathy_coach.scoring.tables import Lexicons
from empathy_coach.scoring.text import Analysis


def _rows(data):
    return {name: data["weights"][name] for name in data["weights"]}


def test_the_cached_coder_is_the_coder_file():
    expected = json.loads(cache.builtin_coder_weights_path().read_text(encoding="utf-8"))
    first = cache.builtin_coder_data()  # reads the JSON and writes the cache
    assert list(cache_home().glob("coder-*.msgpack"))
    second = cache.builtin_coder_data()
    assert isinstance(second["weights"], EncodedRows)
    for data in (first, second):
        assert {k: v for k, v in data.items() if k != "weights"} == {k: v for k, v in expected.items() if k != "weights"}
        assert len(data["weights"]) == len(expected["weights"])
        assert _rows(data) == expected["weights"]
    rows = second["weights"]
    name = next(iter(expected["weights"]))
    assert rows.get(name) == rows[name] == expected["weights"][name]
    assert rows.get("u:no-such-feature") is None and "u:no-such-feature" not in rows
    with pytest.raises(KeyError):
        rows["u:no-such-feature"]


def test_a_damaged_coder_cache_is_rebuilt():
    cache.builtin_coder_data()
    (target,) = cache_home().glob("coder-*.msgpack")
    for damage in (b"", b"\x93\x01\x02", target.read_bytes()[: target.stat().st_size // 2]):
        target.write_bytes(damage)
        data = cache.builtin_coder_data()
        assert len(data["weights"]) > 1000 and data["codes"]
        assert cache.builtin_coder_data()["weights"].get(next(iter(data["weights"]))) is not None


def test_a_changed_coder_file_is_read_again(tmp_path, monkeypatch):
    copy = tmp_path / "weights.json"
    shutil.copyfile(cache.builtin_coder_weights_path(), copy)
    monkeypatch.setattr(cache, "builtin_coder_weights_path", lambda: copy)
    cache.builtin_coder_data()
    cache.builtin_coder_data()
    data = json.loads(copy.read_text(encoding="utf-8"))
    data["bias"] = [0.5] * len(data["bias"])
    data["weights"] = {"u:only": [0, 1.5]}
    copy.write_text(json.dumps(data), encoding="utf-8")
    stat = copy.stat()
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # a coarse clock must not hide the change
    for _ in range(2):  # rebuilt, then read from the new cache
        again = cache.builtin_coder_data()
        assert again["bias"] == [0.5] * len(data["bias"]) and _rows(again) == {"u:only": [0, 1.5]}
    assert len(list(cache_home().glob("coder-*.msgpack"))) == 1  # the stale cache is gone


def test_a_coder_file_rewritten_with_the_same_size_and_times_is_read_again(tmp_path, monkeypatch):
    copy = tmp_path / "weights.json"
    shutil.copyfile(cache.builtin_coder_weights_path(), copy)
    monkeypatch.setattr(cache, "builtin_coder_weights_path", lambda: copy)
    before = cache.builtin_coder_data()["bias"]
    data = json.loads(copy.read_text(encoding="utf-8"))
    first = json.dumps(data["bias"][0])
    changed = ("9" * len(first)) if not first.startswith("-") else "-" + "9" * (len(first) - 1)
    stat = copy.stat()
    text = copy.read_text(encoding="utf-8").replace(f'"bias":[{first}', f'"bias":[{changed}', 1)
    assert len(text) == stat.st_size and text != copy.read_text(encoding="utf-8")
    copy.write_text(text, encoding="utf-8")
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # as `cp -p` or `rsync -a` would leave it
    assert copy.stat().st_size == stat.st_size and copy.stat().st_mtime_ns == stat.st_mtime_ns
    after = cache.builtin_coder_data()["bias"]
    assert after[0] == float(changed) and after[1:] == before[1:]


def test_a_damaged_bucket_of_coder_rows_is_read_from_the_coder_file():
    expected = json.loads(cache.builtin_coder_weights_path().read_text(encoding="utf-8"))["weights"]
    name = next(iter(expected))
    count = max(1, len(expected) // cache.ROWS_PER_BUCKET)
    buckets = [b"\x93\x01"] * count  # not a map: every bucket is damaged
    rows = EncodedRows(buckets, len(expected), cache.builtin_coder_weights_path())
    assert rows.get(name) == expected[name]
    assert rows.get(name) == expected[name]  # a second reader of the same bucket gets the rows too


@pytest.mark.parametrize("name", ["generic", "default", "safety"])
def test_the_cached_rubric_is_the_yaml_rubric(name):
    expected = load_file(builtin_root() / "rubrics" / f"{name}.yaml", "rubric", source="built-in").value
    build = cache.builtin_rubric.__wrapped__  # without the in-process memo: from YAML, then from the cache
    assert build(name) == expected
    assert list(cache_home().glob(f"rubric-{name}-*.msgpack"))
    cached = build(name)
    assert cached == expected and [type(r) for r in cached.rules] == [type(r) for r in expected.rules]


def test_a_damaged_or_foreign_rubric_cache_is_rebuilt():
    build = cache.builtin_rubric.__wrapped__
    expected = build("generic")
    (target,) = cache_home().glob("rubric-generic-*.msgpack")
    import msgspec

    foreign = msgspec.msgpack.encode(msgspec.msgpack.Ext(2, msgspec.msgpack.encode(["os:system", {"command": "true"}])))
    for damage in (b"", b"\xc1", foreign, msgspec.msgpack.encode({"id": "generic"}), msgspec.msgpack.encode(msgspec.msgpack.Ext(9, b""))):
        target.write_bytes(damage)
        assert build("generic") == expected


def test_pack_keeps_models_and_defers_parts():
    rubric = cache.builtin_rubric("default")
    assert unpack(pack(rubric)) == rubric
    data = unpack(pack({"now": [1, 2.5, "x", None, True], "later": defer({"a": [1, 2]}), "pair": ("a", 1)}))
    assert data["now"] == [1, 2.5, "x", None, True] and data["pair"] == ["a", 1]
    assert not isinstance(data["later"], dict) and data["later"]() == {"a": [1, 2]}
    with pytest.raises(ValueError):
        unpack(b"\xc1")


TEXTS = [
    "You feel worn out by work, and nobody seems to notice.",
    "You should just quit. Have you tried talking to your boss?",
    'It sounds like you\'re "furious" and a bit scared (and exhausted).',
    "So you're not angry, just disappointed and hurt?",
    "",
]


def test_deferred_tables_match_as_compiled():
    names = ("emotions", "roadblocks", "markers", "coder-cues")
    compiled = Lexicons.compile({name: builtin_lexicon(name) for name in names})
    loaded = Lexicons.from_builtins(unpack(pack(compiled.to_builtins(defer))))
    plain = Lexicons.from_builtins(compiled.to_builtins())
    for text in TEXTS:
        for tables in (loaded, plain):
            assert tables.cues.all_matches(Analysis(text)) == compiled.cues.all_matches(Analysis(text))
            assert tables.roadblocks.find_longest(Analysis(text)) == compiled.roadblocks.find_longest(Analysis(text))
            assert tables.markers.find(Analysis(text)) == compiled.markers.find(Analysis(text))
            assert tables.emotions is not None and compiled.emotions is not None
            assert tables.emotions.find(Analysis(text)) == compiled.emotions.find(Analysis(text))
    assert loaded.emotions is not None and compiled.emotions is not None
    for word in ("furious", "Exhausted", "worn out", "overwhelm", "not-a-feeling"):
        assert loaded.emotions.lookup(word) == compiled.emotions.lookup(word)
    assert loaded.emotions.words == compiled.emotions.words


def test_a_loaded_table_dumps_as_compiled():
    emotions = EmotionLexicon(builtin_lexicon("emotions"))
    again = EmotionLexicon.from_builtins(unpack(pack(emotions.to_builtins(defer))))
    assert unpack(pack(again.to_builtins())) == unpack(pack(emotions.to_builtins()))  # tuples come back as lists
    phrases = PhraseSet(builtin_lexicon("roadblocks").phrases)
    assert PhraseSet.from_builtins(unpack(pack(phrases.to_builtins(defer)))).to_builtins() == unpack(pack(phrases.to_builtins()))


def test_one_path_reads_and_writes_every_cache():
    made = []

    def make(value=b"fresh", keep=True):
        made.append(value)
        return value.decode(), (pack(value.decode()) if keep else None)

    def read(data):
        value = unpack(data)
        if not isinstance(value, str):
            raise TypeError("not text")
        return value

    assert cache.through_cache("probe", [b"one"], read, make) == "fresh" and len(made) == 1
    (first,) = cache_home().glob("probe-*.msgpack")
    assert cache.through_cache("probe", [b"one"], read, make) == "fresh" and len(made) == 1  # from the file
    first.write_bytes(pack(7))  # readable, but not what `read` accepts: made again
    assert cache.through_cache("probe", [b"one"], read, make) == "fresh" and len(made) == 2
    assert cache.through_cache("probe", [b"two"], read, make) == "fresh" and len(made) == 3
    assert [p.name for p in cache_home().glob("probe-*.msgpack")] != [first.name]  # another key: the older file is gone
    assert len(list(cache_home().glob("probe-*.msgpack"))) == 1
    assert cache.through_cache("other", [b"x"], read, lambda: make(b"kept nowhere", keep=False)) == "kept nowhere"
    assert not list(cache_home().glob("other-*.msgpack"))


def test_a_damaged_lexicon_group_cache_is_rebuilt():
    from empathy_coach.scoring.assets import builtin_tables

    names = ("emotions", "markers")
    expected = builtin_tables.__wrapped__(names)
    (target,) = cache_home().glob("lexicons-emotions+markers-*.msgpack")
    for damage in (b"", b"\xc1", pack({"tables": 1})):
        target.write_bytes(damage)
        again = builtin_tables.__wrapped__(names)
        for text in TEXTS:
            assert again.markers.find(Analysis(text)) == expected.markers.find(Analysis(text))
        assert again.emotions is not None and expected.emotions is not None
        assert again.emotions.words == expected.emotions.words
