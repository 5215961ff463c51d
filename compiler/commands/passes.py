"""``jingu passes`` (list every pass, built-in or plugin) and ``jingu passes show NAME``.

Listing reads installed metadata and source text only (``jingu.passinfo``): no pass module,
built-in or plugin, is imported, so a broken plugin cannot break the listing.  ``show``
imports the one pass asked for and prints its exact help.
"""

from __future__ import annotations

import json
import textwrap

import click

WIDTH = 88


@click.group("passes", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print the listing as JSON.")
@click.pass_context
def passes_group(ctx, as_json):
    """List every pass (built-in or plugin): where it comes from, options and contract.

    Plugins are found through the `jingu.passes` entry-point group and are not imported.
    """
    if ctx.invoked_subcommand is not None:
        return
    infos = list_passes()
    if as_json:
        click.echo(json.dumps([i.as_dict() for i in infos], indent=2))
        return
    click.echo("\n\n".join(_summary(info) for info in infos))


@passes_group.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show_cmd(name, as_json):
    """Show the full help of pass NAME (plain, or qualified as DIST:NAME)."""
    from jingu.passinfo import describe_class
    from jingu.registry import find, load_pass

    entry = find(name)
    info = describe_class(load_pass(entry.qualified), entry)
    if as_json:
        click.echo(json.dumps(info.as_dict(), indent=2))
        return
    click.echo(_full(info))


def list_passes():
    """PassInfo of every registered pass, sorted by name; clashing names are marked."""
    from collections import Counter

    from jingu.passinfo import describe_entry
    from jingu.registry import PASS_GROUP, entries

    found = entries(PASS_GROUP)
    counts = Counter(e.name for e in found)
    infos = []
    for entry in found:
        info = describe_entry(entry)
        info.clash = counts[entry.name] > 1
        infos.append(info)
    return infos


# ----------------------------------------------------------------------------------------
# rendering


def _contract(info) -> str:
    parts = []
    for key in ("needs", "guarantees", "invalidates"):
        value = getattr(info, key)
        if value is None:
            return "contract: (unknown without import)"
        if value or key != "invalidates":
            parts.append(f"{key} {', '.join(value) or '-'}")
    text = "contract: " + "; ".join(parts)
    return text + ("; analysis pass" if info.analysis else "")


def _options(info) -> str:
    if info.options is None:
        return "options: (unknown without import)"
    if not info.options:
        return "options: none"
    return "options: " + ", ".join(f"{o.name}: {o.type} = {o.default}" for o in info.options)


def _warnings(info) -> list[str]:
    from jingu import API_VERSION

    out = []
    if info.clash:
        out.append(f"name clash: write it qualified, '{info.qualified}'")
    if info.api_version is not None and info.api_version != API_VERSION:
        out.append(f"refused: written for plugin API {info.api_version}, this jingu provides "
                   f"API {API_VERSION}")
    return out + info.notes


def _summary(info) -> str:
    name = info.qualified if info.clash else info.name
    head = f"{name}  [{info.dist} {info.version}]"
    indent = "    "
    body = [info.description, _options(info), _contract(info),
            *(f"! {w}" for w in _warnings(info))]
    wrapped = [textwrap.fill(line, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ")
               for line in body]
    return "\n".join([head, *wrapped])


def _full(info) -> str:
    lines = [f"{info.name}  [{info.dist} {info.version}]  plugin API {info.api_version}",
             f"entry point: {info.qualified} = {info.value}"]
    if info.source:
        lines.append(f"source: {info.source}")
    lines.append("")
    lines.append(info.doc or "(no description)")
    lines.append("")
    if info.options:
        lines.append("options:")
        lines += [f"  {o.name}: {o.type} = {o.default}" for o in info.options]
    else:
        lines.append("options: none")
    lines.append("contract:")
    for key in ("needs", "guarantees", "invalidates"):
        lines.append(f"  {key}: {', '.join(getattr(info, key)) or '-'}")
    if info.analysis:
        lines.append("  analysis pass: returns the circuit unchanged, writes ctx.properties")
    lines += [f"note: {w}" for w in _warnings(info)]
    example = info.qualified if info.dist.lower() != "jingu" else info.name
    if info.options:
        o = info.options[0]
        example += f"{{{o.name}={o.default.strip(chr(39))}}}"
    pipeline = example if info.name == "unroll" else f"unroll,{example}"
    lines.append(f'use: jingu compile FILE --passes "{pipeline}"')
    return "\n".join(lines)
