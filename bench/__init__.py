"""The scrapegate benchmark harness (``python bench/run.py``; see docs/benchmarks.md).

Scripts run as commands:

* ``run.py``: the command line; wires the modules below into one run and its exit status;
* ``generate.py``: the deterministic synthetic corpus, its truth file and their cache;
* ``floor.py``: the floor variant (read the lines and ``orjson.loads`` each, nothing else);
* ``_measure.py``: the wrapper every measured command runs under (wall time, ``ru_maxrss``).
* ``repeated_lines_memory.py``: the memory of the ``repeated_lines`` state at 100k and 1M
  documents (one table; not part of ``run.py``, which measures whole runs).

Modules of the harness:

* ``prose``: the word lists and builders of the corpus's English-like news text;
* ``paths``: where the suites, the work folder and the executables are;
* ``measurement``: one subprocess run, timed, with its memory sampled;
* ``variants``: the contenders (floor, 1 worker, all cores, pytest, GX) and their commands;
* ``verify``: whether a run flagged exactly the documents the generator made bad;
* ``benchmark``: per corpus, a verification run then interleaved timed runs; the medians;
* ``soak``: check and clean once each on a corpus with malformed records;
* ``targets``: the engine's targets (issue 16), judged PASS or MISS on the medians;
* ``machine``: the machine description printed with the results;
* ``report``: the terminal tables, bench/RESULTS.md and the raw result JSON's rows.
"""
