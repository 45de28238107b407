"""How text becomes search terms, across scripts."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.terms import fold, tokenize


def test_english_terms_are_folded_stemmed_and_without_stopwords() -> None:
    assert tokenize("The Zürich councils were meeting on 3,518 ﬁles") == [
        "zurich", "council", "meet", "3,518", "3518", "fil",
    ]


def test_japanese_is_indexed_as_character_pairs() -> None:
    assert tokenize("東京市場") == ["東京", "京市", "市場"]
    question = set(tokenize("東京市場はどうでしたか"))
    assert {"東京", "市場"} <= question


def test_korean_words_match_with_and_without_particles() -> None:
    assert set(tokenize("서울시장")) <= set(tokenize("서울시장은 무엇을 말했나"))


def test_a_lone_han_character_is_a_term() -> None:
    assert tokenize("米 exports") == ["米", "export"]


@pytest.mark.parametrize(
    ("written", "other"),
    [("が", "か"), ("パ", "ハ"), ("й", "и"), ("हिन्दी", "हनद")],
)
def test_folding_never_turns_one_letter_into_another(written: str, other: str) -> None:
    assert fold(written) != fold(other)
    assert tokenize(f"{written}{written}") != tokenize(f"{other}{other}")


def test_hangul_stays_in_syllables_and_halfwidth_kana_become_full() -> None:
    assert fold("한국") == "한국"
    assert fold("ｶﾞｿﾘﾝ") == "ガソリン"


def test_hindi_words_keep_their_vowel_signs() -> None:
    assert tokenize("हिन्दी समाचार") == ["हिन्दी", "समाचार"]


def test_optional_marks_are_folded_in_arabic_greek_and_latin() -> None:
    assert tokenize("أجندة") == tokenize("اجندة")
    assert tokenize("مَدْرَسَة") == tokenize("مدرسة")
    assert tokenize("Ωμέγα") == tokenize("ωμεγα")
    assert tokenize("café") == tokenize("cafe")


@given(st.text())
def test_fold_is_idempotent_and_normalised(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    assert unicodedata.is_normalized("NFC", once)
