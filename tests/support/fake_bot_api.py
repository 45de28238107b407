"""A local fake Telegram Bot API server for end-to-end tests and the load benchmark.

A real HTTP server on 127.0.0.1 (own thread). It speaks the Bot API methods the bot uses, with
long-polling getUpdates, records every call, can be told to answer 429 (with retry_after) or 5xx,
and rejects what Telegram rejects: empty text, text over 4096 characters, unknown or unbalanced
HTML tags, a bad token.
"""

from __future__ import annotations

import contextlib
import html
import itertools
import json
import re
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

BOT_ID = 4242
BOT_USERNAME = "newsdesk_test_bot"
ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
                "tg-spoiler", "span", "blockquote", "tg-emoji"}
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)([^>]*)>")
_RAW_STRING_FIELDS = {"text", "caption", "parse_mode", "secret_token", "url", "description",
                      "callback_query_id"}


class BadRequest(Exception):
    """A 400 the way Telegram words it."""


class Forbidden(Exception):
    """A 403: the user blocked the bot, or the bot is no longer in the group."""


_DESCRIPTIONS = {429: "Too Many Requests", 403: "Forbidden: bot was blocked by the user"}
_ADMIN_RIGHTS = ("can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
                 "can_manage_video_chats", "can_restrict_members", "can_promote_members",
                 "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories",
                 "can_delete_stories")


def _chat(params: dict[str, Any]) -> int:
    return int(params.get("chat_id") or 0)


def check_html(text: str) -> str:
    """Validate Telegram HTML; return the visible text (raises BadRequest like Telegram)."""
    stack: list[str] = []
    for match in _TAG.finditer(text):
        closing, name = match.group(1), match.group(2).lower()
        if name not in ALLOWED_TAGS:
            raise BadRequest(f"can't parse entities: Unsupported start tag \"{name}\"")
        if closing:
            if not stack or stack.pop() != name:
                raise BadRequest(f"can't parse entities: Can't find end tag corresponding to "
                                 f"start tag \"{name}\"")
        else:
            stack.append(name)
    if stack:
        raise BadRequest(f"can't parse entities: Can't find end tag corresponding to start tag "
                         f"\"{stack[-1]}\"")
    visible = _TAG.sub("", text)
    if re.search(r"<|&(?!(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)", visible):
        raise BadRequest("can't parse entities: unescaped '<' or '&'")
    return html.unescape(visible)


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    at: float


