"""jingu-mylab: an example jingu plugin (a pass and a target).

Kept empty on purpose: jingu imports a plugin's module only when one of its passes or
targets is used, and a light package keeps that first use fast.
"""

__version__ = "0.1.0"
