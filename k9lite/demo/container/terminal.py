"""A terminal's cooked mode, as the pty's line discipline gives it to an interactive `sh`.

Input is echoed, Enter ends a line, Backspace erases, Ctrl-C drops the line, Ctrl-D on an empty
line ends the input; output newlines become CR LF (onlcr).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["LineDiscipline", "Typed", "onlcr"]


@dataclass(frozen=True, slots=True)
class Typed:
    """What some keystrokes did: the echo, the lines completed, whether the input ended."""

    echo: bytes
    lines: bytes
    ended: bool


@dataclass(slots=True)
class LineDiscipline:
    line: bytearray = field(default_factory=bytearray)

    def feed(self, data: bytes) -> Typed:
        echo, lines = bytearray(), bytearray()
        for byte in data:
            key = bytes([byte])
            if key in (b"\r", b"\n"):
                echo += b"\r\n"
                lines += self.line + b"\n"
                self.line.clear()
            elif key in (b"\x7f", b"\x08"):
                if self.line:
                    self.line.pop()
                    echo += b"\b \b"
            elif key == b"\x03":
                echo += b"^C\r\n"
                self.line.clear()
            elif key == b"\x04":
                if not self.line:
                    return Typed(bytes(echo), bytes(lines), True)
                lines += self.line
                self.line.clear()
            elif byte >= 0x20 or key == b"\t":
                self.line.append(byte)
                echo += key
        return Typed(bytes(echo), bytes(lines), False)


def onlcr(data: bytes) -> bytes:
    """Output as a terminal shows it: each LF preceded by a CR."""
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
