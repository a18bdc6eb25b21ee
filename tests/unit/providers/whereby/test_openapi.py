"""Every request the Whereby adapter sends is valid under Whereby's own OpenAPI file.

The adapter is driven through all its calls against the fake; each recorded request is matched to
its operation (method + path template) in whereby_openapi.json, and its JSON body and query/path
parameters are validated with OAS30Validator, ``$ref``s resolved against the whole spec.

The spec has a known defect (GET /recordings' ``sortBy`` parameter has no schema, so
openapi-spec-validator rejects the document). We never validate the document itself, and only the
/meetings operations are ever matched, so it does not matter here.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from referencing import Registry
from referencing.jsonschema import DRAFT4

from providers.base import Endpoints, RoomRequest
from providers.whereby import MeetingSpec, RoomMode, RoomNamePattern, WherebyCredentials, WherebyProvider
from tests.paths import spec_file
from tests.fakes.server import Recorded, serve
from tests.fakes.whereby import FakeWhereby
from tests.support.policy import FAST


SPEC_URI = "urn:whereby-openapi"
KEY = "wb-openapi-key"
MEETING_OPERATIONS = {
    ("post", "/meetings"),
    ("get", "/meetings"),
    ("get", "/meetings/{meetingId}"),
    ("delete", "/meetings/{meetingId}"),
}


def escape(token: str) -> str:
    """A JSON pointer token: ``/meetings/{meetingId}`` -> ``~1meetings~1{meetingId}``."""
    return token.replace("~", "~0").replace("/", "~1")


class SpecChecker:
    """Finds the operation for a recorded request and lists everything about it the spec forbids."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.registry: Registry = Registry().with_resource(SPEC_URI, DRAFT4.create_resource(spec))
        self.base_path = urlsplit(spec["servers"][0]["url"]).path.rstrip("/")  # "/v1"

    def validator(self, pointer: str) -> OAS30Validator:
        # A $ref into the registered spec: nested "#/components/..." refs then resolve against it.
        return OAS30Validator(
            {"$ref": f"{SPEC_URI}#{pointer}"}, registry=self.registry, format_checker=oas30_format_checker
        )

    def errors(self, pointer: str, instance: Any) -> list[str]:
        return [error.message for error in self.validator(pointer).iter_errors(instance)]

    def node(self, pointer: str) -> Any:
        node: Any = self.spec
        for token in pointer.lstrip("/").split("/"):
            node = node[token.replace("~1", "/").replace("~0", "~")]
        return node

    def operation(self, method: str, path: str) -> tuple[str, dict[str, str]] | None:
        """``(template, path params)`` for a request path; literal segments beat ``{params}``."""
        if not path.startswith(self.base_path + "/"):
            return None
        segments = path[len(self.base_path):].split("/")
        candidates = []
        for template, item in self.spec["paths"].items():
            parts = template.split("/")
            if method not in item or len(parts) != len(segments):
                continue
            params = {}
            for part, segment in zip(parts, segments, strict=True):
                if part.startswith("{") and part.endswith("}"):
                    params[part[1:-1]] = segment
                elif part != segment:
                    break
            else:
                candidates.append((len(params), template, params))
        if not candidates:
            return None
        _, template, params = min(candidates)
        return template, params

    def parameters(self, template: str, method: str) -> list[tuple[str, dict[str, Any]]]:
        """``(pointer, parameter)`` pairs, following ``$ref``s to components."""
        base = f"/paths/{escape(template)}/{method}/parameters"
        found = []
        for index, parameter in enumerate(self.node(f"/paths/{escape(template)}/{method}").get("parameters", [])):
            pointer = f"{base}/{index}"
            if "$ref" in parameter:
                pointer = parameter["$ref"].removeprefix("#")
                parameter = self.node(pointer)
            found.append((pointer, parameter))
        return found

    def deserialize(self, parameter: dict[str, Any], raw: str) -> Any:
        """A query/path string as the schema's type (``style: form, explode: false`` arrays are "a,b")."""
        schema = parameter.get("schema", {})
        if "$ref" in schema:
            schema = self.node(schema["$ref"].removeprefix("#"))
        kind = schema.get("type")
        if kind == "integer":
            try:
                return int(raw)
            except ValueError:
                return raw  # left as text so validation reports it
        if kind == "array" and parameter.get("explode") is False:
            return raw.split(",")
        return raw

    def problems(self, request: Recorded) -> list[str]:
        method = request.method.lower()
        match = self.operation(method, request.path)
        if match is None:
            return [f"no operation for {request.method} {request.path}"]
        template, path_params = match
        found: list[str] = []
        authorization = request.headers.get("authorization", "")
        if not authorization.startswith("Bearer ") or not authorization.removeprefix("Bearer ").strip():
            found.append("no bearer token (securitySchemes.BearerAuth)")

        declared = set()
        for pointer, parameter in self.parameters(template, method):
            name, where = parameter["name"], parameter["in"]
            declared.add((where, name))
            values = request.query if where == "query" else path_params if where == "path" else {}
            if name not in values:
                if parameter.get("required"):
                    found.append(f"missing required {where} parameter {name}")
                continue
            value = self.deserialize(parameter, values[name])
            found += [f"{where} {name}: {message}" for message in self.errors(f"{pointer}/schema", value)]
        found += [f"undeclared query parameter {name}" for name in request.query if ("query", name) not in declared]

        body_pointer = f"/paths/{escape(template)}/{method}/requestBody"
        operation = self.node(f"/paths/{escape(template)}/{method}")
        if "requestBody" not in operation:
            if request.body:
                found.append("a body where the operation takes none")
            return found
        content_type = request.headers.get("content-type", "").split(";")[0].strip()
        if content_type not in operation["requestBody"]["content"]:
            return [*found, f"content type {content_type!r} not offered"]
        schema_pointer = f"{body_pointer}/content/{escape(content_type)}/schema"
        try:
            body = json.loads(request.body)
        except ValueError:
            return [*found, "body is not JSON"]
        found += [f"body: {message}" for message in self.errors(schema_pointer, body)]
        # Stricter than the spec (it allows unknown keys): a key it does not declare is our typo.
        properties = self.node(schema_pointer).get("properties", {})
        if isinstance(body, dict):
            found += [f"body: undeclared property {key}" for key in body if key not in properties]
        return found


