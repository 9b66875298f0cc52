"""Response shapes of the official SDKs: which keys an answer of (service, version, action) may
and must carry, at every level.

The reference is the response model of the action in the installed Python SDK
(``zenlayercloud-sdk-python``), united with the Go SDK's model of the same action and version where
that one declares more.

**Python SDK.** Its models declare their fields nowhere but in code: ``__init__`` sets every
attribute to None and ``_deserialize(params)`` reads the answer. Nested types appear only there,
as constructor calls. This module parses the source with :mod:`ast` (the SDK is not executed) and
accepts exactly the statement forms the SDK generator emits, failing loudly on anything else:

* ``self.a = params.get("k")``                                          a plain value (opaque)
* ``self.a = Model(params.get("k"))``, or the same under
  ``if params.get("k") is not None:``                                   a nested object
* ``if params.get("k") is not None: self.a = []; for item in params.get("k"):
  obj = Model(item); self.a.append(obj)``                               a list of objects
* the same loop with ``obj = item``                                     a list of plain values
* ``if params.get("k") is not None: warnings.warn(...)``                marks "k" deprecated
  (it is still read, and so still declared)
* ``pass``; a docstring

A class with any other form, or with a generator slip (a key read into two attributes,
``__init__`` and ``_deserialize`` naming different attributes, no ``_deserialize`` at all), is
flagged, and a schema that reaches it raises :class:`SdkShapeError`; a key read twice the same
way (2024-04-01 ``EipInfo.flowPackage``) is fine. The JSON keys are the strings given to
``params.get``; in these five packages they equal the attribute names.

The action → response model map comes from the client module (``*_client.py``): the string given
to ``self._api_call`` and the ``models.X()`` whose ``_deserialize`` reads the answer. The two are
not always the
method name: the 2024-04-01 client sends ``UnAssignNetworkInterfaceIpv4`` from its
``UnassignNetworkInterfaceIpv4`` method and reads NIC answers into ``DescribeNicsResponse`` & co.

**Go SDK.** It is not installed here; ``sdk_go_models.json`` beside this file is an extract of it
(its struct fields with their ``json`` tags and types, for the response structs of every action
of the five packages zecd serves), written by ``python sdk_shapes.py refresh-go <checkout>``, with
the release it came from. ``ZECD_GO_SDK_DIR`` (a checkout of zenlayercloud-sdk-go) makes this
module read the Go sources directly instead.

**Checking.** :func:`check_keys` walks an answer along a schema: at every object it reports the
keys the answer has and the model does not declare (``extra``) and the keys the model declares and
the answer lacks (``missing``; a key present with ``null`` counts as present). Opaque values are
not looked into. The top-level ``requestId`` is declared by every response model of both SDKs
(Python: ``self.requestId = params.get("requestId")``; Go: ``RequestId`` in the ``response``
struct), so it is checked like any other key: zecd must echo it inside ``response``.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
GO_EXTRACT = HERE / "sdk_go_models.json"

# The services zecd serves and the SDK packages of their versions (Python module, Go package).
PACKAGES = {
    ("zec", "2025-09-01"): ("zenlayercloud.zec.v20250901", "zec20250901"),
    ("zec", "2024-04-01"): ("zenlayercloud.zec.v20240401", "zec20240401"),
    ("user", "2024-05-29"): ("zenlayercloud.user.v20240529", "user20240529"),
    ("zrm", "2025-10-14"): ("zenlayercloud.zrm.v20251014", "zrm20251014"),
    ("ccs", "2025-09-01"): ("zenlayercloud.ccs.v20250901", "ccs20250901"),
}


class SdkShapeError(Exception):
    """The SDK source has a form this module does not understand."""


# --------------------------------------------------------------------------------------------
# Schemas.

VALUE, OBJECT, LIST = "value", "object", "list"


@dataclass
class Field:
    key: str
    kind: str  # VALUE (opaque), OBJECT (nested model) or LIST (list of a nested model)
    shape: "Shape | None" = None  # the nested model of OBJECT and LIST
    deprecated: bool = False  # the Python SDK warns when it reads the key
    sources: frozenset = frozenset()  # {"python"}, {"go"} or both

    def __repr__(self) -> str:
        inner = f" {self.shape.name}" if self.shape is not None else ""
        return f"<{self.key}: {self.kind}{inner} from {'+'.join(sorted(self.sources))}>"


@dataclass(eq=False)
class Shape:
    """One model: the keys of an object (with their nested models)."""
    name: str  # e.g. "InstanceInfo" or "InstanceInfo|go:InstanceInfo"
    fields: dict[str, Field] = field(default_factory=dict)

    @property
    def keys(self) -> set[str]:
        return set(self.fields)

    def __repr__(self) -> str:
        return f"Shape({self.name}, {sorted(self.fields)})"

    def describe(self, indent: str = "", _seen: set | None = None) -> str:
        """A readable tree of the shape."""
        seen = set() if _seen is None else _seen
        lines = []
        for key in sorted(self.fields):
            f = self.fields[key]
            tag = "" if f.sources == {"python", "go"} else f"  [{'+'.join(sorted(f.sources))} only]"
            dep = "  [deprecated]" if f.deprecated else ""
            if f.shape is None:
                lines.append(f"{indent}{key}{tag}{dep}")
                continue
            suffix = "[]" if f.kind == LIST else ""
            lines.append(f"{indent}{key}{suffix}: {f.shape.name}{tag}{dep}")
            if id(f.shape) in seen:
                lines.append(f"{indent}    (see above)")
                continue
            seen.add(id(f.shape))
            lines.append(f.shape.describe(indent + "    ", seen))
        return "\n".join(l for l in lines if l)


# --------------------------------------------------------------------------------------------
# The Python SDK.

def _module_path(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise SdkShapeError(f"the Python SDK has no package {module}")
    return Path(list(spec.submodule_search_locations)[0])


def _is_params_get(node: ast.AST) -> str | None:
    """The key of ``params.get("key")``, else None."""
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get" and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "params" and len(node.args) == 1 and not node.keywords
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
        return node.args[0].value
    return None


def _self_attr(node: ast.AST) -> str | None:
    if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            and node.value.id == "self"):
        return node.attr
    return None


def _model_call(node: ast.AST, arg_ok) -> str | None:
    """``Model(<arg>)`` where ``arg_ok(arg)``: the model name."""
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and len(node.args) == 1
            and not node.keywords and arg_ok(node.args[0])):
        return node.func.id
    return None


def _is_not_none_test(test: ast.AST) -> str | None:
    """The key of ``params.get("key") is not None``."""
    if (isinstance(test, ast.Compare) and len(test.ops) == 1
            and isinstance(test.ops[0], ast.IsNot) and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value is None):
        return _is_params_get(test.left)
    return None


@dataclass
class _PyField:
    key: str
    attr: str
    kind: str
    model: str | None = None


@dataclass
class _PyModel:
    name: str
    fields: dict[str, _PyField]
    deprecated: set[str]
    init_attrs: list[str]
    # Why the class cannot be trusted (a form this module does not know, or a generator slip
    # such as a key read into two attributes); raised only if a schema reaches the class.
    error: str | None = None


def _parse_statement(cls: str, st: ast.stmt, out: list, deprecated: set) -> None:
    where = f"{cls}._deserialize: {ast.unparse(st)!r}"
    # self.a = params.get("k")  |  self.a = Model(params.get("k"))
    if isinstance(st, ast.Assign) and len(st.targets) == 1 and _self_attr(st.targets[0]):
        attr = _self_attr(st.targets[0])
        key = _is_params_get(st.value)
        if key is not None:
            out.append(_PyField(key, attr, VALUE))
            return
        model = _model_call(st.value, lambda a: _is_params_get(a) is not None)
        if model is not None:
            out.append(_PyField(_is_params_get(st.value.args[0]), attr, OBJECT, model))
            return
        raise SdkShapeError(f"unknown assignment in {where}")
    if isinstance(st, ast.Pass):
        return
    if isinstance(st, ast.If) and not st.orelse:
        key = _is_not_none_test(st.test)
        if key is None:
            raise SdkShapeError(f"unknown condition in {where}")
        body = st.body
        # warnings.warn("k 已废弃...", DeprecationWarning, ...)
        if (len(body) == 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Call)
                and ast.unparse(body[0].value.func) == "warnings.warn"):
            deprecated.add(key)
            return
        # self.a = Model(params.get("k"))
        if (len(body) == 1 and isinstance(body[0], ast.Assign) and len(body[0].targets) == 1
                and _self_attr(body[0].targets[0])):
            model = _model_call(body[0].value, lambda a: _is_params_get(a) == key)
            if model is None:
                raise SdkShapeError(f"unknown nested object in {where}")
            out.append(_PyField(key, _self_attr(body[0].targets[0]), OBJECT, model))
            return
        # self.a = [];  for item in params.get("k"): obj = Model(item); self.a.append(obj)
        if (len(body) == 2 and isinstance(body[0], ast.Assign) and len(body[0].targets) == 1
                and _self_attr(body[0].targets[0]) and isinstance(body[0].value, ast.List)
                and not body[0].value.elts and isinstance(body[1], ast.For)
                and not body[1].orelse and _is_params_get(body[1].iter) == key
                and isinstance(body[1].target, ast.Name)):
            attr = _self_attr(body[0].targets[0])
            item = body[1].target.id
            loop = body[1].body
            if (len(loop) == 2 and isinstance(loop[0], ast.Assign) and len(loop[0].targets) == 1
                    and isinstance(loop[0].targets[0], ast.Name)):
                obj = loop[0].targets[0].id
                model = _model_call(loop[0].value,
                                    lambda a: isinstance(a, ast.Name) and a.id == item)
                plain = isinstance(loop[0].value, ast.Name) and loop[0].value.id == item
                append = ast.unparse(loop[1])
                if (model is not None or plain) and append == f"self.{attr}.append({obj})":
                    # obj = item: a list of plain values, opaque like any value.
                    out.append(_PyField(key, attr, LIST, model) if model is not None
                               else _PyField(key, attr, VALUE))
                    return
        raise SdkShapeError(f"unknown conditional body in {where}")
    raise SdkShapeError(f"unknown statement in {where}")


@functools.lru_cache(maxsize=None)
def python_models(service: str, version: str) -> dict[str, _PyModel]:
    """Every model class of the Python SDK package of (service, version), parsed."""
    module = PACKAGES[(service, version)][0]
    source = (_module_path(module) / "models.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    models: dict[str, _PyModel] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        if node.name in models:
            raise SdkShapeError(f"{module}: class {node.name} defined twice")
        try:
            models[node.name] = _parse_class(module, node)
        except SdkShapeError as e:
            models[node.name] = _PyModel(node.name, {}, set(), [], str(e))
    for m in models.values():
        if m.error:
            continue
        # The attributes of _deserialize are those of __init__ (the generator writes both from
        # one field list); if not, the model would be ambiguous.
        if m.init_attrs and set(m.init_attrs) != {f.attr for f in m.fields.values()}:
            m.error = (f"{module}.{m.name}: __init__ sets {sorted(set(m.init_attrs))} but "
                       f"_deserialize reads {sorted(f.attr for f in m.fields.values())}")
        for f in m.fields.values():
            if f.model is not None and f.model not in models:
                m.error = f"{module}.{m.name}.{f.key}: unknown model {f.model}"
    return models


def _parse_class(module: str, node: ast.ClassDef) -> _PyModel:
    """One model class: the keys its ``_deserialize`` reads."""
    methods = {m.name: m for m in node.body if isinstance(m, ast.FunctionDef)}
    init_attrs = []
    if "__init__" in methods:
        for n in ast.walk(methods["__init__"]):
            attr = _self_attr(n)
            if attr is not None and isinstance(n.ctx, ast.Store):
                init_attrs.append(attr)
    fields: list[_PyField] = []
    deprecated: set[str] = set()
    if "_deserialize" in methods:
        for st in methods["_deserialize"].body:
            if isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant):
                continue  # a docstring
            _parse_statement(node.name, st, fields, deprecated)
    by_key: dict[str, _PyField] = {}
    for f in fields:
        # The generator sometimes emits a field twice (2024-04-01 EipInfo.flowPackage):
        # harmless if both reads agree.
        if f.key in by_key and by_key[f.key] != f:
            raise SdkShapeError(f"{module}.{node.name}: key {f.key!r} read twice, "
                                f"as {by_key[f.key]} and {f}")
        by_key[f.key] = f
    if deprecated - set(by_key):
        raise SdkShapeError(
            f"{module}.{node.name}: deprecated keys never read: {deprecated - set(by_key)}")
    return _PyModel(node.name, by_key, deprecated, init_attrs)


@functools.lru_cache(maxsize=None)
def python_actions(service: str, version: str) -> dict[str, str]:
    """action name (as sent in x-zc-action) → response model class, from the client module."""
    pkg = _module_path(PACKAGES[(service, version)][0])
    clients = sorted(pkg.glob("*_client.py"))
    if len(clients) != 1:
        raise SdkShapeError(f"{pkg}: expected one *_client.py, found {clients}")
    tree = ast.parse(clients[0].read_text(encoding="utf-8"))
    actions: dict[str, str] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
            continue
        # response = self._api_call("Action", request)
        # model = models.XResponse(); model._deserialize(response)
        sent, made, read = [], {}, set()
        for n in ast.walk(node):
            if (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                    and n.func.attr == "_api_call" and n.args
                    and isinstance(n.args[0], ast.Constant)):
                sent.append(n.args[0].value)
            if (isinstance(n, ast.Assign) and len(n.targets) == 1
                    and isinstance(n.targets[0], ast.Name) and isinstance(n.value, ast.Call)
                    and isinstance(n.value.func, ast.Attribute)
                    and isinstance(n.value.func.value, ast.Name)
                    and n.value.func.value.id == "models"):
                made[n.targets[0].id] = n.value.func.attr
            if (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                    and n.func.attr == "_deserialize" and isinstance(n.func.value, ast.Name)):
                read.add(n.func.value.id)
        built = [made[v] for v in read if v in made]
        if len(sent) != 1 or len(built) != 1:
            raise SdkShapeError(f"{clients[0].name}.{node.name}: calls {sent}, models {built}")
        if sent[0] in actions and actions[sent[0]] != built[0]:
            raise SdkShapeError(f"{clients[0].name}: {sent[0]} read into two models")
        actions[sent[0]] = built[0]
    return actions


def python_response_model(service: str, version: str, action: str) -> str | None:
    """The Python SDK's response model class of ``action``, or None if that SDK version has no
    such action."""
    return python_actions(service, version).get(action)


# --------------------------------------------------------------------------------------------
# The Go SDK.

_GO_TYPE = re.compile(r"^(\[\])?(\*)?((?:\w+\.)?\w+)$")
_GO_SCALARS = {"string", "bool", "int", "int8", "int16", "int32", "int64", "uint", "uint8",
               "uint16", "uint32", "uint64", "float32", "float64", "byte", "rune"}
_GO_FIELD = re.compile(r"^(\w+)\s+(\S+)\s+`([^`]*)`\s*(?://.*)?$")
_GO_INLINE = re.compile(r"^(\w+)\s+(\[\])?struct\s*\{$")
_GO_INLINE_END = re.compile(r"^\}\s*`([^`]*)`\s*(?://.*)?$")
_GO_EMBEDDED = re.compile(r"^\*?(?:\w+\.)?\w+$")


def _json_key(tag: str, where: str) -> str | None:
    m = re.search(r'json:"([^"]*)"', tag)
    if m is None:
        raise SdkShapeError(f"{where}: no json tag in `{tag}`")
    name = m.group(1).split(",")[0]
    return None if name == "-" else name


def _go_type(typ: str, where: str) -> dict:
    m = _GO_TYPE.match(typ)
    if m is None:
        raise SdkShapeError(f"{where}: unknown Go type {typ!r}")
    is_list, base = bool(m.group(1)), m.group(3)
    if base in _GO_SCALARS:
        return ""
    if "." in base:
        raise SdkShapeError(f"{where}: foreign Go type {typ!r}")
    return ("[]" if is_list else "") + base


def _go_kind(spec: str) -> str:
    return VALUE if not spec else LIST if spec.startswith("[]") else OBJECT


def _go_struct(spec: str) -> str | None:
    return spec[2:] if spec.startswith("[]") else spec or None


def parse_go_models(source: str, package: str) -> dict[str, dict[str, dict]]:
    """The structs of a Go ``models.go``: name → {json key → type}, the type being "" for a
    plain value (string, number, bool, list of them), "S" for a struct S and "[]S" for a list of
    S (pointers or not). Inline anonymous structs get the name ``Outer.Field``."""
    structs: dict[str, dict[str, dict]] = {}
    stack: list[tuple[str, str | None, bool]] = []  # (struct name, field name, is list)
    for lineno, raw in enumerate(source.splitlines(), 1):
        line = raw.strip() if "`" in raw else raw.split("//", 1)[0].strip()
        if line.startswith("//"):
            continue
        where = f"{package}/models.go:{lineno}"
        if not stack:
            m = re.match(r"^type\s+(\w+)\s+struct\s*\{$", line)
            if m:
                if m.group(1) in structs:
                    raise SdkShapeError(f"{where}: struct {m.group(1)} defined twice")
                structs[m.group(1)] = {}
                stack.append((m.group(1), None, False))
            elif line.startswith("type "):
                raise SdkShapeError(f"{where}: unknown type declaration {line!r}")
            continue
        current = stack[-1][0]
        if not line:
            continue
        m = _GO_INLINE.match(line)
        if m:
            name = f"{current}.{m.group(1)}"
            structs[name] = {}
            stack.append((name, m.group(1), bool(m.group(2))))
            continue
        if line == "}":
            if len(stack) != 1:
                raise SdkShapeError(f"{where}: inline struct without a json tag")
            stack.pop()
            continue
        m = _GO_INLINE_END.match(line)
        if m and len(stack) > 1:
            name, _, is_list = stack.pop()
            key = _json_key(m.group(1), where)
            if key is not None:
                structs[stack[-1][0]][key] = ("[]" if is_list else "") + name
            continue
        m = _GO_FIELD.match(line)
        if m:
            key = _json_key(m.group(3), where)
            if key is not None:
                if key in structs[current]:
                    raise SdkShapeError(f"{where}: {current}.{key} declared twice")
                structs[current][key] = _go_type(m.group(2), where)
            continue
        if _GO_EMBEDDED.match(line):
            if line.lstrip("*") not in ("common.BaseResponse", "common.BaseRequest"):
                raise SdkShapeError(f"{where}: unknown embedded type {line!r}")
            continue
        raise SdkShapeError(f"{where}: unknown line {line!r}")
    if stack:
        raise SdkShapeError(f"{package}/models.go: unterminated struct {stack[-1][0]}")
    for name, fields in structs.items():
        for key, f in fields.items():
            if f and _go_struct(f) not in structs:
                raise SdkShapeError(f"{package}: {name}.{key} has unknown type {f}")
    return structs


def parse_go_actions(source: str, package: str) -> dict[str, str]:
    """The actions of a Go ``client.go``: action name → the response struct of its method."""
    method_action: dict[str, str] = {}
    for m in re.finditer(r"func New(\w+)Request\(\)[^{]*\{(.*?)\n\}", source, re.S):
        a = re.search(r'InitWithApiInfo\(\s*SERVICE\s*,\s*APIVersion\s*,\s*"(\w+)"\s*\)', m.group(2))
        if a is None:
            raise SdkShapeError(f"{package}/client.go: New{m.group(1)}Request names no action")
        method_action[m.group(1)] = a.group(1)
    actions: dict[str, str] = {}
    for m in re.finditer(r"func \(c \*Client\) (\w+)\(request \*\w+\) \(response \*(\w+), err error\)",
                         source):
        method, response = m.groups()
        if method not in method_action:
            raise SdkShapeError(f"{package}/client.go: no New{method}Request")
        actions[method_action[method]] = response
    return actions


def go_response_struct(structs: dict, response: str, package: str) -> str:
    """The struct of the ``response`` member of a Go response type."""
    f = structs.get(response, {}).get("response")
    if not f or _go_kind(f) != OBJECT:
        raise SdkShapeError(f"{package}: {response} has no response struct")
    return _go_struct(f)


def _go_file(checkout: Path, package: str, name: str) -> str:
    """A file of the Go SDK: from a work tree, else (a bare clone) from its HEAD commit."""
    path = checkout / "zenlayercloud" / package / name
    if path.is_file():
        return path.read_text(encoding="utf-8")
    out = subprocess.run(["git", "--git-dir", str(checkout), "show",
                          f"HEAD:zenlayercloud/{package}/{name}"],
                         capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise SdkShapeError(f"{checkout}: cannot read zenlayercloud/{package}/{name}: {out.stderr}")
    return out.stdout


def _git_describe(checkout: Path) -> str:
    try:
        where = ["-C", str(checkout)] if (checkout / ".git").exists() else ["--git-dir", str(checkout)]
        out = subprocess.run(["git", *where, "log", "-1", "--format=%H %s (%cs)"],
                             capture_output=True, text=True, timeout=30)
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def extract_go(checkout: Path) -> dict:
    """The extract of the Go SDK checkout: every response struct reachable from an action of
    the packages in PACKAGES."""
    result = {"source": "github.com/zenlayer/zenlayercloud-sdk-go",
              "revision": _git_describe(checkout), "packages": {}}
    for (service, version), (_, package) in sorted(PACKAGES.items()):
        structs = parse_go_models(_go_file(checkout, package, "models.go"), package)
        actions = parse_go_actions(_go_file(checkout, package, "client.go"), package)
        roots = {a: go_response_struct(structs, r, package) for a, r in actions.items()}
        keep: dict[str, dict] = {}
        todo = list(roots.values())
        while todo:
            name = todo.pop()
            if name in keep:
                continue
            keep[name] = structs[name]
            todo += [_go_struct(f) for f in structs[name].values() if f]
        result["packages"][package] = {
            "service": service, "version": version, "actions": dict(sorted(roots.items())),
            "structs": dict(sorted(keep.items())),
        }
    return result


@functools.lru_cache(maxsize=None)
def go_extract() -> dict:
    """The Go SDK models: read from $ZECD_GO_SDK_DIR if set, else the vendored extract."""
    checkout = os.environ.get("ZECD_GO_SDK_DIR")
    if checkout:
        return extract_go(Path(checkout))
    return json.loads(GO_EXTRACT.read_text(encoding="utf-8"))


def go_package(service: str, version: str) -> dict:
    package = PACKAGES[(service, version)][1]
    data = go_extract()["packages"].get(package)
    if data is None:
        raise SdkShapeError(f"the Go extract has no package {package}; refresh {GO_EXTRACT.name}")
    return data


def go_response_root(service: str, version: str, action: str) -> str | None:
    return go_package(service, version)["actions"].get(action)


# --------------------------------------------------------------------------------------------
# The union.

class _Builder:
    """Builds merged shapes of one (service, version), memoised by (python model, go struct),
    so recursive models terminate and shared models are one object."""

    def __init__(self, service: str, version: str, use_go: bool):
        self.py = python_models(service, version)
        self.go = go_package(service, version)["structs"] if use_go else {}
        self.memo: dict[tuple, Shape] = {}
        self.conflicts: list[str] = []

    def shape(self, py_name: str | None, go_name: str | None) -> Shape:
        memo_key = (py_name, go_name)
        if memo_key in self.memo:
            return self.memo[memo_key]
        label = py_name or ""
        if go_name is not None and go_name != py_name:
            label += ("|" if label else "") + f"go:{go_name}"
        shape = Shape(label)
        self.memo[memo_key] = shape
        py = self.py[py_name] if py_name is not None else None
        if py is not None and py.error:
            raise SdkShapeError(py.error)
        go = self.go.get(go_name) if go_name is not None else None
        keys = list(py.fields if py else []) + [k for k in (go or {}) if not py or k not in py.fields]
        for key in keys:
            pf = py.fields.get(key) if py else None
            gf = go.get(key) if go else None
            sources = frozenset(s for s, f in (("python", pf), ("go", gf)) if f is not None)
            kinds = {pf.kind} if pf is not None else set()
            if gf is not None:
                kinds.add(_go_kind(gf))
            nested = kinds - {VALUE}
            if len(nested) > 1:
                self.conflicts.append(f"{label}.{key}: python {pf.kind}, go {_go_kind(gf)}")
            if not nested:
                kind, sub = VALUE, None
            else:
                # A model from either side wins over an opaque value; if both nest, the
                # Python kind decides and the two models are merged.
                kind = pf.kind if pf is not None and pf.kind != VALUE else _go_kind(gf)
                sub_py = pf.model if pf is not None and pf.kind != VALUE else None
                sub_go = _go_struct(gf) if gf else None
                if pf is not None and gf is not None and VALUE in kinds:
                    self.conflicts.append(
                        f"{label}.{key}: python {pf.kind}, go {_go_kind(gf)} (the model wins)")
                sub = self.shape(sub_py, sub_go)
            shape.fields[key] = Field(key, kind, sub, bool(py and key in py.deprecated), sources)
        return shape


@functools.lru_cache(maxsize=None)
def _schema(service: str, version: str, action: str, use_go: bool):
    py_root = python_response_model(service, version, action)
    go_root = go_response_root(service, version, action) if use_go else None
    if py_root is None and go_root is None:
        return None, ()
    builder = _Builder(service, version, use_go)
    return builder.shape(py_root, go_root), tuple(builder.conflicts)


def response_schema(service: str, version: str, action: str, *, go: bool = True) -> Shape | None:
    """The schema of the ``response`` object of ``action``: the Python SDK's response model,
    united with the Go SDK's (unless ``go=False``). None if neither SDK of that version has the
    action."""
    if (service, version) not in PACKAGES:
        raise KeyError(f"no SDK package known for {service} {version}")
    return _schema(service, version, action, go)[0]


def schema_conflicts(service: str, version: str, action: str) -> tuple[str, ...]:
    """Where the two SDKs disagree on the kind of a key (object vs. list vs. value)."""
    return _schema(service, version, action, True)[1]


def action_sources(service: str, version: str, action: str) -> set[str]:
    """Which SDKs ("python", "go") have ``action`` in that version."""
    out = set()
    if python_response_model(service, version, action) is not None:
        out.add("python")
    if go_response_root(service, version, action) is not None:
        out.add("go")
    return out


# --------------------------------------------------------------------------------------------
# Checking an answer.

@dataclass(frozen=True)
class Problem:
    path: str  # e.g. "response.dataSet[].nics[]"
    kind: str  # "extra", "missing" or "type"
    keys: tuple[str, ...] = ()
    detail: str = ""

    def __str__(self) -> str:
        if self.kind == "type":
            return f"{self.path}: {self.detail}"
        return f"{self.path}: {self.kind} keys {', '.join(self.keys)}"


def check_keys(schema: Shape, value, path: str = "response") -> list[Problem]:
    """The differences between the keys of ``value`` (a decoded JSON answer) and ``schema``, at
    every level. The elements of a list are checked one by one and their problems reported once
    per path (``[]`` stands for any index), with the union of the keys concerned."""
    found: dict[tuple[str, str], set[str]] = {}
    details: dict[tuple[str, str], str] = {}

    def visit(shape: Shape, v, p: str) -> None:
        if not isinstance(v, dict):
            details.setdefault((p, "type"), f"expected an object ({shape.name}), got "
                                            f"{type(v).__name__}")
            return
        extra = set(v) - shape.keys
        missing = shape.keys - set(v)
        if extra:
            found.setdefault((p, "extra"), set()).update(extra)
        if missing:
            found.setdefault((p, "missing"), set()).update(missing)
        for key, f in shape.fields.items():
            if key not in v or v[key] is None or f.shape is None:
                continue
            if f.kind == OBJECT:
                visit(f.shape, v[key], f"{p}.{key}")
            elif not isinstance(v[key], list):
                details.setdefault((f"{p}.{key}", "type"),
                                   f"expected a list of {f.shape.name}, got "
                                   f"{type(v[key]).__name__}")
            else:
                for item in v[key]:
                    if item is not None:
                        visit(f.shape, item, f"{p}.{key}[]")

    visit(schema, value, path)
    problems = [Problem(p, k, tuple(sorted(keys))) for (p, k), keys in found.items()]
    problems += [Problem(p, k, (), d) for (p, k), d in details.items()]
    order = {"type": 0, "extra": 1, "missing": 2}
    return sorted(problems, key=lambda pr: (pr.path.count("."), pr.path, order[pr.kind]))


def unvisited(schema: Shape, value) -> list[str]:
    """The nested models of ``schema`` that ``value`` never exercised anywhere (always an empty
    list, a null or absent object): the paths whose keys :func:`check_keys` could not check."""
    candidates: list[str] = []
    visited: set[str] = set()

    def walk(shape: Shape, v, p: str, stack: tuple) -> None:
        for key, f in shape.fields.items():
            if f.shape is None or id(f.shape) in stack:
                continue
            sub = v.get(key) if isinstance(v, dict) else None
            items = sub if f.kind == LIST and isinstance(sub, list) else (
                [sub] if f.kind == OBJECT else [])
            items = [i for i in items if isinstance(i, dict)]
            q = f"{p}.{key}" + ("[]" if f.kind == LIST else "")
            if q not in candidates:
                candidates.append(q)
            if items:
                visited.add(q)
            for item in items:
                walk(f.shape, item, q, stack + (id(f.shape),))

    walk(schema, value, "response", ())
    return [q for q in candidates if q not in visited]


# --------------------------------------------------------------------------------------------
# Command line: python sdk_shapes.py show SERVICE VERSION ACTION | refresh-go CHECKOUT

def _dump_extract(data: dict) -> str:
    """The extract as JSON, one struct (or action map) a line, so that diffs stay readable."""
    out = ["{",
           f' "source": {json.dumps(data["source"])},',
           f' "revision": {json.dumps(data["revision"])},',
           ' "packages": {']
    packages = list(data["packages"].items())
    for i, (name, pkg) in enumerate(packages):
        out.append(f'  {json.dumps(name)}: {{')
        out.append(f'   "service": {json.dumps(pkg["service"])}, "version": {json.dumps(pkg["version"])},')
        out.append('   "actions": {')
        items = list(pkg["actions"].items())
        out += [f'    {json.dumps(a)}: {json.dumps(r)}' + ("," if j < len(items) - 1 else "")
                for j, (a, r) in enumerate(items)]
        out.append('   },')
        out.append('   "structs": {')
        items = list(pkg["structs"].items())
        out += [f'    {json.dumps(n)}: {json.dumps(f, ensure_ascii=False)}'
                + ("," if j < len(items) - 1 else "") for j, (n, f) in enumerate(items)]
        out.append('   }')
        out.append('  }' + ("," if i < len(packages) - 1 else ""))
    out += [" }", "}", ""]
    text = "\n".join(out)
    assert json.loads(text) == data
    return text


def _main(argv: list[str]) -> int:
    if len(argv) == 5 and argv[1] == "show":
        service, version, action = argv[2:]
        schema = response_schema(service, version, action)
        if schema is None:
            print(f"{service} {version} has no action {action}")
            return 1
        print(f"{action} ({service} {version}), sources {sorted(action_sources(service, version, action))}")
        print(schema.describe("    "))
        for c in schema_conflicts(service, version, action):
            print("conflict:", c)
        return 0
    if len(argv) == 3 and argv[1] == "refresh-go":
        data = extract_go(Path(argv[2]))
        GO_EXTRACT.write_text(_dump_extract(data), encoding="utf-8")
        print(f"wrote {GO_EXTRACT} from {data['revision']}")
        return 0
    print(__doc__)
    print("usage: sdk_shapes.py show SERVICE VERSION ACTION | refresh-go GO_SDK_CHECKOUT")
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv))
