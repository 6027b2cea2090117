"""Pulumi runs this file (Pulumi.yaml: ``main: stacks/``)."""

from tricolor.stacks.program import main

main()
