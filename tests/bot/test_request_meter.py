"""The request meter: optional requests give way when the last second was busy."""

from __future__ import annotations

from bot.telegram.request_meter import RequestMeter


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_room_runs_out_within_a_second_and_comes_back_after_it() -> None:
    clock = Clock()
    meter = RequestMeter(optional_below=3, clock=clock)
    for _ in range(2):
        meter.record()
        clock.now += 0.1
    assert meter.has_room()
    meter.record()
    assert not meter.has_room()
    clock.now += 0.85  # the first request is now more than a second old
    assert meter.has_room()
    clock.now += 1.0
    assert meter.has_room()