@pytest.fixture(scope="module")
def checker() -> SpecChecker:
    spec = json.loads(spec_file("whereby", "whereby_openapi.json").read_text())
    assert spec["info"]["title"] == "Whereby REST API" and "/meetings" in spec["paths"]
    return SpecChecker(spec)


@pytest.fixture
def fake() -> FakeWhereby:
    return FakeWhereby(api_key=KEY)


@pytest.fixture
def base_url(fake: FakeWhereby) -> Iterator[str]:
    with serve(fake.app) as url:
        yield url


@pytest.fixture
async def adapter(base_url: str) -> AsyncIterator[WherebyProvider]:
    async with WherebyProvider(
        WherebyCredentials(api_key=KEY), endpoints=Endpoints(whereby=f"{base_url}/v1"), policy=FAST
    ) as provider:
        yield provider


async def drive_every_call(adapter: WherebyProvider) -> None:
    """Each public call of the adapter, with every option it can put into a request."""
    start = datetime.now(UTC) + timedelta(hours=1)
    end = start + timedelta(minutes=45)
    await adapter.verify()
    plain = await adapter.create_room(RoomRequest(title="Standup", start=start, end=end, timezone="UTC"))
    await adapter.create_room(
        RoomRequest(
            title="All hands", start=start, end=end, timezone="America/Chicago",
            options={"room_mode": "group", "is_locked": True, "room_name_prefix": "allhands",
                     "room_name_pattern": "human-short", "viewer_mode": True},
        )
    )
    await adapter.create_meeting(
        MeetingSpec(end=end, is_locked=False, room_mode=RoomMode.NORMAL, room_name_pattern=RoomNamePattern.UUID)
    )
    await adapter.get_meeting(plain.room_id)
    assert len([m async for m in adapter.list_meetings(page_size=1)]) == 3  # three pages
    await adapter.delete_room(plain.room_id)


