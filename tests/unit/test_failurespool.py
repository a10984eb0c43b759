"""The failure spool: a list of failures that goes to disk past a few thousand.

Small buffers force every path here (files, taking over another spool's files, pickling to a
parent, the external sort) on a handful of failures; tests/cli/test_check.py's parallel runs
prove the result is byte-identical through the CLI.
"""

from __future__ import annotations

import os
import pickle
import random

import pytest

from scrapegate import failurespool
from scrapegate.failurespool import FailureSpool
from scrapegate.result import Failure, WaiverNote


@pytest.fixture(autouse=True)
def tiny_buffers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(failurespool, "BUFFERED", 3)
    monkeypatch.setattr(failurespool, "SORT_RUN", 4)


def _failures(n: int, offset: int = 0) -> list[Failure]:
    return [
        Failure(
            f"https://example.org/{i}",
            f"data/a.jsonl:{i + 1}",
            "body",
            f"message {i}",
            i,
            i + 2,
            "snip\u2028pet",
        )
        for i in range(offset, offset + n)
    ]


def _files() -> set[str]:
    return set(os.listdir(failurespool.spool_folder()))


def test_keeps_every_failure_in_order_and_writes_past_the_buffer() -> None:
    before = _files()
    spool = FailureSpool()
    expected = _failures(10)
    for f in expected[:4]:
        spool.append(f)
    spool.extend(expected[4:])
    assert len(spool) == 10
    assert list(spool) == expected
    assert list(spool) == expected  # read again: iteration does not consume it
    assert spool[0] == expected[0] and spool[-1] == expected[-1] and spool[7] == expected[7]
    assert spool[:4] == tuple(expected[:4])
    assert spool[8:20] == tuple(expected[8:])
    assert spool == tuple(expected)
    assert len(_files() - before) == 1, "one file for the part past the buffer"
    del spool
    assert _files() == before, "the file goes with the last spool holding it"


def test_a_few_failures_never_touch_the_disk() -> None:
    before = _files()
    spool = FailureSpool(_failures(2))
    assert list(spool) == _failures(2)
    assert _files() == before


def test_extending_takes_over_the_files_of_another_spool_in_order() -> None:
    first, second = FailureSpool(_failures(7)), FailureSpool(_failures(8, offset=7))
    first.extend(second)
    first.append(_failures(1, offset=15)[0])
    assert list(first) == _failures(16)
    del second
    assert list(first) == _failures(16), "the files stay while the extended spool holds them"


def test_lone_surrogates_and_waivers_survive_the_disk() -> None:
    odd = Failure(None, "data/\udcff.jsonl:3", None, "m", waiver=WaiverNote("r", "2030-01-01"))
    spool = FailureSpool([odd] * 5)
    assert list(spool) == [odd] * 5


def test_a_pickled_spool_crosses_as_files_and_the_receiver_owns_them() -> None:
    spool = FailureSpool(_failures(8))
    data = pickle.dumps(spool)
    assert b"message 0" not in data, "written failures cross as a file name, not themselves"
    received = pickle.loads(data)
    del spool  # the sender lets go: the file is the receiver's now
    assert list(received) == _failures(8)


def test_a_spool_travelling_far_carries_its_failures_not_the_names_of_its_files() -> None:
    # A Spark task's partial: the driver may be another machine, which cannot read the
    # task's files. Before, it crossed as file names and only worked in local mode.
    before = _files()
    spool = FailureSpool(_failures(8))
    spool.travel_far()
    data = pickle.dumps(spool)
    assert b"message 0" in data and b"message 7" in data
    del spool
    assert _files() == before, "nothing left on this machine's disk"
    received = pickle.loads(data)
    assert list(received) == _failures(8)
    folded = FailureSpool()
    folded.extend(received)  # as the driver folds a task's partial into the run
    assert list(folded) == _failures(8)
    assert len(_files() - before) == 1, "the receiver spools them on its own disk"


def test_sorted_is_stable_and_matches_sorted_in_memory() -> None:
    failures = _failures(30)
    random.Random(4).shuffle(failures)
    # Ties on the key keep their order, as sorted() keeps it.
    key = lambda f: (f.start or 0) // 3  # noqa: E731
    spool = FailureSpool(failures)
    assert list(spool.sorted(key)) == sorted(failures, key=key)


def test_sorted_returns_a_spool_in_order_as_it_is() -> None:
    spool = FailureSpool(_failures(12))
    assert spool.sorted(lambda f: f.start or 0) is spool


def test_a_deep_copy_dropped_leaves_the_original_readable_and_both_grow_apart() -> None:
    # The Scrapy preview deep-copies the run's state; dropping the copy removed the files
    # the original still read (FileNotFoundError at the end of the crawl).
    import copy
    import gc

    spool = FailureSpool(_failures(10))
    duplicate = copy.deepcopy(spool)
    assert list(duplicate) == _failures(10)
    del duplicate
    gc.collect()
    spool.extend(_failures(5, offset=10))
    assert list(spool) == _failures(15)
    twin = copy.deepcopy(spool)
    twin.extend(_failures(2, offset=100))
    assert list(spool) == _failures(15)
    assert list(twin) == _failures(15) + _failures(2, offset=100)
