"""The CrossGuard policy pack: ``pulumi preview --policy-pack policies``.

Pulumi runs this file as a program (``python -m pulumi.policy ... policies``), not as
part of the package, so it imports the installed ``tricolor`` package absolutely. The
rules live in ``tricolor.policies.rules_*``; ``tricolor policy check`` runs the same
rules offline. ``PolicyPack`` starts the analyzer's gRPC server and serves until the
engine stops it.
"""

from pulumi_policy import PolicyPack

from tricolor.policies.pack import pack_arguments

PolicyPack(**pack_arguments())