async def test_every_request_the_adapter_sends_validates_against_the_spec(
    adapter: WherebyProvider, fake: FakeWhereby, checker: SpecChecker
) -> None:
    await drive_every_call(adapter)

    assert len(fake.requests) == 9
    covered = set()
    for request in fake.requests:
        assert checker.problems(request) == [], (request.method, request.path, request.query, request.body)
        match = checker.operation(request.method.lower(), request.path)
        assert match is not None
        covered.add((request.method.lower(), match[0]))
    assert covered == MEETING_OPERATIONS


def recorded(method: str, path: str, *, query: dict[str, str] | None = None, body: Any = None,
             key: str | None = KEY) -> Recorded:
    headers = {"content-type": "application/json"} if body is not None else {}
    if key is not None:
        headers["authorization"] = f"Bearer {key}"
    raw = b"" if body is None else json.dumps(body).encode()
    return Recorded(method, path, query or {}, headers, raw)


def test_the_checker_accepts_a_good_request_and_refuses_bad_ones(checker: SpecChecker) -> None:
    future = "2099-01-01T10:00:00Z"
    assert checker.problems(recorded("POST", "/v1/meetings", body={"endDate": future, "fields": ["hostRoomUrl"]})) == []

    bad_body = checker.problems(
        recorded("POST", "/v1/meetings", body={"endDate": "tomorrow", "roomMode": "huge", "fields": ["all"]})
    )
    assert any("'tomorrow' is not a 'date-time'" in p for p in bad_body)
    assert any("'huge' is not one of" in p for p in bad_body)
    assert any("'all' is not one of" in p for p in bad_body)
    assert any("'endDate' is a required property" in p
               for p in checker.problems(recorded("POST", "/v1/meetings", body={"isLocked": True})))
    assert checker.problems(recorded("POST", "/v1/meetings", body={"endDate": future, "roomname": "x"})) == [
        "body: undeclared property roomname"
    ]
    assert checker.problems(recorded("POST", "/v1/meetings", body={"endDate": future}, key=None)) == [
        "no bearer token (securitySchemes.BearerAuth)"
    ]
    assert checker.problems(recorded("GET", "/v1/meetings", query={"limit": "0"}))
    assert checker.problems(recorded("GET", "/v1/meetings", query={"limit": "many"}))
    assert checker.problems(recorded("GET", "/v1/meetings/1", query={"fields": "hostRoomUrl,everything"}))
    assert checker.problems(recorded("GET", "/v1/meetings", query={"page": "2"})) == ["undeclared query parameter page"]
    assert checker.problems(recorded("PUT", "/v1/meetings/1")) == ["no operation for PUT /v1/meetings/1"]
    assert checker.problems(recorded("DELETE", "/v1/meetings/1", body={"x": 1}))


async def test_the_fakes_answers_match_the_response_schemas(
    base_url: str, fake: FakeWhereby, checker: SpecChecker
) -> None:
    """The fake is only worth trusting if it answers as the spec says Whereby does."""
    end = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    meeting_schema = "/components/schemas/Meeting"
    list_schema = f"/paths/{escape('/meetings')}/get/responses/200/content/application~1json/schema"
    async with httpx.AsyncClient(base_url=f"{base_url}/v1", headers={"Authorization": f"Bearer {KEY}"}) as client:
        created = await client.post("/meetings", json={"endDate": end, "fields": ["hostRoomUrl", "viewerRoomUrl"]})
        assert created.status_code == 201
        assert checker.errors(meeting_schema, created.json()) == []
        fetched = await client.get(f"/meetings/{created.json()['meetingId']}")
        assert checker.errors(meeting_schema, fetched.json()) == []
        await client.post("/meetings", json={"endDate": end})
        first = (await client.get("/meetings", params={"limit": 1})).json()
        assert checker.errors(list_schema, first) == []
        last = (await client.get("/meetings", params={"limit": 1, "cursor": first["cursor"]})).json()
        # The spec's description says the last cursor is null, but its schema lacks `nullable`.
        assert last["cursor"] is None
        assert checker.errors(list_schema, {**last, "cursor": "end"}) == []
    assert checker.errors(meeting_schema, {"meetingId": "1", "roomUrl": "https://a.whereby.com/x"}) == [
        "'endDate' is a required property"
    ]
