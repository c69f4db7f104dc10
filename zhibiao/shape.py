"""The light check of a catalogue file: the record model's shape, cached as JSON, applied without pydantic.

`zhibiao check CATALOGUE.json` must start within 2× of a bare `python -c "import click"` (issue 14);
importing pydantic and building the model's validators alone costs more than that. So a small catalogue
file is first read here: parsed with the standard json module and checked against the model's shape —
every field, type, constraint, default, the points rule (zhibiao.basics.to_decimal) and the model's
after-validators (zhibiao.basics.tree_problem) — into light records that normalize/validate.py checks as
it checks the model. The shape is made from the model itself (`model_shape`, from pydantic's core schema)
and kept in catalogue_shape.json; tests/test_shape.py fails when the file is stale.

The light check only ever says "this is a valid catalogue" or "ask the model": whatever it is not sure
of (a type it does not know, a float where an int stands, a date in another form, a large file) goes to
`zhibiao.cli.load_catalogue`, which says what is wrong exactly as it always has. Regenerate the shape
after a change of the model with `python -m zhibiao.shape` (and check that the light check still applies
every rule: an after-validator it does not know makes it hand every file to the model).
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import sys
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhibiao.basics import (
    MAX_JSON_NESTING,
    first_level_total,
    json_nesting,
    source_label,
    to_decimal,
    tree_problem,
    walk,
)

__all__ = ["SHAPE_FILE", "LIGHT_MAX_BYTES", "light_catalogue", "light_validate", "model_shape", "write_shape"]

SHAPE_FILE = Path(__file__).with_name("catalogue_shape.json")
# above this many bytes the model reads the file (pydantic's own JSON parser is faster on a large file, and
# its import is then a small part of the time)
LIGHT_MAX_BYTES = 1 << 20
_INT_BOUND = 1 << 63  # larger integers go to the model
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_BOM = "\ufeff".encode()
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?"
                       r"(Z|[+-][0-9]{2}:[0-9]{2})?")


class _Refused(Exception):
    """The light check cannot vouch for the file: the model reads it."""


# --- the records the checks read (attributes as the model's, and the methods normalize/validate.py calls) ---

class Record:
    """A model instance as the light check makes it: its fields as attributes."""

    def __init__(self, fields: dict[str, Any]) -> None:  # noqa: D107
        self.__dict__.update(fields)

    if TYPE_CHECKING:  # the fields are the model's (catalogue_shape.json)
        def __getattr__(self, name: str) -> Any: ...


class _Source(Record):
    def label(self) -> str:
        return source_label(self.file, self.lines, self.pages, self.locator)


class _Rubric(Record):
    def walk(self) -> Iterator[Any]:
        return walk(self.indicators)

    def first_level_total(self) -> Decimal:
        return first_level_total(self.indicators)


_RECORDS: dict[str, type[Record]] = {"Source": _Source, "Rubric": _Rubric}


def _rubric_consistent(record: Record) -> bool:
    return tree_problem(record.indicators, True) is None  # read from a file: context {"loaded": True}


# the model's after-validators the light check applies (by qualified name; None: changes no validity)
_AFTER: dict[str, Callable[[Record], bool] | None] = {"Rubric._consistent": _rubric_consistent,
                                                      "Catalogue._migrate": None}


# --- the shape, compiled into one function per node ---

def _compile(node: dict, defs: dict[str, dict], done: dict[str, Callable]) -> Callable[[Any], Any]:
    t = node["t"]
    if t == "ref":
        name = node["name"]
        if name not in done:
            slot: list[Callable[[Any], Any]] = []  # filled once the definition is compiled (it may refer to itself)
            done[name] = lambda v: slot[0](v)
            slot.append(_compile(defs[name], defs, done))
        return done[name]
    if t == "str":
        pattern = re.compile(node["pattern"]) if "pattern" in node else None

        def check_str(v: Any) -> Any:
            if type(v) is not str or (pattern is not None and pattern.fullmatch(v) is None):
                raise _Refused
            return v
        return check_str
    if t in ("int", "float"):
        ge, le, gt, lt = (node.get(k) for k in ("ge", "le", "gt", "lt"))
        types = (int,) if t == "int" else (int, float)

        def check_number(v: Any) -> Any:
            if type(v) not in types or (type(v) is int and not -_INT_BOUND < v < _INT_BOUND):
                raise _Refused
            if type(v) is float and (v != v or v in (float("inf"), float("-inf"))):
                raise _Refused
            if ((ge is not None and not v >= ge) or (le is not None and not v <= le)
                    or (gt is not None and not v > gt) or (lt is not None and not v < lt)):
                raise _Refused
            return float(v) if t == "float" else v
        return check_number
    if t == "bool":
        def check_bool(v: Any) -> Any:
            if type(v) is not bool:
                raise _Refused
            return v
        return check_bool
    if t == "none":
        def check_none(v: Any) -> Any:
            if v is not None:
                raise _Refused
            return v
        return check_none
    if t in ("date", "datetime"):
        form, parse = (_DATE, _dt.date.fromisoformat) if t == "date" else (_DATETIME, _dt.datetime.fromisoformat)

        def check_date(v: Any) -> Any:
            if type(v) is not str or form.fullmatch(v) is None or not "1000" <= v[:4]:
                raise _Refused
            try:
                return parse(v.replace("Z", "+00:00"))
            except ValueError:
                raise _Refused from None
        return check_date
    if t == "points":
        def check_points(v: Any) -> Any:
            if type(v) not in (str, int):
                raise _Refused
            try:
                return to_decimal(v)
            except ValueError:
                raise _Refused from None
        return check_points
    if t == "json":
        return lambda v: v  # any JSON value (what json.loads makes)
    if t == "nullable":
        inner = _compile(node["of"], defs, done)
        return lambda v: None if v is None else inner(v)
    if t == "literal":
        values = [(type(x), x) for x in node["values"]]

        def check_literal(v: Any) -> Any:
            if (type(v), v) not in values:
                raise _Refused
            return v
        return check_literal
    if t == "list":
        item = _compile(node["of"], defs, done)
        low, high = node.get("min"), node.get("max")

        def check_list(v: Any) -> Any:
            if type(v) is not list or (low is not None and len(v) < low) or (high is not None and len(v) > high):
                raise _Refused
            return [item(x) for x in v]
        return check_list
    if t == "tuple":
        items = [_compile(n, defs, done) for n in node["of"]]

        def check_tuple(v: Any) -> Any:
            if type(v) is not list or len(v) != len(items):
                raise _Refused
            return tuple(f(x) for f, x in zip(items, v, strict=True))
        return check_tuple
    if t == "dict":
        key, value = _compile(node["keys"], defs, done), _compile(node["values"], defs, done)

        def check_dict(v: Any) -> Any:
            if type(v) is not dict:
                raise _Refused
            return {key(k): value(x) for k, x in v.items()}
        return check_dict
    if t == "model":
        fields = {name: (spec["required"], spec.get("default"), _compile(spec["of"], defs, done))
                  for name, spec in node["fields"].items()}
        afters = []
        for after in node.get("after", []):
            if after["name"] not in _AFTER:
                raise _Refused  # a rule the light check does not know: every file goes to the model
            rule = _AFTER[after["name"]]
            if rule is not None:
                afters.append(rule)
        make = _RECORDS.get(node["name"], Record)

        def check_model(v: Any) -> Any:
            if type(v) is not dict or not v.keys() <= fields.keys():
                raise _Refused
            out = {}
            for name, (required, default, check) in fields.items():
                if name in v:
                    out[name] = check(v[name])
                elif required:
                    raise _Refused
                else:
                    out[name] = default  # JSON values the records never change
            record = make(out)
            for rule in afters:
                if not rule(record):
                    raise _Refused
            return record
        return check_model
    raise _Refused  # a node of a newer shape


_VALIDATOR: list[Callable[[Any], Any]] = []


def _validator() -> Callable[[Any], Any]:
    if not _VALIDATOR:
        shape = json.loads(SHAPE_FILE.read_text(encoding="utf-8"))
        _VALIDATOR.append(_compile(shape["root"], shape["defs"], {}))
    return _VALIDATOR[0]


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):  # a key given twice: the model's parser decides which counts
        raise _Refused
    return out


def _constant(name: str) -> Any:
    raise _Refused  # NaN, Infinity: not JSON


def light_validate(data: Any) -> Record | None:
    """The catalogue as light records when the shape vouches for these parsed JSON values, else None."""
    try:
        return _validator()(data)
    except Exception:  # _Refused, or anything the light check did not foresee: the model decides, and says why
        return None


def light_catalogue(path: str) -> Record | None:
    """The catalogue file at ``path`` as light records when the light check vouches for it, else None (then
    zhibiao.cli.load_catalogue reads it, and says what is wrong)."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(LIGHT_MAX_BYTES + 1)
    except OSError:
        return None
    if len(raw) > LIGHT_MAX_BYTES:
        return None
    if raw.startswith(_BOM):
        raw = raw[len(_BOM):]
    if _SURROGATE_ESCAPE.search(raw) is not None or json_nesting(raw) > MAX_JSON_NESTING:
        return None
    try:
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=_pairs, parse_constant=_constant)
    except (_Refused, ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return None
    return light_validate(data)


# --- the shape made from the model (tests and `python -m zhibiao.shape`; imports pydantic) ---

_IGNORED = {"metadata", "serialization", "ref"}  # keys that say nothing about what validates


def _ref_name(ref: str) -> str:
    return ref.split(":")[0].rsplit(".", 1)[-1]  # 'zhibiao.model.Indicator:9480…' -> 'Indicator'


def _keys(schema: dict, allowed: set[str]) -> None:
    extra = set(schema) - allowed - _IGNORED - {"type"}
    if extra:
        raise ValueError(f"the light check does not know {schema['type']!r} with {sorted(extra)}: teach "
                         f"zhibiao/shape.py, or leave the model's shape as it was")


def _code_id(fn: Any) -> str:
    import hashlib
    import inspect

    return hashlib.sha256(inspect.getsource(fn).encode()).hexdigest()[:16]


def model_shape() -> dict:
    """The shape of zhibiao.model.Catalogue, from pydantic's core schema (what catalogue_shape.json holds)."""
    from zhibiao.model import Catalogue

    Catalogue.model_rebuild()
    core = dict(Catalogue.__pydantic_core_schema__)
    table: dict[str, dict] = {}
    if core["type"] == "definitions":
        table = {d["ref"]: d for d in core["definitions"]}
        core = core["schema"]
    defs: dict[str, dict] = {}

    def define(schema: dict) -> dict:
        name = _ref_name(schema["ref"])
        if name not in defs:
            defs[name] = {}  # placeholder while its own fields refer to it
            defs[name] = body(schema)
        return {"t": "ref", "name": name}

    def conv(schema: dict) -> dict:
        if schema["type"] == "definition-ref":
            _keys(schema, {"schema_ref"})
            return define(table[schema["schema_ref"]])
        if "ref" in schema:
            return define(schema)
        return body(schema)

    def model(schema: dict, afters: list[dict]) -> dict:
        _keys(schema, {"cls", "schema", "config", "custom_init", "root_model"})
        if schema.get("custom_init") or schema.get("root_model"):
            raise ValueError(f"{schema['cls'].__name__}: a custom __init__ or a root model")
        config = schema.get("config", {})
        if config.get("extra_fields_behavior") != "forbid" or set(config) - {"extra_fields_behavior", "title"}:
            raise ValueError(f"{schema['cls'].__name__}: config {config} (the light check knows extra='forbid')")
        inner = schema["schema"]
        _keys(inner, {"fields", "model_name", "computed_fields"})
        fields = {}
        for name, field in inner["fields"].items():
            _keys(field, {"schema"})
            sub = field["schema"]
            if sub["type"] == "default":
                _keys(sub, {"schema", "default"})
                fields[name] = {"required": False, "default": sub["default"], "of": conv(sub["schema"])}
            else:
                fields[name] = {"required": True, "of": conv(sub)}
        return {"t": "model", "name": schema["cls"].__name__, "fields": fields, "after": afters}

    def body(schema: dict) -> dict:
        t = schema["type"]
        if t == "model":
            return model(schema, [])
        if t == "function-after" and schema["schema"]["type"] == "model":  # a model_validator(mode="after")
            _keys(schema, {"function", "schema"})
            fn = schema["function"]["function"]
            return model(schema["schema"], [{"name": fn.__qualname__, "code": _code_id(fn)}])
        if t == "function-before":
            _keys(schema, {"function", "schema"})
            inner = schema["schema"]
            if schema["function"]["function"] is not to_decimal or inner["type"] != "decimal" or set(inner) - {
                    "type"} - _IGNORED:
                raise ValueError(f"a before-validator the light check does not know: {schema['function']}")
            return {"t": "points"}
        if t == "json-or-python" and _ref_name(schema.get("ref", "")) == "JsonValue":
            return {"t": "json"}
        if t == "str":
            _keys(schema, {"pattern"})
            return {"t": "str", **({"pattern": schema["pattern"]} if "pattern" in schema else {})}
        if t in ("int", "float"):
            _keys(schema, {"strict", "ge", "le", "gt", "lt"})
            return {"t": t, **{k: schema[k] for k in ("ge", "le", "gt", "lt") if k in schema}}
        if t in ("bool", "none", "date", "datetime"):
            # at most 6 digits of a second are read (the light check's form of a datetime has no more)
            _keys(schema, {"microseconds_precision"} if schema.get("microseconds_precision") == "truncate" else set())
            return {"t": t}
        if t == "nullable":
            _keys(schema, {"schema"})
            return {"t": "nullable", "of": conv(schema["schema"])}
        if t == "literal":
            _keys(schema, {"expected"})
            return {"t": "literal", "values": list(schema["expected"])}
        if t == "list":
            _keys(schema, {"items_schema", "min_length", "max_length"})
            return {"t": "list", "of": conv(schema["items_schema"]),
                    **({"min": schema["min_length"]} if "min_length" in schema else {}),
                    **({"max": schema["max_length"]} if "max_length" in schema else {})}
        if t == "tuple":
            _keys(schema, {"items_schema"})
            return {"t": "tuple", "of": [conv(s) for s in schema["items_schema"]]}
        if t == "dict":
            _keys(schema, {"keys_schema", "values_schema"})
            return {"t": "dict", "keys": conv(schema["keys_schema"]), "values": conv(schema["values_schema"])}
        raise ValueError(f"the light check does not know the schema type {t!r}: teach zhibiao/shape.py")

    root = conv(core)
    return {"about": "zhibiao.model.Catalogue's shape for the light check (zhibiao/shape.py); made by "
                     "`python -m zhibiao.shape`, never by hand", "root": root, "defs": defs}


def write_shape() -> None:
    """Write catalogue_shape.json from the model."""
    SHAPE_FILE.write_text(json.dumps(model_shape(), ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                          encoding="utf-8")


if __name__ == "__main__":
    write_shape()
    print(f"wrote {SHAPE_FILE}", file=sys.stderr)
