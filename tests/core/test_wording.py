from core.wording import counted


def test_a_count_takes_its_noun_in_the_right_number() -> None:
    assert counted(1, "source") == "1 source"
    assert counted(0, "source") == "0 sources"
    assert counted(3, "more failure") == "3 more failures"
    assert counted(2, "child", "children") == "2 children"
