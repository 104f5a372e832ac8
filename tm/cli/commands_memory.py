"""`tm memory`: one translation memory across pages, handoffs and years (add, lookup, search, export, stats).

The memory file is `--db PATH`; without it, `add` uses `<catalog tree>/.tm/memory.sqlite` of the first catalog
tree it is given, and every command otherwise looks for `.tm/memory.sqlite` in the current directory and its
parents (as git finds `.git`), `add` creating it in the current directory when there is none.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tm.cli._app import Json, Quiet, app, print_json
from tm.errors import BadArgument, SourceError
from tm.formats import catalog_suffixes
from tm.model import canonical_locale
from tm.progress import Reporter
from tm.sources import PAGE_SUFFIXES, walk_files

if TYPE_CHECKING:  # tm.memory is imported by the commands that use it, not by every start of tm
    import sqlite3

    from tm.memory import AddReport, Match

memory_app = typer.Typer(help="One translation memory across pages, handoffs and years (SQLite).",
                         no_args_is_help=True)
app.add_typer(memory_app, name="memory")

Db = Annotated[Path | None, typer.Option("--db", help="The memory file (default: .tm/memory.sqlite, see the docs).")]
Locale = Annotated[str, typer.Option("--locale", help="Only this target locale (add: the locale of the pages).")]


def find_db(db: Path | None, *, near: list[str] | None = None, create: bool = False) -> Path:
    """The memory file the command line means (see the module docstring)."""
    from tm.memory import default_db
    from tm.memory.store import DEFAULT_NAME

    if db is not None:
        return db
    for name in near or []:
        if os.path.isdir(name) and any(True for _ in walk_files(name, _catalog_only())):
            return default_db(name)
    folder = Path.cwd()
    for candidate in (folder, *folder.parents):
        if (candidate / DEFAULT_NAME).exists():
            return candidate / DEFAULT_NAME
    if create:
        return folder / DEFAULT_NAME
    raise SourceError(f"no memory found ({DEFAULT_NAME} here or above): give --db PATH or run `tm memory add`")


def _open(db: Path | None, locale: str, *, near: list[str] | None = None) -> tuple[sqlite3.Connection, str]:
    """The memory the command line means, and `--locale` as the memory spells locales (`fr-fr`, `fr_FR` →
    `fr-FR`). A locale the memory holds no translation into is a `BadArgument`: a lookup would answer nothing
    and analyze bill every word as new, as if the memory had been asked and had nothing to say."""
    from tm.memory import connect

    path = find_db(db, near=near)
    con = connect(path, create=False)
    locale = canonical_locale(locale)
    if locale and con.execute("SELECT 1 FROM translations WHERE locale = ? LIMIT 1", (locale,)).fetchone() is None:
        held = [row[0] for row in con.execute("SELECT DISTINCT locale FROM translations ORDER BY 1")]
        con.close()
        raise BadArgument(f"{path}: the memory holds no translations into {locale} "
                          f"({'it holds ' + ', '.join(held) if held else 'it is empty'})")
    return con, locale


def _catalog_only() -> tuple[str, ...]:
    return tuple(s for s in catalog_suffixes() if s != ".tmx")


@memory_app.command("add")
def add(
    sources: Annotated[list[str] | None, typer.Argument(help="Page trees, catalog trees, TMX files.")] = None,
    repo: Annotated[Path | None, typer.Option(help="Harvest the history of this git repository.")] = None,
    branch: Annotated[str | None, typer.Option(help="With --repo: every first-parent commit of this branch.")] = None,
    rev: Annotated[str | None, typer.Option(help="With --repo: the commits of a range A..B.")] = None,
    db: Db = None, locale: Locale = "", json_out: Json = False, quiet: Quiet = False,
) -> int:
    """Add pages, catalogs, TMX files or git history; only what was not read before is read."""
    from tm.memory import AddReport, add_history, connect

    paths = list(sources or [])
    if repo is None and (branch or rev):
        raise BadArgument("--branch and --rev need --repo")
    if repo is not None and bool(branch) == bool(rev):
        raise BadArgument("with --repo give --branch B or --rev A..B")
    if repo is None and not paths:
        raise BadArgument("give page trees, catalog trees or TMX files, or --repo DIR --branch B")
    report = Reporter(quiet=quiet or json_out)
    locale = canonical_locale(locale)
    con = connect(find_db(db, near=paths if repo is None else None, create=True))
    total = AddReport()
    try:
        if repo is not None:
            _merge(total, add_history(con, repo, [branch or rev or ""], paths=tuple(paths), locale=locale))
        else:
            for path in paths:
                parts = _add_path(con, path, locale)
                if not parts:  # nothing to read is not "0 files read", exit 0
                    total.errors.append(f"{path}: no pages, catalogs or TMX files under it")
                for part in parts:
                    _merge(total, part)
    finally:
        con.close()
    for error in total.errors:
        report.error(error)
    if json_out:
        print_json(total.to_json())
    elif not quiet:
        print(f"{total.commits} commits, {total.files} files read ({total.replayed} again, {total.skipped} known), "
              f"{total.pairs} pairs")
    return 2 if total.errors else 0


def _add_path(con: object, path: str, locale: str) -> list[AddReport]:
    """A path's pages, catalogs and TMX files, each kind with its harvester."""
    from tm.memory import add_catalogs, add_pages

    if not os.path.exists(path):
        raise SourceError(f"{path}: no such file or directory")
    if os.path.isfile(path):
        files = [(os.path.basename(path), path)]
    else:
        files = sorted(walk_files(path, (*PAGE_SUFFIXES, *catalog_suffixes())))
    tmx = [f for f in files if f[0].lower().endswith(".tmx")]
    catalogs = [f for f in files if f[0].lower().endswith(_catalog_only())]
    parts = []
    if any(f[0].lower().endswith(PAGE_SUFFIXES) for f in files):
        parts.append(add_pages(con, path, locale=locale))  # type: ignore[arg-type]
    if catalogs:
        parts.append(add_catalogs(con, catalogs, locale=locale))  # type: ignore[arg-type]
    if tmx:
        parts.append(add_catalogs(con, tmx, locale=locale, tmx=True))  # type: ignore[arg-type]
    return parts


