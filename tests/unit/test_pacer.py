"""The pacer: replies before alerts before bulk, about one message a second per chat, and a 429
that holds only its own chat. Time is a fake: sleeping moves it, so nothing really waits."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.pacer import Lane, Pacer, lane


class FakeTime:
    """A monotonic clock that moves only when the pacer sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


class Recorder:
    """Bot API calls as the pacer lets them through: (name, time)."""

    def __init__(self, time: FakeTime) -> None:
        self.time = time
        self.calls: list[tuple[str, float]] = []

    def call(
        self,
        pacer: Pacer,
        name: str,
        *,
        chat: int | None = None,
        priority: int | None = None,
        endpoint: str = "sendMessage",
        fail: Exception | None = None,
    ) -> asyncio.Task[Any]:
        async def callback() -> bool:
            self.calls.append((name, self.time.now))
            if fail is not None:
                raise fail
            return True

        data: dict[str, Any] = {} if chat is None else {"chat_id": chat}
        args = lane(priority) if priority is not None else None
        return asyncio.ensure_future(pacer.process_request(callback, (), {}, endpoint, data, args))


def _pacer(time: FakeTime, rate: float, **kwargs: Any) -> Pacer:
    return Pacer(rate, monotonic=time.monotonic, sleep=time.sleep, **kwargs)


async def test_replies_go_first_then_alerts_then_bulk() -> None:
    time = FakeTime()
    pacer = _pacer(time, 1)
    rec = Recorder(time)
    tasks = [
        rec.call(pacer, "bulk-1", chat=1, priority=2),
        rec.call(pacer, "bulk-2", chat=2, priority=2),
        rec.call(pacer, "alert-1", chat=3, priority=1),
        rec.call(pacer, "menu", chat=4),  # no lane given: an alert's
        rec.call(pacer, "reply-1", chat=5, priority=0),
        rec.call(pacer, "toast", endpoint="answerCallbackQuery"),
    ]
    await asyncio.gather(*tasks)
    assert rec.calls == [
        ("reply-1", 0.0),
        ("toast", 1.0),
        ("alert-1", 2.0),
        ("menu", 3.0),
        ("bulk-1", 4.0),
        ("bulk-2", 5.0),
    ]
    await pacer.shutdown()


async def test_bulk_gets_every_tenth_slot_however_busy_the_hour() -> None:
    time = FakeTime()
    pacer = _pacer(time, 1, fair_every=3)
    rec = Recorder(time)
    tasks = [rec.call(pacer, "bulk", chat=100, priority=2)]
    tasks += [rec.call(pacer, f"reply-{n}", chat=n, priority=0) for n in range(5)]
    await asyncio.gather(*tasks)
    assert [name for name, _ in rec.calls] == [
        "reply-0",
        "reply-1",
        "bulk",  # the third slot: the one waiting longest
        "reply-2",
        "reply-3",
        "reply-4",
    ]


async def test_one_chat_gets_a_small_burst_then_about_one_a_second() -> None:
    time = FakeTime()
    pacer = _pacer(time, 100, chat_burst=3)
    rec = Recorder(time)
    await asyncio.gather(*(rec.call(pacer, f"m{n}", chat=7, priority=1) for n in range(5)))
    other = rec.call(pacer, "other chat", chat=8, priority=1)
    await other
    times = [t for name, t in rec.calls if name.startswith("m")]
    assert times[:3] == [0.0, 0.0, 0.0]
    assert times[3] == pytest.approx(1.0) and times[4] == pytest.approx(2.0)
    assert dict(rec.calls)["other chat"] == pytest.approx(2.0)  # not held by chat 7


async def test_groups_get_twenty_a_minute() -> None:
    time = FakeTime()
    pacer = _pacer(time, 100, chat_burst=1)
    rec = Recorder(time)
    await asyncio.gather(*(rec.call(pacer, f"g{n}", chat=-100, priority=1) for n in range(3)))
    assert [t for _, t in rec.calls] == pytest.approx([0.0, 3.0, 6.0])


