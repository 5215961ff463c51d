"""Click options shared by several commands (one definition each)."""

from __future__ import annotations

import click

target_option = click.option(
    "--target", "-t", "target_name", default="wukong72", show_default=True,
    help="Target name (wukong72, grid:RxC, heavy-hex:D, line:N, ring:N, a plugin) or a .toml file.")
disable_qubits_option = click.option(
    "--disable-qubits", default="", metavar="LIST", help="Dead qubits, e.g. 18,23 or 5-11.")
disable_couplers_option = click.option(
    "--disable-couplers", default="", metavar="LIST", help="Dead couplers by index, e.g. 5-11.")
basis_option = click.option(
    "--basis", default=None, metavar="GATES",
    help="Native basis to translate to instead of the target's, e.g. cz,rz,sx,x or x1,rz,cz.")
lang_option = click.option(
    "--lang", type=click.Choice(["qasm2", "qasm3", "originir"]), default=None,
    help="Input language (default: from the extension or the first statement).")


def target_options(fn):
    for opt in (basis_option, disable_couplers_option, disable_qubits_option, target_option):
        fn = opt(fn)
    return fn


def resolve_target(target_name, disable_qubits, disable_couplers, basis):
    """Load the target the options describe (dead parts and basis applied)."""
    from jingu.targets import load_target, parse_index_list

    return load_target(
        target_name,
        disable_qubits=parse_index_list(disable_qubits, option="--disable-qubits"),
        disable_couplers=parse_index_list(disable_couplers, option="--disable-couplers"),
        basis=basis.split(",") if basis else None,
    )