def _merge(total: AddReport, part: AddReport) -> None:
    total.commits += part.commits
    total.files += part.files
    total.replayed += part.replayed
    total.skipped += part.skipped
    total.pairs += part.pairs
    total.errors += part.errors


def _print_matches(matches: list[Match], json_out: bool) -> None:
    if json_out:
        print_json([match.to_json() for match in matches])
        return
    for match in matches:
        seen = f"{match.first_seen} → {match.last_seen}" if match.first_seen else "undated"
        print(f"{match.score:.0%}  {match.origin}  {match.locale}  {seen}  ×{match.count}  {match.page}")
        print(f"  {_marked(match.source, match, 'source')}")
        print(f"  {_marked(match.target, match, 'target')}")


def _marked(text: str, match: Match, side: str) -> str:
    """`text` with the marked stretches of `side` in ⟦…⟧ (reverse video on a terminal)."""
    start_mark, end_mark = ("\x1b[7m", "\x1b[0m") if sys.stdout.isatty() else ("⟦", "⟧")
    for _, start, end in sorted((m for m in match.marks if m[0] == side), reverse=True):
        text = text[:start] + start_mark + text[start:end] + end_mark + text[end:]
    return text


@memory_app.command("lookup")
def lookup_command(
    text: Annotated[str, typer.Argument(help="The English source to look up.")],
    limit: Annotated[int, typer.Option(help="At most this many matches.")] = 10,
    threshold: Annotated[float, typer.Option(help="Lowest similarity of a fuzzy match (0-1).")] = 0.75,
    db: Db = None, locale: Locale = "", json_out: Json = False,
) -> int:
    """Translations of a source: exact matches first, then the most similar sources (score, origin, dates, page)."""
    from tm.memory import lookup

    con, locale = _open(db, locale)
    try:
        _print_matches(lookup(con, text, locale=locale, limit=limit, threshold=threshold), json_out)
    finally:
        con.close()
    return 0


@memory_app.command("search")
def search_command(
    query: Annotated[str, typer.Argument(help='Words (all must occur) or a "quoted phrase".')],
    target: Annotated[bool, typer.Option("--target", help="Search the translations instead of the sources.")] = False,
    limit: Annotated[int, typer.Option(help="At most this many matches.")] = 50,
    db: Db = None, locale: Locale = "", json_out: Json = False,
) -> int:
    """Concordance: how words or a phrase were translated before, matches marked."""
    from tm.memory import search

    con, locale = _open(db, locale)
    try:
        found = search(con, query, side="target" if target else "source", locale=locale, limit=limit)
        _print_matches(found, json_out)
    finally:
        con.close()
    return 0


