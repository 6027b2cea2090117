"""Pulumi runs this file (Pulumi.yaml: ``main: stacks/``).

The program's composition root: it reads the release state in force from the ledger
(``tricolor:ledger``, or ``$TRICOLOR_LEDGER``) and hands it to ``build()``, which
itself reads no file and no environment.
"""

from tricolor.rollout.program_state import ledger_state
from tricolor.stacks.program import main

main(ledger_state)
