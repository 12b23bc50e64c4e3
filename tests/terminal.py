"""A real terminal for the TUI: k9lite in a pseudo-terminal, its output read by a VT emulator.

What the user's terminal shows, not what a widget holds: `pyte` interprets every byte k9lite
writes (cursor moves, colours, alternate screen) into the lines of an 80x24 display.
"""

from __future__ import annotations

import fcntl
import os
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType

import pyte

__all__ = ["Terminal"]


class Terminal:
    """`k9lite ARGS` running in a terminal of `columns` x `lines`, until closed.

    with Terminal(["--kubeconfig", path]) as term:
        term.wait_for(lambda: "Pods" in term.text(), what="the Pods view")
        term.type(":svc\\r")
    """

    def __init__(
        self,
        args: Sequence[str],
        *,
        columns: int = 80,
        lines: int = 24,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.screen = pyte.Screen(columns, lines)
        self._stream = pyte.ByteStream(self.screen)
        self._lock = threading.Lock()
        primary, secondary = os.openpty()
        fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        environment = {
            **os.environ,
            **(env or {}),
            "TERM": "xterm-256color",
            "COLUMNS": "",
            "LINES": "",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "k9lite.cli", *args],
            stdin=secondary,
            stdout=secondary,
            stderr=secondary,
            env={k: v for k, v in environment.items() if v},
            start_new_session=True,  # its own session: the pty is its controlling terminal
        )
        os.close(secondary)
        self._primary = primary
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self._primary, 65536)
            except OSError:
                return  # the process closed the terminal
            if not data:
                return
            with self._lock:
                self._stream.feed(data)

    def lines(self) -> list[str]:
        """The display now, a string a line."""
        with self._lock:
            return [line.rstrip() for line in self.screen.display]

    def text(self) -> str:
        return "\n".join(self.lines())

    def type(self, keys: str) -> None:
        """Send keys as a terminal does (`\\r` is Enter, `\\x03` ctrl+c), one at a time."""
        for key in keys:
            os.write(self._primary, key.encode())
            time.sleep(0.02)

    def wait_for(self, condition: Callable[[], object], *, what: str, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}; the screen:\n{self.text()}")

    def wait_exit(self, timeout: float) -> int:
        """The exit status, once k9lite has ended (fails after `timeout` seconds)."""
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"still running after {timeout}s:\n{self.text()}") from None

    def __enter__(self) -> Terminal:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)
        os.close(self._primary)
        self._reader.join(5)