@memory_app.command("export")
def export_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="The TMX file to write.")],
    format_name: Annotated[str, typer.Option("--format", help="tmx (TMX 1.4b).")] = "tmx",
    origin: Annotated[str, typer.Option(help="Origins to export, comma-separated: reviewed, ht, mt (default: reviewed, "
                                            "what a person wrote or confirmed, as tm export; ht = the vendor's human "
                                            "translation or a person's fuzzy one).")] = "reviewed",
    db: Db = None, locale: Locale = "", json_out: Json = False,
) -> int:
    """The memory as one TMX file for CAT tools (OmegaT, Trados) and MT customisation."""
    from tm.memory import ORIGINS

    if format_name != "tmx":
        raise BadArgument(f"--format {format_name}: the memory exports tmx only")
    origins = tuple(o.strip().lower() for o in origin.split(",") if o.strip())
    unknown = [o for o in origins if o not in ORIGINS]
    if unknown or not origins:
        raise BadArgument(f"--origin takes reviewed, ht, mt (not {', '.join(unknown) or 'nothing'})")
    from tm.memory.export import write_tmx

    con, locale = _open(db, locale)
    try:
        units = write_tmx(con, out, origins=origins, locale=locale)
    finally:
        con.close()
    if not units:  # as tm export: an empty TMX would be imported without a word
        Reporter(quiet=json_out).warning(f"no translation is {' or '.join(origins)}: {out} has no unit "
                                         "(--origin reviewed,ht,mt adds the vendor's translations)")
    if json_out:
        print_json({"out": str(out), "units": units, "origins": list(origins)})
    else:
        print(f"{units} units → {out}")
    return 0


@memory_app.command("stats")
def stats_command(db: Db = None, locale: Locale = "", json_out: Json = False) -> int:
    """What the memory holds: sources, translations by locale and origin, pages, commits, dates, size."""
    from tm.memory import ORIGINS, stats

    con, locale = _open(db, locale)
    try:
        result = stats(con, locale=locale)
    finally:
        con.close()
    if json_out:
        print_json(result.to_json())
        return 0
    print(f"sources {result.sources}, translations {result.translations} "
          f"({result.several_translations} sources with several), pages {result.pages}, "
          f"commits and handoffs {result.commits_and_handoffs}, files read {result.blobs}")
    for loc, origins in sorted(result.by_locale.items()):
        print(f"  {loc}: " + ", ".join(f"{name} {origins.get(name, 0)}" for name in ORIGINS))
    print(f"seen {result.first_seen or '-'} → {result.last_seen or '-'}, {result.size_bytes / 1e6:.1f} MB")
    return 0


@memory_app.command("analyze")
def analyze_command(
    paths: Annotated[list[str], typer.Argument(help="Pages or catalogs of the job (files or trees).")],
    since: Annotated[str | None, typer.Option(
        "--since", help="The previous handoff (pages or catalogs): count only what changed since, the segments "
                        "tm diff calls added or source_changed.")] = None,
    db: Db = None, locale: Locale = "", json_out: Json = False,
) -> int:
    """Words of a job by match band against the memory (context, repetition, 100%, 95-99, 85-94, 75-84, new)."""
    from tm.memory.analyze import BANDS, analyze, changed_since, job_locale, job_segments

    only = None
    if since is not None:
        if len(paths) != 1 or not os.path.isdir(paths[0]) or not os.path.isdir(since):
            raise BadArgument("--since compares two handoffs: give one folder of pages or catalogs and --since OLD")
        only, errors = changed_since(since, paths[0])
        if errors:
            raise SourceError(errors[0])
    con, locale = _open(db, locale or job_locale(paths), near=paths)
    try:
        result = analyze(con, job_segments(paths), locale=locale, only=only)
    finally:
        con.close()
    if json_out:
        print_json({**result.to_json(), "since": since})
        return 0
    total = result.total
    if since is not None:
        print(f"what changed since {since}:")
    print(f"{'band':<12}{'segments':>10}{'words':>10}")
    for band in BANDS:
        print(f"{band:<12}{total.segments[band]:>10}{total.words[band]:>10}")
    print(f"{'total':<12}{sum(total.segments.values()):>10}{sum(total.words.values()):>10}")
    print(f"{total.penalized} fuzzy scores lowered for differing numbers, code spans or placeholders")
    return 0