class FakeBotAPI:
    """The server; start() / stop(), push updates, inspect calls."""

    def __init__(self, token: str = "123:TEST") -> None:
        self.token = token
        self.calls: list[Call] = []
        self.webhook_url = ""
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._cond = threading.Condition()
        self._faults: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.blocked: set[int] = set()  # chats whose messages get 403 (blocked, kicked)
        self.missing: set[int] = set()  # chats that do not exist (400 chat not found)
        self.group_admins: dict[int, set[int]] = {}  # chat id -> its administrators' ids
        self.send_delay = 0.0  # seconds each sendMessage takes (a slow link)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """What NEWSDESK_TELEGRAM_API_URL should be."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    def start(self) -> FakeBotAPI:
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._cond:
            self._cond.notify_all()
        self._server.shutdown()
        self._server.server_close()

    # --- driving the bot -------------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates; returns its update_id."""
        with self._cond:
            update = {"update_id": next(self._update_ids), **update}
            self._updates.append(update)
            self._cond.notify_all()
            return int(update["update_id"])

    def fail(self, method: str, status: int, times: int = 1, retry_after: int = 0) -> None:
        """Answer the next ``times`` calls of ``method`` with an error."""
        with self._cond:
            self._faults[method] += [(status, retry_after)] * times

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        """Parameters of successful calls of ``method``."""
        with self._cond:
            return [c.params for c in self.calls if c.method == method and c.params.get("_ok")]

    def wait_for(self, predicate: Any, timeout: float = 30.0) -> bool:
        """Wait until ``predicate(self)`` is true."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self):
                return True
            time.sleep(0.02)
        return False

    # --- the API ---------------------------------------------------------------------------

    def _dispatch(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._cond:
            faults = self._faults.get(method)
            if faults:
                status, retry_after = faults.pop(0)
                self.calls.append(Call(method, {**params, "_ok": False}, time.time()))
                body: dict[str, Any] = {"ok": False, "error_code": status,
                                        "description": _DESCRIPTIONS.get(
                                            status, "Internal Server Error")}
                if retry_after:
                    body["description"] += f": retry after {retry_after}"
                    body["parameters"] = {"retry_after": retry_after}
                return status, body
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params)}
        if method == "sendMessage" and self.send_delay:
            time.sleep(self.send_delay)
        try:
            result = self._call(method, params)
        except BadRequest as exc:
            with self._cond:
                self.calls.append(Call(method, {**params, "_ok": False}, time.time()))
            return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"}
        except Forbidden as exc:
            with self._cond:
                self.calls.append(Call(method, {**params, "_ok": False}, time.time()))
            return 403, {"ok": False, "error_code": 403, "description": f"Forbidden: {exc}"}
        sent_id = result.get("message_id") if isinstance(result, dict) else None
        with self._cond:
            self.calls.append(Call(method, {**params, "_ok": True, "_message_id": sent_id},
                                   time.time()))
        return 200, {"ok": True, "result": result}

    def _call(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {"id": BOT_ID, "is_bot": True, "first_name": "Newsdesk",
                    "username": BOT_USERNAME, "can_join_groups": True,
                    "can_read_all_group_messages": False, "supports_inline_queries": False}
        if method == "sendMessage" and _chat(params) in self.blocked:
            raise Forbidden("bot was blocked by the user")
        if method == "sendMessage" and _chat(params) in self.missing:
            raise BadRequest("chat not found")
        if method == "getChatMember":
            admins = self.group_admins.get(_chat(params), set())
            status = "administrator" if int(params.get("user_id", 0)) in admins else "member"
            member: dict[str, Any] = {"status": status, "user": user(int(params["user_id"]))}
            if status == "administrator":
                member.update({key: True for key in _ADMIN_RIGHTS})
            return member
        if method == "editMessageReplyMarkup":
            return True
        if method in ("sendMessage", "editMessageText"):
            text = str(params.get("text", ""))
            visible = check_html(text) if params.get("parse_mode") == "HTML" else text
            if not visible.strip():
                raise BadRequest("message text is empty")
            if len(visible.encode("utf-16-le")) // 2 > 4096:
                raise BadRequest("message is too long")
            chat_id = params.get("chat_id")
            return {"message_id": next(self._message_ids), "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private"}, "text": visible,
                    "from": {"id": BOT_ID, "is_bot": True, "first_name": "Newsdesk"}}
        if method == "setWebhook":
            self.webhook_url = str(params.get("url", ""))
            return True
        if method == "deleteWebhook":
            self.webhook_url = ""
            return True
        if method == "getWebhookInfo":
            return {"url": self.webhook_url, "has_custom_certificate": False,
                    "pending_update_count": 0}
        if method in ("sendChatAction", "setMyCommands", "answerCallbackQuery",
                      "deleteMyCommands", "setMyDescription", "setMyShortDescription",
                      "close", "logOut"):
            return True
        raise BadRequest(f"method {method} not found")

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + timeout
        with self._cond:
            self.calls.append(Call("getUpdates", {**params, "_ok": True}, time.time()))
            # Telegram forgets updates below the offset once they are confirmed.
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and time.monotonic() < deadline:
                self._cond.wait(timeout=max(0.0, deadline - time.monotonic()))
            limit = int(params.get("limit") or 100)
            return list(self._updates[:limit])

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # headers and body go out in two writes: without this, Nagle's algorithm meets the
            # client's delayed ACK and every request takes 40 ms (Telegram's servers do not)
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                self._serve()

            def do_GET(self) -> None:
                self._serve()

            def _serve(self) -> None:
                match = re.fullmatch(r"/bot([^/]+)/(\w+)", self.path.split("?", 1)[0])
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if match is None:
                    self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                    return
                token, method = match.groups()
                if token != api.token:
                    self._reply(401, {"ok": False, "error_code": 401,
                                      "description": "Unauthorized"})
                    return
                self._reply(*api._dispatch(method, _params(raw, self.headers)))

            def _reply(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                try:
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up on a long poll (shutdown): nothing to deliver

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def _params(raw: bytes, headers: Any) -> dict[str, Any]:
    if not raw:
        return {}
    if "json" in (headers.get("Content-Type") or ""):
        loaded = json.loads(raw)
        return loaded if isinstance(loaded, dict) else {}
    params: dict[str, Any] = {}
    for key, values in parse_qs(raw.decode(), keep_blank_values=True).items():
        value = values[-1]
        if key not in _RAW_STRING_FIELDS:
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        params[key] = value
    return params


# --- update builders -----------------------------------------------------------------------

_ids = itertools.count(1)


def user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}


def private_message(user_id: int, text: str | None = None, **extra: Any) -> dict[str, Any]:
    """An update with a private-chat message (text, or extra fields such as a sticker)."""
    message: dict[str, Any] = {"message_id": next(_ids), "date": int(time.time()),
                               "chat": {"id": user_id, "type": "private"}, "from": user(user_id)}
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    message.update(extra)
    return {"message": message}


def group_message(chat_id: int, user_id: int, text: str, mention: bool = False,
                  reply_to_bot: bool = False, thread_id: int | None = None) -> dict[str, Any]:
    """An update with a group message, optionally mentioning or replying to the bot;
    with ``thread_id``, in that topic of a forum supergroup."""
    chat: dict[str, Any] = {"id": chat_id, "type": "supergroup" if thread_id else "group",
                            "title": "News fans"}
    message: dict[str, Any] = {"message_id": next(_ids), "date": int(time.time()),
                               "chat": chat, "from": user(user_id), "text": text}
    if thread_id is not None:
        chat["is_forum"] = True
        message.update(message_thread_id=thread_id, is_topic_message=True)
    if mention:
        message["text"] = f"@{BOT_USERNAME} {text}"
        message["entities"] = [{"type": "mention", "offset": 0, "length": len(BOT_USERNAME) + 1}]
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    if reply_to_bot:
        message["reply_to_message"] = {
            "message_id": 999, "date": int(time.time()), "text": "earlier answer",
            "chat": message["chat"],
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Newsdesk",
                     "username": BOT_USERNAME},
        }
    return {"message": message}


def button_press(user_id: int, chat_id: int, message_id: int, data: str,
                 chat_type: str = "private",
                 reply_markup: dict[str, Any] | None = None,
                 text: str = "…") -> dict[str, Any]:
    """An update: ``user_id`` pressed an inline button carrying ``data`` under a bot message
    (whose keyboard and plain text, as Telegram sends them along, are ``reply_markup`` and
    ``text``)."""
    message: dict[str, Any] = {
        "message_id": message_id, "date": int(time.time()),
        "chat": {"id": chat_id, "type": chat_type}, "text": text,
        "from": {"id": BOT_ID, "is_bot": True, "first_name": "Newsdesk"}}
    if reply_markup is not None:
        message["reply_markup"] = reply_markup
    return {"callback_query": {
        "id": str(next(_ids)), "from": user(user_id), "chat_instance": "test", "data": data,
        "message": message,
    }}


def bot_membership(chat_id: int, user_id: int, old: str, new: str,
                   chat_type: str = "private") -> dict[str, Any]:
    """A my_chat_member update: the bot's status in a chat changed (blocked, kicked, back)."""
    bot = {"id": BOT_ID, "is_bot": True, "first_name": "Newsdesk", "username": BOT_USERNAME}
    return {"my_chat_member": {
        "chat": {"id": chat_id, "type": chat_type}, "from": user(user_id),
        "date": int(time.time()),
        "old_chat_member": {"status": old, "user": bot, **({"until_date": 0} if old == "kicked"
                                                          else {})},
        "new_chat_member": {"status": new, "user": bot, **({"until_date": 0} if new == "kicked"
                                                          else {})},
    }}
