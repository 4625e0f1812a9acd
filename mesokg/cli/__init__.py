"""The ``mesokg`` command line: a thin click group; each command calls a library function.

Subcommands live in their own modules and are imported only when run, so ``mesokg --help`` starts
at once. Click itself is imported only when needed: the common ``mesokg query NAME [--param k=v]
[--format F]`` is parsed by :func:`mesokg.query.run.fast_query`, which calls the same function the
click command calls (cold start close to a raw pyoxigraph process: ``benchmarks/bench_coldstart.py``).
"""

from __future__ import annotations

import importlib
import sys

# name -> (module:function, one-line help shown by --help without importing the module)
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("mesokg.cli.graph:build_cmd", "Build, reason, validate and write release files."),
    "validate": ("mesokg.cli.graph:validate_cmd", "Validate the graph (or FILES added to it) against the shapes."),
    "reason": ("mesokg.cli.graph:reason_cmd", "Check consistency with HermiT and list what it infers."),
    "export": ("mesokg.cli.graph:export_cmd", "Write the graph in an RDF format (stdout by default)."),
    "stats": ("mesokg.cli.graph:stats_cmd", "Counts per class and predicate; claims per evidence level and polarity."),
    "load": ("mesokg.cli.graph:load_cmd", "Add curated files to an on-disk store, only if the result validates."),
    "push": ("mesokg.cli.graph:push_cmd", "Send the graph to a SPARQL 1.1 server (Graph Store Protocol)."),
    "curate": ("mesokg.cli.curate:curate_cmd", "Turn claims.tsv [nodes.tsv] into checked Turtle (or write templates)."),
    "queries": ("mesokg.cli.query:queries_cmd", "List the saved queries."),
    "query": ("mesokg.cli.query:query_cmd", "Run a saved query, a query file or a query string."),
    "network": ("mesokg.cli.network:network_cmd", "Substance-indication networks: stats, pictures, files."),
    "evidence": ("mesokg.cli.evidence:evidence_cmd", "Summary of findings for a subject and an indication."),
    "map": ("mesokg.cli.evidence:map_cmd", "Evidence and gap map (PNG, SVG, offline HTML, CSV)."),
    "serve": ("mesokg.cli.serve:serve_cmd", "Serve a read-only SPARQL endpoint with a query page."),
}


def _group():
    """The click group, built on first use."""
    import click

    class LazyGroup(click.Group):
        def list_commands(self, ctx):
            return list(COMMANDS)

        def get_command(self, ctx, name):
            if name not in COMMANDS:
                return None
            target, _ = COMMANDS[name]
            mod, _, attr = target.partition(":")
            try:
                return getattr(importlib.import_module(mod), attr)
            except (ImportError, AttributeError) as e:  # a command whose module is missing
                reason = str(e)

                @click.command(name=name, help=COMMANDS[name][1])
                def missing():
                    raise click.ClickException(f"command {name} is unavailable: {reason}")

                return missing

        def format_commands(self, ctx, formatter):
            rows = [(name, help_) for name, (_, help_) in COMMANDS.items()]
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    @click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(package_name="mesokg", message="mesokg %(version)s")
    def cli():
        """mesokg: the evidence-graded knowledge graph of mesotherapy."""

    return cli


def main(argv=None) -> int:
    """Entry point: user errors become one line on stderr and a non-zero exit, never a traceback."""
    from mesokg.errors import MesokgError

    args = list(sys.argv[1:] if argv is None else argv)
    if argv is None:  # the mesokg program itself: a query may be sandboxed in this very process
        from mesokg import sandbox

        sandbox.WHOLE_PROCESS = True
    if args[:1] == ["query"]:
        from mesokg.query.run import fast_query

        try:
            if fast_query(args[1:]):
                return 0
        except MesokgError as e:
            print(f"mesokg: error: {e}", file=sys.stderr)
            return e.exit_code
        except BrokenPipeError:
            return 0
    import click

    cli = _group()
    try:
        cli.main(args=args, prog_name="mesokg", standalone_mode=False)
    except MesokgError as e:
        click.echo(f"mesokg: error: {e}", err=True)
        return e.exit_code
    except click.exceptions.Abort:
        click.echo("mesokg: aborted", err=True)
        return 130
    except click.ClickException as e:
        e.show()
        return e.exit_code
    except click.exceptions.Exit as e:
        return e.exit_code
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
