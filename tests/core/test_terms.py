"""How text becomes search terms, across scripts."""

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.terms import (
    chunk_terms,
    fold,
    holds_phrase,
    holds_word,
    stem,
    text_terms,
    tokenize,
    with_places,
    word_list_terms,
)
from core.word_forms import PLACE_FORMS, PLACE_NAMES


def test_english_terms_are_folded_stemmed_and_without_stopwords() -> None:
    assert tokenize("The Zürich councils were meeting on 3,518 ﬁles") == [
        "zurich", "council", "meet", "3,518", "3518", "file",
    ]


@pytest.mark.parametrize(
    ("plural", "singular"),
    [("hurricanes", "hurricane"), ("prices", "price"), ("cases", "case"),
     ("wildfires", "wildfire"), ("vaccines", "vaccine"), ("boxes", "box"), ("taxes", "tax"),
     ("churches", "church"), ("wishes", "wish"), ("glasses", "glass"), ("stories", "story"),
     ("councils", "council")],
)
def test_a_plural_meets_its_singular(plural: str, singular: str) -> None:
    assert tokenize(plural) == tokenize(singular)


@pytest.mark.parametrize(
    ("place", "form"),
    [("Japan", "Japanese"), ("Korea", "Korean"), ("Korea", "Koreans"), ("China", "Chinese"),
     ("France", "French"), ("UK", "British"), ("UK", "Britons"), ("UK", "Britain"),
     ("America", "Americans"), ("America", "USA"), ("Ukraine", "Ukrainian"),
     ("Russia", "Russian"), ("Germany", "German"), ("Turkey", "Turkish"), ("Iraq", "Iraqi"),
     ("Israel", "Israelis"), ("India", "Indian"), ("Europe", "European"), ("Europe", "EU"),
     ("Myanmar", "Burmese"), ("Myanmar", "Burma"), ("Netherlands", "Dutch"), ("Wales", "Welsh"),
     ("Laos", "Laotian")],
)
def test_text_naming_a_places_people_or_adjective_holds_the_place(place: str, form: str) -> None:
    [term] = tokenize(place)
    assert term in with_places(form) and term in with_places(f"{form}'s")
    assert term not in tokenize(form)  # search reads words as written


def test_places_are_added_one_way_after_the_word() -> None:
    assert with_places("Japanese economy") == ["japanese", "japan", "economy"]
    assert with_places("Japan economy") == tokenize("Japan economy") == ["japan", "economy"]


def test_the_nara_headline_meets_a_japan_korea_topic() -> None:
    headline = set(with_places("Lee heads to Nara for fifth summit with a Japanese leader"))
    lead = set(with_places("South Korean President Lee Jae-myung arrived on Tuesday"))
    assert set(tokenize("Japan Korea relations")) & (headline | lead) == {"japan", "korea"}


@pytest.mark.parametrize(
    ("word", "place"),
    [("polish", "Poland"), ("pole", "Poland"), ("English", "England"), ("Jordanian", "Jordan"),
     ("Chadian", "Chad"), ("Holland", "Netherlands"), ("emir", "UAE")],
)
def test_words_of_other_meanings_stay_apart_from_places(word: str, place: str) -> None:
    assert not set(with_places(word)) & set(tokenize(place))


def test_place_forms_are_one_word_lowercase_and_never_two_places() -> None:
    owners: dict[str, str] = {}
    pairs = [(f, p) for p, forms in PLACE_FORMS.items() for f in (p, *forms)]
    for form, place in [*pairs, *PLACE_NAMES.items()]:
        assert form == fold(form) and form.isalpha(), form
        assert owners.setdefault(form, place) == place, form
    assert set(PLACE_NAMES.values()) <= PLACE_FORMS.keys()


def test_numbers_and_cjk_pairs_are_not_stemmed() -> None:
    assert with_places("2.5 1,200 東京市場 Japanese") == [
        "2.5", "1,200", "1200", "東京", "京市", "市場", "japanese", "japan",
    ]


def test_words_of_other_scripts_keep_the_light_plural_rule() -> None:
    assert tokenize("søstres") == ["søstre"]
    assert tokenize("Москва") == ["москва"]


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


_PIECES = st.text(alphabet="ab _-.’'1é ", max_size=12)


@given(_PIECES, st.text(alphabet="ab _-.’'1é ", max_size=4))
def test_whole_words_are_found_as_re_finds_them(text: str, word: str) -> None:
    assert holds_word(text, word) == (re.search(rf"\b{re.escape(word)}\b", text) is not None)
    assert holds_phrase(text, word) == (
        re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None)


def test_a_passage_s_terms_are_read_off_its_stored_terms_under_its_headline() -> None:
    title, text = "Lee heads to Nara", "Takaichi’s government welcomed Lee on Tuesday in Nara."
    stored = chunk_terms(title, text)
    assert list(text_terms(title, text, stored)) == tokenize(text)
    read = text_terms(title, "Nothing of this text is read.", stored)
    assert list(read) == tokenize(text)  # read off the stored terms, not tokenized
    # written under another headline, or not read at all: tokenized
    assert list(text_terms("Lee visits Japan", text, stored)) == tokenize(text)
    assert list(text_terms(title, text)) == tokenize(text)


def test_a_word_list_is_tokenized_as_tokenize_does_without_filling_its_caches() -> None:
    import wordfreq

    words = [w for w, f in wordfreq.get_frequency_dict("en").items() if f >= 1e-7]
    words += ["Zürich", "don't", "co-op", "東京", "3,518", "THE", "Nara", "a", "es"]
    stem.cache_clear()
    listed = list(word_list_terms(words))
    # plain words (nearly all of them) leave the caches to articles and questions
    assert stem.cache_info().currsize < len(words) / 10
    assert listed == [tokenize(word) for word in words]
