"""lark's LALR parser, made fast enough for programs of a million statements.

``lalr_parser(grammar, transformer)`` builds the ``Lark`` object every jingu front end
uses: LALR, with the transformer applied while parsing (no tree is kept), and two speed-ups
that change nothing in what is parsed:

* ``RegexLexer``: lark's own lexers do much bookkeeping per token (a Python-level line
  counter, end positions, per-state scanners), a large share of a parse.  This lexer makes
  the same tokens from the grammar's own terminals with one compiled alternation and
  ``finditer``: regular-expression terminals first (higher lark priority first, then in
  the grammar's order), then literal strings longest first; keywords are identifiers
  whose text is a literal terminal; ignored text (whitespace, comments) is consumed with
  the token that follows it.  Tokens carry their offset, not their line and column, which
  ``line_column`` computes when an error message needs them.  It assumes the grammar
  needs no parser context to lex, which holds for OpenQASM and OriginIR.
* plain-string parse tables: lark keys some table entries by ``Token`` objects, whose
  Python-level ``__eq__`` then runs on every parser step; the keys are replaced by equal
  interned ``str``s (a quarter of the parser's time).  If lark's internals differ
  from what this expects, the tables are left alone.
"""

from __future__ import annotations

import re
import sys

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters
from lark.lexer import Lexer

from .program import line_column

_ERROR = "_UNEXPECTED_CHARACTER"
_END = "_END_OF_TEXT"
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class RegexLexer(Lexer):
    """Tokens for lark from one ``re.finditer`` over the whole text."""

    __future_interface__ = 2

    def __init__(self, conf):
        self.ignore = frozenset(conf.ignore)
        regexps, strings = [], []
        for order, term in enumerate(conf.terminals):
            if term.pattern.type == "str":
                strings.append(term)
            else:
                regexps.append((-term.priority, order, term))
        regexps.sort(key=lambda item: item[:2])
        # an identifier terminal (the first regexp matching every keyword) takes the
        # keywords; other literals are tried after every regexp, longest first
        self.keywords: dict[str, str] = {}
        self.identifier: str | None = None
        words = [t for t in strings if _IDENTIFIER.match(t.pattern.value)]
        for _, _, term in regexps:
            rx = re.compile(term.pattern.to_regexp())
            if words and all(rx.fullmatch(t.pattern.value) for t in words):
                self.identifier = term.name
                self.keywords = {t.pattern.value: t.name for t in words}
                break
        literals = [t for t in strings if t.pattern.value not in self.keywords]
        literals.sort(key=lambda t: -len(t.pattern.value))
        # one match = the ignored text before a token (whitespace, comments) + the token,
        # so ignored text costs no loop iteration; at the end only ignored text is left
        skip = "|".join(conf.terminals_by_name[n].pattern.to_regexp()
                        for n in sorted(self.ignore) if n in conf.terminals_by_name)
        parts = [(t.name, t.pattern.to_regexp()) for _, _, t in regexps
                 if t.name not in self.ignore]
        parts += [(t.name, re.escape(t.pattern.value)) for t in literals]
        parts += [(_END, r"\Z"), (_ERROR, ".")]
        alternatives = "|".join(f"(?P<{n}>{rx})" for n, rx in parts)
        self.pattern = re.compile(f"(?:{skip})*(?:{alternatives})" if skip else alternatives,
                                  re.DOTALL)
        self.terminals_by_name = conf.terminals_by_name

    def lex(self, lexer_state, parser_state):
        text = lexer_state.text.text
        keywords, identifier = self.keywords, self.identifier
        new_str = str.__new__
        token = None
        for m in self.pattern.finditer(text):
            kind = m.lastgroup
            value = m.group(kind)
            if kind == identifier:
                kind = keywords.get(value, kind)
            elif kind == _END:
                break
            elif kind == _ERROR:
                start = m.end() - 1
                line, column = line_column(text, start)
                raise UnexpectedCharacters(text, start, line, column, state=parser_state,
                                           terminals_by_name=self.terminals_by_name)
            # Token's attributes are set here, not through its constructor: this is the
            # hottest line of a parse.  Lines and columns are left to ``line_column``,
            # which error messages call: counting lines for every token would cost more
            # than the rest of the lexer.
            token = new_str(Token, value)
            token.type, token.value, token.start_pos = kind, value, m.end() - len(value)
            token.line = token.column = None
            yield token
        if token is not None:  # lark borrows the last token's end for its end marker
            token.end_pos = token.start_pos + len(token)
            token.end_line, token.end_column = line_column(text, token.end_pos)


def lalr_parser(grammar: str, transformer) -> Lark:
    """A lark LALR parser for ``grammar`` running ``transformer`` as it reduces rules."""
    parser = Lark(grammar, parser="lalr", lexer=RegexLexer, transformer=transformer,
                  maybe_placeholders=False)
    _plain_table_keys(parser)
    return parser


def _plain_table_keys(parser: Lark) -> None:
    try:
        states = parser.parser.parser.parser.parse_table.states
    except AttributeError:  # another lark layout: correct, just slower
        return
    names: dict[str, str] = {}

    def plain(key):
        return names.setdefault(str(key), sys.intern(str(key)))

    rules = set()
    for state, actions in list(states.items()):
        states[state] = {plain(k): v for k, v in actions.items()}
        rules.update(arg for _, arg in actions.values() if hasattr(arg, "origin"))
    for rule in rules:
        rule.origin.name = plain(rule.origin.name)


def cached_parser(grammar_path, transformer):
    """A getter that builds the front end's parser on first use (building it compiles the
    grammar's tables, which ``import jingu`` must not pay for) and reuses it afterwards."""
    parser = None

    def get():
        nonlocal parser
        if parser is None:
            parser = lalr_parser(grammar_path.read_text(encoding="utf-8"), transformer)
        return parser

    return get
