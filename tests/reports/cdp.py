"""A minimal Chrome DevTools Protocol client over ``--remote-debugging-pipe``.

The pipe transport (NUL-separated JSON on file descriptors 3 and 4, the one Puppeteer uses)
needs no WebSocket library and no port, so the browser tests run offline with nothing but
Debian's ``chromium`` package and the standard library.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"

FLAGS = [
    "--headless",
    "--no-sandbox",  # containers without user namespaces
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--metrics-recording-only",
    "--no-default-browser-check",
    "--no-first-run",
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-pipe",
]


class CDPError(RuntimeError):
    """The browser answered a command with an error, died, or took too long."""


class Browser:
    """One headless chromium; ``page()`` opens a tab attached with a flat session."""

    def __init__(self, executable: str = CHROMIUM, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="scrapegate-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire() -> None:
            # Chromium reads commands from fd 3 and writes replies to fd 4. Move both ends
            # out of the way first so that neither dup2 clobbers the other.
            high_r = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)
            high_w = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            pass_fds=(3, 4),
            preexec_fn=wire,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def close(self) -> None:
        """Stop the browser and remove its profile."""
        with contextlib.suppress(CDPError, OSError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._to_browser, self._from_browser):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CDPError("timed out waiting for the browser")
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise CDPError(f"the browser exited (code {self.process.poll()})")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        message: dict[str, Any] = json.loads(raw)
        return message

    def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        """Send a command and wait for its reply; events seen meanwhile are kept."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise CDPError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """Wait for the first event (already seen or coming) that matches ``predicate``."""
        for event in self.events:
            if predicate(event):
                return event
        deadline = time.monotonic() + self.timeout
        while True:
            event = self._read_message(deadline)
            if "method" in event:
                self.events.append(event)
                if predicate(event):
                    return event

    def page(self) -> Page:
        """A new tab with console, log, network and page events enabled."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=session)
        return Page(self, session)


class Page:
    """One tab: navigate, evaluate JavaScript, inspect what happened, screenshot."""

    def __init__(self, browser: Browser, session: str) -> None:
        self.browser = browser
        self.session = session

    def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """A command on this tab."""
        return self.browser.send(method, params, self.session)

    def events(self, *methods: str) -> list[dict[str, Any]]:
        """Events of this tab so far with one of ``methods``."""
        return [
            e
            for e in self.browser.events
            if e.get("sessionId") == self.session and e.get("method") in methods
        ]

    def goto(self, path: Path) -> None:
        """Open a local file and wait for its load event."""
        self.send("Page.navigate", {"url": path.resolve().as_uri()})
        self.browser.wait_for(
            lambda e: (
                e.get("sessionId") == self.session and e.get("method") == "Page.loadEventFired"
            )
        )

    def evaluate(self, expression: str) -> Any:
        """The JSON value of ``expression`` (awaited if a promise); CDPError when it throws."""
        reply = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in reply:
            raise CDPError(f"{expression!r} threw: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def type_into(self, selector: str, text: str) -> None:
        """Focus an input and type ``text`` as real key events."""
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        self.send("Input.insertText", {"text": text})

    def screenshot(self, path: Path) -> None:
        """Write a PNG of the whole page."""
        data = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data["data"]))
