import pytest

from retrieval.answer.asked_for import Asked, answers_precisely, asked_for, holds_answer


@pytest.mark.parametrize(("question", "kind"), [
    ("How many residents were counted in Oakridge?", Asked.NUMBER),
    ("What percentage of voters turned out?", Asked.NUMBER),
    ("When does the flood barrier open?", Asked.DATE),
    ("In what year was the bridge built?", Asked.DATE),
    ("Who won the marathon?", Asked.NAME),
    ("Which show was renewed for a second season?", Asked.NAME),
    ("Is the summit going ahead", None),
])
def test_what_a_question_asks_for(question: str, kind: Asked | None) -> None:
    assert asked_for(question) is kind


def test_a_sentence_holds_the_answer_only_with_something_new() -> None:
    question = "How many residents were counted in Oakridge?"
    assert holds_answer("Oakridge counted 3,518 residents.", Asked.NUMBER, question)
    assert not holds_answer("Oakridge residents were counted again.", Asked.NUMBER, question)
    who = "Who won the Oakridge marathon?"
    assert holds_answer("The Oakridge marathon went to Amina Yusuf.", Asked.NAME, who)
    assert not holds_answer("The Oakridge marathon was run in rain.", Asked.NAME, who)
    assert holds_answer("The barrier opens in March.", Asked.DATE, "When does it open?")
    assert not holds_answer("Anything at all.", None, "Is it?")


def test_a_year_is_no_count_and_a_weekday_is_no_name() -> None:
    many = "How many others were arrested?"
    assert not holds_answer("The 2020 teacher of the year was arrested.", Asked.NUMBER, many)
    assert holds_answer("Police arrested at least 40 people.", Asked.NUMBER, many)
    assert holds_answer("In 2020 the town counted 3,518 residents.", Asked.NUMBER, many)
    who = "Who does he want to succeed him?"
    assert not holds_answer("He said on Thursday in March he wants one more bill.", Asked.NAME, who)
    assert holds_answer("He endorsed his chief of staff, Luke Holland.", Asked.NAME, who)
    assert holds_answer("It opened in 2020.", Asked.DATE, "When did it open?")


def test_a_question_about_what_is_ahead_is_not_answered_by_a_date_in_the_past() -> None:
    question = "When is the Nara summit?"
    date = asked_for(question)
    assert holds_answer("The summit is scheduled for January 13-14 in Nara.", date, question)
    assert not holds_answer("It is his fifth summit since he took office last June.", date,
                            question)
    # asked about the past, the same sentence answers
    past = "When did he take office?"
    assert holds_answer("He took office last June.", asked_for(past), past)


@pytest.mark.parametrize(("question", "kind"), [
    ("Approximately how many swings were recalled this week?", Asked.NUMBER),
    ("The first lady met the first lady of which country this week?", Asked.NAME),
    ("NASA set a date. How soon could the launch occur?", Asked.DATE),
])
def test_the_asking_words_may_come_after_a_clause(question: str, kind: Asked) -> None:
    assert asked_for(question) is kind


