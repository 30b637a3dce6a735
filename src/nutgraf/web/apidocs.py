"""The API reference page (``/docs``), made from the app's own OpenAPI document.

FastAPI's interactive page loads Swagger UI from a CDN and starts it with an inline script:
it shows nothing offline, and it needed a looser content policy than the rest of the site.
This page is plain HTML from our templates (escaped like every page), one section per
endpoint: what it returns, its parameters with their types and defaults, and an example
link.  The machine-readable document stays at ``/openapi.json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Parameter:
    name: str
    where: str  # "path", "query", "header", "cookie"
    required: bool
    type: str
    default: Any = None
    description: str = ""


@dataclass
class Endpoint:
    method: str
    path: str
    summary: str
    description: str
    tag: str
    parameters: list[Parameter] = field(default_factory=list)
    media_types: list[str] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return (self.method + "-" + self.path).replace("/", "-").replace("{", "").replace("}", "").strip("-")

    @property
    def example(self) -> str | None:
        """A link a reader can follow: GET endpoints whose path needs no value."""
        if self.method != "GET" or "{" in self.path:
            return None
        required = {p.name: "" for p in self.parameters if p.required and p.where == "query"}
        return self.path + ("?" + urlencode(required) if required else "")


def _schema_type(schema: dict[str, Any], spec: dict[str, Any]) -> str:
    """A short readable type: 'integer', 'string | null', 'one of: newest, oldest'."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _schema_type(spec.get("components", {}).get("schemas", {}).get(name, {}), spec) or name
    if "enum" in schema:
        return "one of: " + ", ".join(str(v) for v in schema["enum"])
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " | ".join(dict.fromkeys(_schema_type(s, spec) for s in schema[key]))
    kind = schema.get("type", "")
    if kind == "array":
        return f"list of {_schema_type(schema.get('items', {}), spec)}"
    bounds = [f"≥ {schema['minimum']}" if "minimum" in schema else "",
              f"≤ {schema['maximum']}" if "maximum" in schema else ""]
    bounds = [b for b in bounds if b]
    return kind + (f" ({', '.join(bounds)})" if bounds else "")


def endpoints(spec: dict[str, Any]) -> list[Endpoint]:
    """Every operation of an OpenAPI document, in the document's order."""
    out: list[Endpoint] = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = []
            for p in op.get("parameters", []):
                schema = p.get("schema", {})
                params.append(Parameter(
                    name=p.get("name", ""), where=p.get("in", ""), required=bool(p.get("required")),
                    type=_schema_type(schema, spec), default=schema.get("default"),
                    description=p.get("description") or schema.get("description") or ""))
            media = sorted({m for r in op.get("responses", {}).values() for m in r.get("content", {})})
            out.append(Endpoint(method=method.upper(), path=path, summary=op.get("summary", ""),
                                description=op.get("description", ""), tag=(op.get("tags") or [""])[0],
                                parameters=params, media_types=media))
    return out
