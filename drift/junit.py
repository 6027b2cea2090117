"""JUnit XML: one test case per resource, failing where it drifts.

Always well-formed XML 1.0: characters XML cannot carry (control characters other than
tab and newline, lone surrogates, U+FFFE/U+FFFF) are written as ``\\xNN`` text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.etree import ElementTree as ET

from .model import Difference, DriftResult
from .present import display

__all__ = ["xml_safe", "to_junit"]

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def _line(d: Difference, environments: Sequence[str]) -> str:
    values = ", ".join(f"{e}={display(d, e, 200)}" + (" (odd one)" if e in d.odd else "") for e in environments)
    return f"[{d.status}] {d.path or '(resource)'}: {values}" + (f" ({d.reason})" if d.reason else "")


def to_junit(result: DriftResult) -> str:
    grouped = result.by_resource()
    suite = ET.Element("testsuite", name="tricolor drift", tests=str(len(result.roles) or len(grouped)),
                       failures=str(sum(1 for diffs in grouped.values() if any(d.status == "drift" for d in diffs))),
                       errors="0", skipped="0")
    ET.SubElement(ET.SubElement(suite, "properties"), "property", name="environments",
                  value=xml_safe(",".join(result.environments)))
    for role in result.roles or tuple(grouped):
        diffs = grouped.get(role, [])
        case = ET.SubElement(suite, "testcase", classname=xml_safe(result.types.get(role, diffs[0].type if diffs
                                                                                      else "")),
                             name=xml_safe(role))
        drift = [d for d in diffs if d.status == "drift"]
        if drift:
            fields = ", ".join(d.path or "(resource)" for d in drift)
            failure = ET.SubElement(case, "failure", type="drift",
                                    message=xml_safe(f"{len(drift)} field(s) differ: {fields}"))
            failure.text = xml_safe("\n".join(_line(d, result.environments) for d in drift))
        rest = [d for d in diffs if d.status != "drift"]
        if rest:
            ET.SubElement(case, "system-out").text = xml_safe("\n".join(_line(d, result.environments) for d in rest))
    return ET.tostring(suite, encoding="unicode", xml_declaration=True)