@pytest.mark.parametrize(("sentence", "question", "answers"), [
    # a count of the very things counted, not any number
    ("The recall affects 2 million Roo swings and 220,000 rockers.",
     "Approximately how many baby swings were recalled this week?", True),
    ("Swings were recalled in 2022 after 12 reports.",
     "Approximately how many baby swings were recalled this week?", False),
    ("More than 1,000 people have been arrested.", "How many people have been arrested?", True),
    ("It recalled the Roo Swing, versions 1.0 through 4.0, and the baby rocker.",
     "How many baby swings were recalled?", False),  # version numbers count nothing
    # a country, not any capitalised word; "Latin America" is no country
    ("The quake struck the northern Philippines on Wednesday.",
     "Which country was shaken by an earthquake this week?", True),
    ("The quake hit Luzon, the Geological Survey said.",
     "Which country was shaken by an earthquake this week?", False),
    ("It was the latest leftist victory in Latin America.",
     "What country elected a leftist leader?", False),
    ("Gustavo Petro will become Colombia’s first leftist leader.",
     "What country elected a leftist leader?", True),
    ("The highest average was in California, at $6.43.",
     "Which state has the highest average price for gas?", True),
    # "where" is answered by a place named after "in" or "at"; an adjective says whose, and a
    # country named as the subject says who, not where
    ("The impact is greatest in China, experts said.", "Where did the data leak occur?", True),
    ("The records of a billion Chinese citizens were exposed.",
     "Where did the data leak occur?", False),
    ("It sits at Kennedy Space Center in Florida.", "Where is the launchpad located?", True),
    ("The attack happened in a quiet neighbourhood.", "In which city did the attack occur?",
     False),
    ("Britain honored the Queen with a state funeral on Monday.",
     "Where was the Queen's funeral service held?", False),
    ("The service took place at Westminster Abbey in London.",
     "Where was the Queen's funeral service held?", True),
    ("It was held in January, on a Monday.", "Where was the funeral held?", False),
    ("In New Jersey, it's illegal to pump your own gas.", "Where is it illegal to pump gas?",
     True),
    # "where did he say that?": where the words were spoken, not a place they name
    ("Seruiratu, Fiji's Minister for Defense, said at the Shangri-La Dialogue, Asia's top "
     "security meeting.", "Where did he say that?", True),
    ("Climate change is the biggest threat in the Asia-Pacific region, Seruiratu said.",
     "Where did he say that?", False),
    ("Beijing has said that it is not building a base in the Solomon Islands.",
     "Where did he say that?", False),
    ("The mayor told reporters in Port Halden on Friday that the barrier holds.",
     "Where did the mayor say that?", True),
    # an amount, a share, a full name, a month
    ("The regulator fined it 405 million euros.", "How much was Instagram fined?", True),
    ("The regulator fined it again.", "How much was Instagram fined?", False),
    ("Prices are up 60% from a year ago.", "What percentage have prices risen?", True),
    ("Barry Bonds holds the record of 73 home runs.", "Who holds the record?", True),
    ("The record still stands.", "Who holds the record?", False),
    # a name the question already says, behind a title it also says, is no answer
    ("Britain's former Chancellor Rishi Sunak.",
     "Who became chancellor after Rishi Sunak resigned?", False),
    ("Nadhim Zahawi was appointed chancellor.",
     "Who became chancellor after Rishi Sunak resigned?", True),
    ("Payments restart in September.", "In which month do payments restart?", True),
    ("She was 96.", "How old was she?", True),
    ("Inhofe, 87, said he would step down.", "How old is the senator?", True),
    ("It was 96 degrees in the shade.", "How old was she?", False),
    # a holiday by its name, one the question does not already say
    ("Crowds marked the 75th anniversary of India's Independence Day in Mumbai.",
     "Which major holiday did India celebrate this week?", True),
    ("Modi spoke in front of the Red Fort on Monday.",
     "Which major holiday did India celebrate this week?", False),
    ("Here are the ways people celebrate the Día de los Muertos holiday.",
     "In addition to Halloween, which holiday was celebrated this week?", True),
    ("Witches and pirates led the costumes this Halloween.",
     "In addition to Halloween, which holiday was celebrated this week?", False),
    # what the question already says answers nothing
    ("Colombia held its runoff on Sunday.", "Did Colombia elect its first leftist?", False),
])
def test_a_sentence_answers_precisely_only_with_the_kind_asked_for(
        sentence: str, question: str, answers: bool) -> None:
    assert answers_precisely(sentence, question) is answers


def test_when_is_answered_by_a_date_and_what_is_ahead_not_by_one_already_past() -> None:
    from datetime import date

    question = "When will NASA next attempt the launch?"
    published = date(2022, 9, 8)
    assert answers_precisely("The next attempt is planned for September 27.", question,
                             published=published)
    assert answers_precisely("It could come next month.", question, published=published)
    assert not answers_precisely("To recap what went down on September 3: it was scrubbed.",
                                 question, published=published)
    assert not answers_precisely("It was scrubbed on Saturday.", question, published=published)
    # asked about the past, the past date answers
    assert answers_precisely("It was scrubbed on September 3.", "When was it scrubbed?",
                             published=published)
