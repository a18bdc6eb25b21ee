"""Access tokens, auto-login hashes and e-mail invitations."""

from __future__ import annotations

import email
import email.policy
import secrets
from typing import Any, ClassVar

from tests.fakes.clickmeeting.wire import (
    EMAIL,
    MAX_TOKENS_PER_CALL,
    ROLES,
    TOKEN_ALPHABET,
    Invalid,
    Req,
    _required,
)
from tests.fakes.clickmeeting.app import ClickMeetingApp


class AccessFake(ClickMeetingApp):
    """Access tokens, auto-login hashes and e-mail invitations."""

    ROUTES: ClassVar[list[tuple[str, str, str]]] = [
        ("POST", r"conferences/(?P<room>\d+)/tokens", "generate_tokens"),
        ("GET", r"conferences/(?P<room>\d+)/tokens", "list_tokens"),
        ("POST", r"conferences/(?P<room>\d+)/room/autologin_hash", "autologin_hash"),
        ("POST", r"conferences/(?P<room>\d+)/invitation/email/(?P<lang>[a-z]{2})", "invite"),
    ]

    # --- tokens, auto-login, invitations ---

    async def generate_tokens(self, req: Req) -> Any:
        room = self._room(req)
        _required(req.form, "how_many")
        how_many_text = str(req.form["how_many"])
        if not how_many_text.isdigit() or not 1 <= int(how_many_text) <= MAX_TOKENS_PER_CALL:
            raise Invalid(422, ("how_many", f"how_many must be between 1 and {MAX_TOKENS_PER_CALL}."))
        if room["access_type"] != 3:
            raise Invalid(422, ("access_type", "Tokens exist only for token-protected rooms (access_type 3)."))
        tokens = self.tokens.setdefault(room["id"], [])
        if len(tokens) + int(how_many_text) > self.max_tokens_per_room:
            raise Invalid(422, ("how_many", f"A room holds at most {self.max_tokens_per_room} tokens."))
        taken = {token["token"] for token in tokens}
        fresh = []
        while len(fresh) < int(how_many_text):
            value = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(6))
            if value not in taken:
                taken.add(value)
                fresh.append({"token": value, "sent_to_email": None, "first_use_date": None})
        tokens.extend(fresh)
        return {"access_tokens": fresh}

    async def list_tokens(self, req: Req) -> Any:
        return {"access_tokens": self.tokens.get(self._room(req)["id"], [])}

    async def autologin_hash(self, req: Req) -> Any:
        room = self._room(req)
        form = req.form
        _required(form, "email", "nickname", "role")
        if not EMAIL.fullmatch(str(form["email"])):
            raise Invalid(422, ("email", "This value is not a valid email address."))
        if form["role"] not in ROLES:
            raise Invalid(422, ("role", "Role must be listener, presenter or host."))
        if room["access_type"] == 2 and form.get("password") != self.passwords.get(room["id"]):
            raise Invalid(422, ("password", "Wrong room password."))
        if room["access_type"] == 3 and form.get("token") not in {t["token"] for t in self.tokens.get(room["id"], [])}:
            raise Invalid(422, ("token", "Unknown access token."))
        value = self._remember_login(
            room["id"], email=form["email"], nickname=form["nickname"], role=form["role"], token=form.get("token")
        )
        return {"autologin_hash": value}

    def _remember_login(self, room_id: int, *, email: str, nickname: str, role: str, token: str | None = None) -> str:
        value = secrets.token_urlsafe(48).replace("-", "A") + "__"
        self.autologins[value] = {
            "room_id": room_id, "email": email, "nickname": nickname, "role": role, "token": token
        }
        return value

    async def invite(self, req: Req) -> Any:
        room = self._room(req)
        attendees = req.form.get("attendees")
        if not isinstance(attendees, list) or not attendees:
            raise Invalid(422, ("attendees", "Give at least one attendee as attendees[][email]."))
        emails = []
        for attendee in attendees:
            email = attendee.get("email") if isinstance(attendee, dict) else None
            if not email or not EMAIL.fullmatch(str(email)):
                raise Invalid(422, ("attendees", f"Not a valid email address: {email!r}."))
            emails.append(str(email))
        template = req.form.get("template", "basic")
        if template not in ("basic", "advanced"):
            raise Invalid(422, ("template", "Template must be basic or advanced."))
        role = req.form.get("role", "listener")
        if role not in ("listener", "presenter"):
            raise Invalid(422, ("role", "Role must be listener or presenter."))
        if room["access_type"] == 3:
            # Invitations to a token room carry an unused token each; sent_to_email records to whom.
            unused = [t for t in self.tokens.get(room["id"], []) if t["sent_to_email"] is None]
            if len(unused) < len(emails):
                raise Invalid(422, ("attendees", "Not enough unused access tokens for these invitations."))
            for token, email in zip(unused, emails, strict=False):
                token["sent_to_email"] = email
        self.invitations.append(
            {"room_id": room["id"], "lang": req.params["lang"], "emails": emails, "template": template, "role": role}
        )
        return {"status": "OK"}

