"""The Whereby fake itself refuses what Whereby refuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from tests.fakes.whereby import FakeWhereby

from tests.unit.providers.whereby.support import KEY


# -- the fake itself refuses what Whereby refuses -----------------------------------------


async def test_the_fake_enforces_the_documented_rules(base_url: str, fake: FakeWhereby) -> None:
    future = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    auth = {"Authorization": f"Bearer {KEY}"}
    async with httpx.AsyncClient(base_url=f"{base_url}/v1") as client:
        assert (await client.post("/meetings", json={"endDate": future})).status_code == 401
        assert (await client.get("/meetings", headers={"Authorization": "Bearer nope"})).status_code == 401
        refused = [
            {},
            {"endDate": "tomorrow"},
            {"endDate": "2001-01-01T00:00:00Z"},
            {"endDate": future, "roomMode": "huge"},
            {"endDate": future, "roomNamePattern": "words"},
            {"endDate": future, "templateType": "audienceMode"},
            {"endDate": future, "roomNamePrefix": "Upper"},
            {"endDate": future, "roomNamePrefix": "a" * 40},
            {"endDate": future, "roomNamePrefix": 7},
            {"endDate": future, "isLocked": "yes"},
            {"endDate": future, "fields": ["everything"]},
        ]
        for body in refused:
            answer = await client.post("/meetings", json=body, headers=auth)
            assert answer.status_code == 400, body
            assert answer.json()["error"]
        form = await client.post("/meetings", data={"endDate": future}, headers=auth)
        assert form.status_code == 400
        assert fake.meetings == {}

        plain = await client.post("/meetings", json={"endDate": future, "roomNamePrefix": "a b"}, headers=auth)
        assert plain.status_code == 201
        assert "hostRoomUrl" not in plain.json() and "viewerRoomUrl" not in plain.json()
        assert plain.json()["roomUrl"].startswith("https://acme.whereby.com/ab")
        hyphen = await client.post("/meetings", json={"endDate": future, "roomNamePrefix": "example-prefix"},
                                   headers=auth)  # the seed's own example
        assert hyphen.status_code == 201
        assert hyphen.json()["roomUrl"].startswith("https://acme.whereby.com/example-prefix")
        for limit in ("0", "101", "x"):
            assert (await client.get("/meetings", params={"limit": limit}, headers=auth)).status_code == 400
        assert (await client.get("/meetings", params={"cursor": "!!"}, headers=auth)).status_code == 400
        page = (await client.get("/meetings", headers=auth)).json()
        assert page == {"results": [plain.json(), hyphen.json()], "cursor": None}


async def test_the_fake_forgets_a_room_an_hour_after_its_end(base_url: str, fake: FakeWhereby) -> None:
    now = datetime.now(UTC)
    fake.clock = lambda: now
    end = (now + timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    auth = {"Authorization": f"Bearer {KEY}"}
    async with httpx.AsyncClient(base_url=f"{base_url}/v1", headers=auth) as client:
        meeting_id = (await client.post("/meetings", json={"endDate": end})).json()["meetingId"]
        assert (await client.get(f"/meetings/{meeting_id}")).status_code == 200
        fake.clock = lambda: now + timedelta(minutes=71)
        assert (await client.get(f"/meetings/{meeting_id}")).status_code == 404
        assert (await client.delete(f"/meetings/{meeting_id}")).status_code == 204
