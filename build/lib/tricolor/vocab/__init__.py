"""The shared vocabulary at the bottom of tricolor: imported by every package, importing
none of them (and no Pulumi, no pydantic).

- ``labels``: the label, tag and annotation keys tricolor writes and reads, the two
  colors, ``labels_of`` and ``color_of``;
- ``wire``: Pulumi's wire format: signature keys, secret/asset/archive/resource/output
  envelopes, every unknown sentinel, URN parsing;
- ``checkpoint``: the one strict reader of Pulumi checkpoints and stack exports;
- ``redact``: which names are secret and how values are redacted, by name and by
  structure;
- ``limits``: what each router accepts as weights.
"""

from __future__ import annotations
