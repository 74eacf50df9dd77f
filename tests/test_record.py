"""``app.core.record.record`` behaves as ``dataclass(frozen=True)`` does."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from dataclasses import FrozenInstanceError, dataclass, field
from typing import ClassVar

import pytest

from app.core.record import _fields, record


def _pair(body: dict[str, object], annotations: dict[str, str]) -> tuple[type, type]:
    """The same class body made by ``dataclass(frozen=True)`` and by ``record``."""
    def make(name: str) -> type:
        ns = {"__annotations__": dict(annotations), "__module__": __name__,
              "__qualname__": name}
        ns.update({k: (copy.copy(v) if isinstance(v, dataclasses.Field) else v)
                   for k, v in body.items()})
        return type(name, (), ns)
    return dataclass(frozen=True)(make("Std")), record(make("Rec"))


KINDS = [
    ({}, {}),
    ({}, {"a": "int"}),
    ({"b": "x"}, {"a": "int", "b": "str"}),
    ({"c": field(default_factory=tuple), "d": None},
     {"a": "int", "c": "tuple[int, ...]", "d": "int | None"}),
    ({"b": field(default=3)}, {"a": "str", "b": "int"}),
]


@pytest.mark.parametrize(("body", "anns"), KINDS)
def test_same_behaviour_as_a_frozen_dataclass(body, anns):
    std, rec = _pair(body, anns)
    assert _fields(type("Probe", (), {"__annotations__": dict(anns), **{
        k: (copy.copy(v) if isinstance(v, dataclasses.Field) else v)
        for k, v in body.items()}})) is not None  # the fast path, not the fallback
    required = [n for n in anns if n not in body]
    args = {n: i for i, n in enumerate(required)}
    s, r = std(**args), rec(**args)
    assert repr(r) == repr(s).replace("Std(", "Rec(", 1)
    assert [(f.name, f.type, f.default, f.default_factory) for f in dataclasses.fields(r)] \
        == [(f.name, f.type, f.default, f.default_factory) for f in dataclasses.fields(s)]
    assert dataclasses.asdict(r) == dataclasses.asdict(s)
    assert dataclasses.astuple(r) == dataclasses.astuple(s)
    assert dataclasses.is_dataclass(r) and dataclasses.is_dataclass(rec)
    assert rec.__match_args__ == std.__match_args__
    assert r == rec(**args) and hash(r) == hash(rec(**args)) and r != s
    assert (r == s) is False and r.__eq__(s) is NotImplemented
    for name in anns:
        with pytest.raises(FrozenInstanceError):
            setattr(r, name, 1)
        with pytest.raises(FrozenInstanceError):
            delattr(r, name)
    with pytest.raises(FrozenInstanceError):
        r.other = 1  # as on a frozen dataclass: no new attributes either
    assert copy.copy(r) == r and copy.deepcopy(r) == r
    if anns:
        first = next(iter(anns))
        changed = dataclasses.replace(r, **{first: 99})
        assert getattr(changed, first) == 99 and type(changed) is rec
        assert dataclasses.replace(s, **{first: 99}) == std(**{**args, first: 99})
    for cls in (std, rec):
        with pytest.raises(TypeError):
            cls(**args, nonsense=1)
    if required:
        for cls in (std, rec):
            with pytest.raises(TypeError):
                cls()


def test_a_default_factory_makes_a_new_value_each_time():
    @record
    class R:
        items: list = field(default_factory=list)
    a, b = R(), R()
    assert a.items == [] and a.items is not b.items
    assert "items" not in vars(R)  # as dataclass leaves it: no class attribute


def test_post_init_runs():
    seen = []

    @record
    class R:
        a: int

        def __post_init__(self):
            seen.append(self.a)
    R(5)
    assert seen == [5]


def test_a_subclass_may_add_attributes_but_not_change_fields():
    @record
    class R:
        a: int

    class Sub(R):
        pass
    s = Sub(1)
    s.extra = 2
    with pytest.raises(FrozenInstanceError):
        s.a = 3


def test_what_it_does_not_do_itself_goes_to_dataclass():
    for body in ({"b": field(default=1, repr=False)},
                 {"b": field(init=False, default=1)},
                 {"b": field(default=1, compare=False)}):
        cls = type("C", (), {"__annotations__": {"a": "int", "b": "int"}, **body})
        assert _fields(cls) is None
        made = record(cls)
        assert dataclasses.fields(made)[1].name == "b"

    class K:
        a: int
        k: ClassVar[int] = 1
    assert _fields(K) is None
    assert [f.name for f in dataclasses.fields(record(K))] == ["a"]

    with pytest.raises(ValueError, match="mutable default"):
        @record
        class M:
            a: list = []  # noqa: RUF012 — the mistake dataclass refuses

    with pytest.raises(TypeError, match="non-default argument"):
        @record
        class Late:
            a: int = 1
            b: int

    @record
    class Base:
        a: int

    @record
    class Child(Base):
        b: int = 0
    assert [f.name for f in dataclasses.fields(Child(1))] == ["a", "b"]
    assert Child(1, 2) == Child(1, 2) and repr(Child(1)).endswith(".Child(a=1, b=0)")


def test_the_apps_records_are_dataclasses_as_before():
    from app.core.lessons import Highlight, KeySpan, Lesson, Source

    h = Highlight(1, 4, "loaded_language")
    assert dataclasses.replace(h, note="x") == Highlight(1, 4, "loaded_language", "x")
    assert {h, Highlight(1, 4, "loaded_language")} == {h}
    le = Lesson("a", "T", "text")
    assert pickle.loads(pickle.dumps(le)) == le
    assert le.source == Source() and le.source is not Lesson("b", "T", "t").source
    assert repr(KeySpan(0, 1, "x", "q")).startswith("KeySpan(start=0, end=1, label='x'")
    with pytest.raises(FrozenInstanceError):
        le.title = "other"

