"""``@record``: what ``@dataclass(frozen=True)`` makes, for about a third of its cost.

On Python 3.11 ``dataclass`` compiles every generated method with its own ``exec``;
a frozen class with equality has six (``__init__``, ``__repr__``, ``__eq__``,
``__hash__``, ``__setattr__``, ``__delattr__``) and costs ~0.8 ms to create. The 18
records the library screen imports cost 14 ms of every start. ``record`` writes
``__init__`` as one small source text with one ``exec``, and the other five as closures
over the field names (~0.1 ms a class; compiling was most of the cost).

The class it returns is a dataclass to the standard library: ``dataclasses.fields``,
``replace``, ``asdict`` and ``is_dataclass`` work on it, and assigning a field raises
``FrozenInstanceError``. A class using anything else (``field(init=False)`` and the
other ``field`` options, ``ClassVar``, ``InitVar``, a base dataclass, its own
``__hash__`` / ``__eq__`` / ``__repr__``, a mutable default), or a Python whose
``dataclasses`` lacks the internals used here, is handed to ``dataclass(frozen=True)``
unchanged, so the result is the same either way (``tests/test_record.py``).
"""

from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import MISSING, Field, FrozenInstanceError
from operator import attrgetter
from typing import Any, TypeVar

T = TypeVar("T")

# the standard library's marker of an ordinary field (``fields()`` and ``replace()``
# read ``Field._field_type``); absent, every class takes the standard path
_FIELD = getattr(dataclasses, "_FIELD", None)
_PARAMS = getattr(dataclasses, "_DataclassParams", None)
_OWN = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__",
        "__slots__", "__dataclass_fields__")
_PLAIN_FIELD = dataclasses.field()


class _Factory:
    """The default of a parameter whose field has a ``default_factory``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def record(cls: type[T]) -> type[T]:
    """``@dataclass(frozen=True)``, built with one ``exec`` (see the module's text)."""
    fields = _fields(cls)
    if fields is None:
        return dataclasses.dataclass(frozen=True)(cls)
    names = [f.name for f in fields]
    # (not ``self.__dict__[name] = …``: faster to run for a record of many fields, but
    # reading ``__dict__`` makes each instance a dict of its own instead of Python
    # 3.11's inline values; grading 200,000 spans went from 1.65 to 2.03 s)
    env: dict[str, Any] = {"__set": object.__setattr__, "__factory": _FACTORY}
    params, body = [], []
    for f in fields:
        n = f.name
        if f.default_factory is not MISSING:
            env[f"__make_{n}"] = f.default_factory
            params.append(f"{n}=__factory")
            body.append(f"  __set(self, {n!r}, __make_{n}() if {n} is __factory else {n})")
        else:
            if f.default is not MISSING:
                env[f"__default_{n}"] = f.default
                params.append(f"{n}=__default_{n}")
            else:
                params.append(n)
            body.append(f"  __set(self, {n!r}, {n})")
    if not names:
        body.append("  pass")
    if "__post_init__" in {k for c in cls.__mro__ for k in vars(c)}:
        body.append("  self.__post_init__()")
    src = "\n".join((f"def __init__(self, {', '.join(params)}):", *body))
    made: dict[str, Any] = {}
    exec(compile(src, f"<record {cls.__qualname__}>", "exec"), env, made)  # noqa: S102
    made.update(_methods(cls, names))
    for name, fn in made.items():
        fn.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, fn)
    for f in fields:
        if f.default_factory is not MISSING and isinstance(vars(cls).get(f.name), Field):
            delattr(cls, f.name)
        elif isinstance(vars(cls).get(f.name), Field):
            setattr(cls, f.name, f.default)
    cls.__dataclass_fields__ = {f.name: f for f in fields}  # type: ignore[attr-defined]
    cls.__match_args__ = tuple(names)  # type: ignore[attr-defined]
    if _PARAMS is not None:  # (a Python whose parameters differ goes without: fields()
        # and replace() do not read them)
        with contextlib.suppress(TypeError):
            cls.__dataclass_params__ = _PARAMS(  # type: ignore[attr-defined]
                True, True, True, False, False, True)
    if cls.__doc__ is None:
        cls.__doc__ = f"{cls.__name__}({', '.join(params)})"
    return cls


def _methods(cls: type, names: list[str]) -> dict[str, Any]:
    """``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__`` and ``__delattr__`` as
    closures over the field names: only ``__init__`` needs its own source text (what a
    class costs is mostly compiling; these five were three quarters of the text)."""
    if len(names) > 1:
        values = attrgetter(*names)  # a tuple of the fields, in C
    elif names:
        one = attrgetter(names[0])

        def values(obj: Any) -> tuple[Any, ...]:
            return (one(obj),)
    else:
        def values(obj: Any) -> tuple[Any, ...]:
            return ()
    frozen = frozenset(names)

    def __repr__(self: Any) -> str:
        shown = ", ".join(f"{n}={v!r}" for n, v in zip(names, values(self), strict=True))
        return f"{self.__class__.__qualname__}({shown})"

    def __eq__(self: Any, other: object) -> Any:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return values(self) == values(other)

    def __hash__(self: Any) -> int:
        return hash(values(self))

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in frozen:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in frozen:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return {"__repr__": __repr__, "__eq__": __eq__, "__hash__": __hash__,
            "__setattr__": __setattr__, "__delattr__": __delattr__}


def _fields(cls: type) -> list[Field[Any]] | None:
    """The fields, as ``dataclass`` would make them; None when it must do the work."""
    if _FIELD is None or any(k in vars(cls) for k in _OWN) \
            or any(hasattr(b, "__dataclass_fields__") for b in cls.__mro__[1:]):
        return None
    out: list[Field[Any]] = []
    for name, ann in vars(cls).get("__annotations__", {}).items():
        text = ann if isinstance(ann, str) else getattr(ann, "__name__", "")
        if "ClassVar" in text or "InitVar" in text:
            return None
        value = vars(cls).get(name, MISSING)
        if isinstance(value, Field):
            if (value.init, value.repr, value.hash, value.compare, value.metadata,
                    value.kw_only) != (True, True, None, True, _PLAIN_FIELD.metadata,
                                       MISSING):
                return None
            f = value
        else:
            if value is not MISSING and type(value).__hash__ is None:
                return None  # dataclass refuses a mutable default: let it say so
            f = dataclasses.field(default=value)
        f.name = name
        f.type = ann
        f.kw_only = False  # type: ignore[assignment]  # as dataclass settles it
        f._field_type = _FIELD  # type: ignore[attr-defined]
        out.append(f)
    defaults = [f.default is not MISSING or f.default_factory is not MISSING for f in out]
    if any(d and not later for d, later in zip(defaults, defaults[1:], strict=False)):
        return None  # a field without a default after one with: dataclass's TypeError
    return out
