""""Did you mean" for misspelt keys and paths, and the keys a model accepts at a place.

``did_you_mean`` suggests the closest known word (``difflib``; a case-insensitive
match first) and never compares long words (a 10 MB key is not matched against
anything). ``keys_at`` walks a pydantic model's annotations along a document path
(``("release", "analysis", "metrics", 0)``) and returns the keys accepted there, by
their YAML names (aliases).
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from .errors import shown

_LONGEST = 100


def closest(word: str, known: Iterable[str]) -> str | None:
    """The known word closest to ``word``, or ``None`` when none is close."""
    if not isinstance(word, str) or not word or len(word) > _LONGEST:
        return None
    candidates = sorted({k for k in known if isinstance(k, str) and k != word})
    for candidate in candidates:
        if candidate.lower() == word.lower():
            return candidate
    found = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return found[0] if found else None


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """``"; did you mean 'replicas'?"`` or ``""``."""
    match = closest(word, known)
    return f"; did you mean {shown(match)}?" if match else ""


def _leaves(annotation: Any) -> list[Any]:
    """The concrete types inside ``Annotated``, ``Optional`` and unions."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _leaves(get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [leaf for arg in get_args(annotation) for leaf in _leaves(arg)]
    return [annotation]


def _model_keys(model: type[BaseModel]) -> dict[str, Any]:
    return {(info.alias or name): info.annotation for name, info in model.model_fields.items()}


def _step(annotation: Any, part: int | str) -> list[Any]:
    out = []
    for leaf in _leaves(annotation):
        origin = get_origin(leaf)
        if isinstance(leaf, type) and issubclass(leaf, BaseModel):
            keys = _model_keys(leaf)
            if isinstance(part, str) and part in keys:
                out.append(keys[part])
        elif origin in (list, tuple) and isinstance(part, int):
            out.extend(get_args(leaf)[:1])
        elif origin is dict and isinstance(part, str):
            out.extend(get_args(leaf)[1:2])
    return out


def keys_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> set[str]:
    """The keys the model accepts in the mapping at ``loc`` (empty when unknown)."""
    current: list[Any] = [model]
    for part in loc:
        current = [found for annotation in current for found in _step(annotation, part)]
    return {key for annotation in current for leaf in _leaves(annotation)
            if isinstance(leaf, type) and issubclass(leaf, BaseModel) for key in _model_keys(leaf)}


def model_keys(model: type[BaseModel]) -> dict[str, Any]:
    """A model's keys as YAML writes them (aliases) with their annotations."""
    return _model_keys(model)


def leaves(annotation: Any) -> list[Any]:
    """The concrete types inside ``Annotated``, ``Optional`` and unions."""
    return _leaves(annotation)
