"""jingu.grammar: the front ends.  Each language has a lark grammar (``*.lark``) and a
transformer that builds the circuit while parsing; what they share (registers, gates,
broadcasting, errors) is ``program.ProgramBuilder``, and ``fast_lalr`` makes lark fast.
Use them through ``jingu.frontend.parse`` / ``parse_file``."""
