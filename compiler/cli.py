"""The ``jingu`` command line.

Commands live in ``jingu.commands.*`` and are imported only when used (``jingu --help``
reads their one-line help from the table below), so starting the CLI stays fast.  Every
``JinguError`` becomes a message and its exit code; nothing shows a traceback unless
``JINGU_DEBUG=1`` is set.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module

import click

from . import __version__

#: command -> (module:attribute, one-line help)
COMMANDS = {
    "compile": ("jingu.commands.compile:compile_cmd", "Compile a program for a target."),
    "info": ("jingu.commands.compile:info_cmd", "Describe a program: qubits, gates, depth."),
    "targets": ("jingu.commands.target:targets_cmd", "List the available targets."),
    "target": ("jingu.commands.target:target_group", "Show a target (and plot it)."),
    "passes": ("jingu.commands.passes:passes_group", "List passes or show one pass's help."),
    "bench": ("jingu.commands.bench:bench", "Benchmark jingu against reference compilers."),
    "pulse": ("jingu.commands.pulse:pulse_cmd", "Lower a program to sampled control pulses."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(n for n, (path, _) in COMMANDS.items() if _available(path))

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        path, _ = COMMANDS[name]
        module, _, attr = path.partition(":")
        try:
            return getattr(import_module(module), attr)
        except (ImportError, AttributeError):
            return None

    def format_commands(self, ctx, formatter):
        rows = [(n, COMMANDS[n][1]) for n in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _available(path: str) -> bool:
    from importlib.util import find_spec

    module = path.partition(":")[0]
    try:
        return find_spec(module) is not None
    except ImportError:
        return False


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jingu")
def cli():
    """jingu: a quantum circuit compiler for superconducting lattices (Origin Wukong 72)."""


def main(argv=None) -> int:
    from .errors import JinguError

    try:
        cli.main(args=argv, prog_name="jingu", standalone_mode=False)
    except JinguError as exc:
        click.echo(str(exc), err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug in jingu: say so plainly
        if os.environ.get("JINGU_DEBUG"):
            raise
        click.echo(f"internal error: {type(exc).__name__}: {exc}\n"
                   f"(this is a bug in jingu; rerun with JINGU_DEBUG=1 for the traceback)",
                   err=True)
        return 70
    return 0


def entry() -> None:
    sys.exit(main())
