"""``scrapegate clean`` and ``check --clean``: a suite's cleaner pipeline applied to documents.

:func:`clean_files` writes every input file's cleaned documents under ``out_dir`` with the
same relative name (relative to each folder argument, or to the common folder of the file
arguments) and format, never over an input, and counts per cleaner how many documents it
touched and how many characters and lines it removed. A value a cleaner cannot clean and a
record that cannot be read are problems (``path:line``); they are written unchanged, so the
output holds every record read.
The command itself is ``scrapegate.cli.clean``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass

from .cleaners import RunStats, build_pipeline
from .cleaners._pipeline import Pipeline
from .documents import Document, UnreadableRecord
from .errors import UsageError
from .loaders import Input, canonical_path, resolve_inputs
from .loaders._common import STDIN
from .suite import Suite


class PipelineTransform:
    """A suite's pipeline as the engine's ``transform``; it keeps totals and problems."""

    def __init__(self, pipeline: Pipeline, count_lines: bool = True) -> None:
        self.pipeline = pipeline
        self.count_lines = count_lines
        self.stats = RunStats.for_pipeline(pipeline)

    @property
    def problems(self) -> list[str]:
        """``path:line: cleaner: field ...: message`` for every value left unchanged."""
        return self.stats.problems

    def take_problems(self) -> list[str]:
        """The problems seen since the last call, handed over once (the engine's hook).

        A parallel worker reuses one transform for several slices: each slice's result
        must carry its own problems, not again those of the slices before it.
        """
        taken, self.stats.problems = self.stats.problems, []
        return taken

    def __call__(self, doc: Document) -> Document:
        cleaned = self.pipeline.apply(doc, self.count_lines)
        self.stats.add(cleaned)
        return cleaned.document


def pipeline_transform(suite: Suite, count_lines: bool = True) -> PipelineTransform:
    """The suite's ``cleaners:`` as a document transform; UsageError when it has none.

    ``check --clean`` passes ``count_lines=False``: it shows no cleaning summary.
    """
    if not suite.cleaners:
        raise UsageError(
            f"{suite.path}: the suite has no 'cleaners:' pipeline to apply; add one "
            "(for example '- normalize_whitespace') or run without cleaning"
        )
    language = suite.documents.language
    pipeline = build_pipeline(
        suite.cleaners, suite.documents.id, language.of if language is not None else None
    )
    return PipelineTransform(pipeline, count_lines)


@dataclass(frozen=True)
class Planned:
    """One input and where its cleaned documents go."""

    input: Input
    output: str


def _real(path: str) -> str:
    return os.path.realpath(os.path.abspath(path))


def _file_id(path: str) -> tuple[int, int] | None:
    """(device, inode) of an existing file, None when there is none."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino)


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _refuse_streams(paths: Sequence[str]) -> None:
    """Refuse a named pipe, FIFO or device: cleaning reads each input more than once."""
    if STDIN in paths:
        raise UsageError("clean writes one output file per input file; '-' (stdin) has no name")
    for given in paths:
        try:
            mode = os.stat(given).st_mode
        except OSError:
            continue  # the reader reports it
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            raise UsageError(
                f"{given}: not a regular file (a pipe, FIFO or device); clean reads each input "
                "twice to keep its bytes, which a stream allows only once: save it to a file "
                "and clean that"
            )


def plan_outputs(
    paths: Sequence[str], out_dir: str, fmt: str | None, warnings: list[str] | None = None
) -> list[Planned]:
    """Map every input file to its output path; refuse anything that could overwrite one.

    Warnings of the folder walks (a FIFO skipped, a symlink loop) are appended to ``warnings``.
    """
    _refuse_streams(paths)
    out_real = _real(out_dir)
    files = [p for p in paths if not os.path.isdir(p)]
    common = os.path.commonpath([_real(os.path.dirname(p) or ".") for p in files]) if files else ""
    planned: list[Planned] = []
    seen: dict[str, str] = {}
    for given in paths:
        folder = os.path.isdir(given)
        if folder and _inside(out_real, _real(given)):
            raise UsageError(
                f"-o {out_dir}: the output folder is inside the input folder {given}; a later "
                "run would read the cleaned files as input. Choose a folder outside it"
            )
        for inp in resolve_inputs([given], fmt, warnings=warnings):
            if folder:
                # Logical paths, not real ones: a file reached through a symlinked folder
                # keeps the link's name under the output folder, not a path out of it.
                top = os.path.abspath(canonical_path(given))
                relative = os.path.relpath(os.path.abspath(inp.path), top)
            else:
                relative = os.path.relpath(_real(inp.path), common)
            output = os.path.join(out_dir, relative)
            key = _real(output)
            if key in seen:
                if seen[key] == _real(inp.path):
                    continue  # the same file named twice
                raise UsageError(
                    f"{inp.path} and {seen[key]} would both be written to {output}; "
                    "clean them in separate runs or name their folders instead"
                )
            seen[key] = _real(inp.path)
            planned.append(Planned(inp, output))
    # By device and inode, not by name: a hard link or a symbolic link in the output folder
    # to an input is that input.
    inputs = {_file_id(p.input.path) for p in planned} - {None}
    for item in planned:
        if item.input.problem is None and _file_id(item.output) in inputs:
            raise UsageError(
                f"-o {out_dir}: {item.output} is an input file and would be overwritten; "
                "choose an output folder that holds no inputs"
            )
    return planned


@dataclass(frozen=True)
class CleanRun:
    """What ``clean`` did: totals per cleaner, files written, and every problem."""

    stats: RunStats
    files: int
    unreadable: int
    problems: tuple[str, ...]
    warnings: tuple[str, ...] = ()


def clean_files(
    suite: Suite, paths: Sequence[str], out_dir: str, fmt: str | None = None
) -> CleanRun:
    """Clean ``paths`` (or the suite's default paths) into ``out_dir``.

    Problems are ``path:line: message`` lines: unreadable records first, then the values a
    cleaner left unchanged; the affected documents are written unchanged.
    """
    from .cleaning_output import write_cleaned
    from .runner import input_paths

    transform = pipeline_transform(suite)
    # As in ``check``: the suite's format describes its own default paths; files named on the
    # command line are read by their extension unless --format says otherwise.
    chosen_format = fmt if paths else (fmt or suite.documents.format)
    warnings: list[str] = []
    planned = plan_outputs(input_paths(suite, paths), out_dir, chosen_format, warnings)
    unreadable: list[UnreadableRecord] = []
    files = 0
    for item in planned:
        if item.input.problem is not None:  # a folder that could not be listed
            unreadable.append(UnreadableRecord(item.input.path, 0, item.input.problem))
            continue
        write_cleaned(item.input, item.output, suite.documents.id, transform, unreadable.append)
        files += 1
    problems = [f"{r.source}: {r.message}" for r in unreadable] + transform.problems
    return CleanRun(transform.stats, files, len(unreadable), tuple(problems), tuple(warnings))
