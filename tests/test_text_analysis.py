"""The one text analysis every rule shares."""

from hypothesis import given, settings
from hypothesis import strategies as st

from empathy_coach.scoring.text import MAX_ANALYSED_CHARS, Analysis, phrase_tokens


def test_tokens_carry_spans_into_the_original_text():
    text = "You\u2019re exhausted, aren't you?"
    analysis = Analysis(text)
    words = [t for t in analysis.tokens if t.word]
    assert [t.text for t in words][:3] == ["you", "are", "exhausted"]
    exhausted = words[2]
    assert text[exhausted.start : exhausted.end] == "exhausted"
    # a contraction expands to two tokens that share the span of what was typed
    assert text[words[0].start : words[0].end] == "You\u2019re"


def test_nfkc_and_case_are_normalised_but_spans_stay_on_the_original():
    text = "Ｙou feel ＡＮＧＲＹ"
    analysis = Analysis(text)
    words = [t for t in analysis.tokens if t.word]
    assert [t.text for t in words] == ["you", "feel", "angry"]
    assert text[words[2].start : words[2].end] == "ＡＮＧＲＹ"


def test_sentences_and_terminal_punctuation():
    analysis = Analysis("It sounds exhausting. What keeps you going?")
    assert [s.terminal for s in analysis.sentences] == [".", "?"]
    assert analysis.sentence_text(analysis.sentences[1]) == "What keeps you going?"


def test_negation_scope_marks_the_feeling_not_the_rest():
    analysis = Analysis("You're not angry so much as hurt.")
    by_word = {t.text: t for t in analysis.tokens if t.word}
    assert by_word["angry"].negated
    assert not by_word["hurt"].negated


def test_stems_make_worried_match_worry():
    assert Analysis("worried").tokens[0].stem == Analysis("worry").tokens[0].stem


def test_phrase_tokens_expand_contractions_like_replies():
    assert phrase_tokens("don't worry") == ("do", "not", "worry")
    assert phrase_tokens("but~") == ("but~",)


def test_long_input_is_bounded():
    analysis = Analysis("word " * 50_000)
    assert analysis.truncated
    assert analysis.tokens[-1].end <= MAX_ANALYSED_CHARS


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_analyses_and_spans_stay_in_bounds(text):
    analysis = Analysis(text)
    for token in analysis.tokens:
        assert 0 <= token.start < token.end <= len(text)


def test_instead_negates_only_as_instead_of():
    from empathy_coach.scoring.text import Analysis

    negated = {t.text: t.negated for t in Analysis("Instead of angry, you feel sad.").tokens if t.word}
    assert negated["angry"] is True and negated["sad"] is False
    adverb = {t.text: t.negated for t in Analysis("And instead you feel empty.").tokens if t.word}
    assert adverb["empty"] is False
