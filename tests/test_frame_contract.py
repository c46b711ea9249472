"""The page's types of a frame (static/js/frame_types.js, JSDoc) and the API's schema of it
(/openapi.json, from app/api/frame_schema.py) name the same parts with the same properties:
each frame component has one `@typedef {Object}` whose `@property` names are the component's
properties, optional (`[name]`) where the schema does not require them and nullable where the
schema allows null."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from fastapi.testclient import TestClient

from app.main import create_app

TYPES = Path(__file__).resolve().parent.parent / "static/js/frame_types.js"


class Property(NamedTuple):
    type: str
    optional: bool


def object_typedefs(source: str) -> dict[str, dict[str, Property]]:
    """Every `@typedef {Object} Name` in the JSDoc comments of ``source``, with its
    `@property {type} name` (or `[name]`, optional) lines."""
    typedefs = {}
    for block in re.findall(r"/\*\*(.*?)\*/", source, re.S):
        tags = [_tag(part) for part in re.split(r"(?=@(?:typedef|property)\b)", block)[1:]]
        if not tags or tags[0][0] != "typedef" or tags[0][1] != "Object":
            continue
        properties = {}
        for kind, type_, name in tags[1:]:
            assert kind == "property", f"{tags[0][2]}: {kind} after its typedef"
            optional = name.startswith("[") and name.endswith("]")
            properties[name.strip("[]")] = Property(type_, optional)
        typedefs[tags[0][2]] = properties
    return typedefs


def _tag(text: str) -> tuple[str, str, str]:
    """A tag's kind, {type} (braces may nest) and name, from '@kind {type} name - ...'."""
    kind = re.match(r"@(\w+)\s*\{", text)
    assert kind, f"a tag without a {{type}}: {text.strip()[:60]}"
    depth, start = 1, kind.end()
    end = start
    while depth:
        depth += {"{": 1, "}": -1}.get(text[end], 0)
        end += 1
    name = text[end:].split()[0]
    return kind.group(1), text[start : end - 1].strip(), name


def top_level_union(type_: str) -> set[str]:
    """The alternatives of a JSDoc type at its top level ('A|B<C|D>|null' gives A, B<C|D>, null)."""
    parts, depth, current = set(), 0, ""
    for char in type_:
        depth += {"<": 1, "(": 1, "[": 1, ">": -1, ")": -1, "]": -1}.get(char, 0)
        if char == "|" and depth == 0:
            parts.add(current.strip())
            current = ""
        else:
            current += char
    return parts | {current.strip()}


def frame_components(openapi: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The schema's components that a frame is made of: Frame and all it refers to."""
    schemas = openapi["components"]["schemas"]
    found: dict[str, dict[str, Any]] = {}
    waiting = ["Frame"]
    while waiting:
        name = waiting.pop()
        if name not in found:
            found[name] = schemas[name]
            waiting += [ref.split("/")[-1] for ref in _refs(schemas[name])]
    return found


def _refs(schema: Any) -> list[str]:
    if isinstance(schema, dict):
        own = [schema["$ref"]] if "$ref" in schema else []
        return own + [ref for value in schema.values() for ref in _refs(value)]
    if isinstance(schema, list):
        return [ref for value in schema for ref in _refs(value)]
    return []


def _nullable(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "null" or any(
        option.get("type") == "null" for option in schema.get("anyOf", [])
    )


def differences(
    typedefs: dict[str, dict[str, Property]], components: dict[str, dict[str, Any]]
) -> list[str]:
    """Where the typedefs and the schema's components disagree, one sentence each."""
    found = []
    for name in sorted(components.keys() - typedefs.keys()):
        found.append(f"{name}: in the schema, no typedef")
    for name in sorted(typedefs.keys() - components.keys()):
        found.append(f"{name}: a typedef, not in the schema")
    for name in sorted(components.keys() & typedefs.keys()):
        schema, typedef = components[name]["properties"], typedefs[name]
        for key in sorted(schema.keys() - typedef.keys()):
            found.append(f"{name}.{key}: in the schema, not in the typedef")
        for key in sorted(typedef.keys() - schema.keys()):
            found.append(f"{name}.{key}: in the typedef, not in the schema")
        required = set(components[name].get("required", []))
        for key in sorted(schema.keys() & typedef.keys()):
            if typedef[key].optional == (key in required):
                found.append(f"{name}.{key}: optional in one, required in the other")
            if _nullable(schema[key]) != ("null" in top_level_union(typedef[key].type)):
                found.append(f"{name}.{key}: nullable in one, not in the other")
    return found


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    with TestClient(create_app()) as client:
        return client.get("/openapi.json").json()


def test_the_page_types_every_part_of_the_frame_as_the_schema_does(openapi):
    components = frame_components(openapi)
    assert {"Frame", "LayerView", "Grid", "Palette", "Known"} <= components.keys()
    typedefs = object_typedefs(TYPES.read_text(encoding="utf-8"))
    assert differences(typedefs, components) == []


WRONG = """
/** @typedef {Float32Array|Array<number|null>} Numbers  not an object: not compared */

/**
 * @typedef {Object} XY
 * @property {Numbers} x - across
 * @property {Numbers} [y] - up, wrongly optional
 * @property {Numbers} z - wrongly required
 * @property {Numbers} w - not in the schema
 */

/**
 * @typedef {Object} Grid
 * @property {XY} vertical
 * @property {Object<string, number|null>} lines - a null inside is not a nullable property
 */

/** @typedef {Object} Extra
 * @property {number|null} [n] - a whole typedef the schema lacks */
"""

WRONG_SCHEMA = {
    "components": {
        "schemas": {
            "Frame": {"properties": {"grid": {"$ref": "#/components/schemas/Grid"}}},
            "Grid": {
                "properties": {
                    "vertical": {"$ref": "#/components/schemas/XY"},
                    "lines": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
                },
                "required": ["vertical", "lines"],
            },
            "XY": {
                "properties": {"x": {}, "y": {}, "z": {}},
                "required": ["x", "y"],
            },
            "Unrelated": {"properties": {}},
        }
    }
}


def test_the_check_finds_every_kind_of_disagreement():
    typedefs = object_typedefs(WRONG)
    assert typedefs["XY"]["y"] == Property("Numbers", True)
    assert typedefs["Grid"]["lines"].type == "Object<string, number|null>"
    assert differences(typedefs, frame_components(WRONG_SCHEMA)) == [
        "Frame: in the schema, no typedef",
        "Extra: a typedef, not in the schema",
        "Grid.lines: nullable in one, not in the other",
        "XY.w: in the typedef, not in the schema",
        "XY.y: optional in one, required in the other",
        "XY.z: optional in one, required in the other",
    ]