async def test_a_429_holds_only_its_own_chat_and_nobody_waits() -> None:
    time = FakeTime()
    pacer = _pacer(time, 1000)  # pacing on (rate 0 turns 429 holds off too: the outbox holds)
    rec = Recorder(time)
    with pytest.raises(RetryAfter):
        await rec.call(pacer, "first", chat=1, fail=RetryAfter(timedelta(seconds=20)))
    with pytest.raises(RetryAfter) as held:
        await rec.call(pacer, "too soon", chat=1)
    wait = held.value.retry_after
    assert (wait.total_seconds() if isinstance(wait, timedelta) else wait) == 20
    assert await rec.call(pacer, "another chat", chat=2) is True
    time.now += 20
    assert await rec.call(pacer, "after the wait", chat=1) is True
    assert [name for name, _ in rec.calls] == ["first", "another chat", "after the wait"]
    assert time.slept == []


class ManualSleep:
    """A sleep that ends when the test says so; `asleep` is set while the pacer sleeps."""

    def __init__(self) -> None:
        self.asleep = asyncio.Event()
        self._wake = asyncio.Event()

    async def __call__(self, _seconds: float) -> None:
        self.asleep.set()
        try:
            await self._wake.wait()
        finally:
            self.asleep.clear()
            self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()


async def test_a_new_request_is_not_kept_waiting_behind_a_chat_that_must_wait() -> None:
    time = FakeTime()
    sleep = ManualSleep()
    pacer = Pacer(100, chat_burst=1, monotonic=time.monotonic, sleep=sleep)
    rec = Recorder(time)
    await rec.call(pacer, "first", chat=1, priority=0)
    second = rec.call(pacer, "second, same chat", chat=1, priority=0)
    await sleep.asleep.wait()  # the dispatcher waits for chat 1's next slot …
    await rec.call(pacer, "other chat", chat=2, priority=2)  # … and lets this one through
    await sleep.asleep.wait()
    time.now += 1
    sleep.wake()
    await second
    assert [name for name, _ in rec.calls] == ["first", "other chat", "second, same chat"]


async def test_a_cancelled_request_leaves_the_queue_and_shutdown_cancels_the_rest() -> None:
    time = FakeTime()
    sleep = ManualSleep()
    pacer = Pacer(1, monotonic=time.monotonic, sleep=sleep)
    rec = Recorder(time)
    await rec.call(pacer, "first", chat=1)
    cancelled = rec.call(pacer, "cancelled", chat=2)
    left = rec.call(pacer, "left at shutdown", chat=3)
    await sleep.asleep.wait()
    cancelled.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    await pacer.initialize()
    await pacer.shutdown()
    with pytest.raises(asyncio.CancelledError):
        await left
    assert [name for name, _ in rec.calls] == ["first"]


def test_lanes_are_truthy_so_ptb_passes_priority_0_on() -> None:
    assert lane(0) == Lane(0) and bool(lane(0))
    assert lane(9) == Lane(9)


async def test_idle_chats_and_past_429s_are_forgotten() -> None:
    time = FakeTime()
    pacer = _pacer(time, 100, chat_burst=1, remember=2)
    rec = Recorder(time)
    for chat in (1, 2):
        with pytest.raises(RetryAfter):
            await rec.call(pacer, f"throttled {chat}", chat=chat, fail=RetryAfter(5))
    time.now += 10
    await rec.call(pacer, "a", chat=1)
    await rec.call(pacer, "b", chat=2)  # chat 1's bucket is still refilling: kept
    with pytest.raises(RetryAfter):
        await rec.call(pacer, "throttled 3", chat=3, fail=RetryAfter(5))
    assert set(pacer._held) == {3}  # the past 429s were dropped to make room
    time.now += 10
    await rec.call(pacer, "c", chat=4)
    assert set(pacer._chats) <= {3, 4}  # the full (idle) buckets were dropped
