"""The wire format: JSON and GET requests, exact error bodies, file downloads."""

from __future__ import annotations

import json

import aiohttp

from berdaya_sandbox.emulator import BotApiEmulator


async def test_json_body_get_query_and_error_bodies(emu: BotApiEmulator) -> None:
    siti = emu.user("Siti")
    await siti.send("/start")
    api = f"{emu.base_url}/bot{emu.token}"
    async with aiohttp.ClientSession() as http:
        markup = {"inline_keyboard": [[{"text": "Lancar", "callback_data": "ok"}]]}
        async with http.post(
            f"{api}/sendMessage",
            json={"chat_id": siti.id, "text": "Halo", "reply_markup": markup},
        ) as response:
            body = await response.json()
        assert response.status == 200 and body["ok"] is True
        assert body["result"]["reply_markup"] == markup
        assert body["result"]["from"]["is_bot"] is True

        async with http.get(f"{api}/getUpdates", params={"offset": "2"}) as response:
            assert await response.json() == {"ok": True, "result": []}

        async with http.post(f"{api}/sendMessage", data={"chat_id": "999", "text": "x"}) as r:
            assert r.status == 400
            assert await r.json() == {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: chat not found",
            }

        emu.fail_next("SENDMESSAGE", retry_after=7)
        async with http.post(
            f"{api}/sendmessage", data={"chat_id": str(siti.id), "text": "x"}
        ) as r:
            assert r.status == 429
            assert await r.json() == {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 7",
                "parameters": {"retry_after": 7},
            }

        async with http.post(f"{emu.base_url}/bot654321:NOPE/getMe") as r:
            assert r.status == 401
            assert await r.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}

        for path in (f"{api}/logOut", f"{emu.base_url}/nothing/here"):
            async with http.post(path) as r:
                assert r.status == 404
                assert (await r.json())["description"] == "Not Found"

        async with http.get(f"{emu.base_url}/file/bot{emu.token}/photos/nope.jpg") as r:
            assert r.status == 404

    assert [c.method for c in emu.unknown_calls] == ["logOut"]
    assert [(c.method, c.status) for c in emu.calls] == [
        ("sendMessage", 200),
        ("getUpdates", 200),
        ("sendMessage", 400),
        ("sendMessage", 429),
        ("getMe", 401),
        ("logOut", 404),
    ]
    # Form values are recorded decoded by type.
    assert emu.calls[2].params == {"chat_id": 999, "text": "x"}
    assert json.dumps(emu.calls[0].params["reply_markup"]) == json.dumps(markup)
