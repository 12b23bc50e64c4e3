"""The programs of a demo container: busybox's, as far as the tutorials use them.

`hostname`, `cat`, `env`, `echo`, `sleep`, `grep`, `curl`, `wget`, `nslookup`, `getent hosts`.
Messages and exit statuses are busybox 1.36's (and curl 8's for curl), so a tutorial's
transcript reads the same.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass

from k9lite.demo.container.network import ClusterNetwork, Unreachable
from k9lite.demo.container.shell import Command, ShellIO

__all__ = ["ContainerPrograms", "PodIdentity"]

MAX_SLEEP = 600.0
"""The longest `sleep` a demo process takes (a client's disconnect cancels it sooner)."""
HTTP_TIMEOUT = 10.0
CURL_AGENT, WGET_AGENT = "curl/8.5.0", "Wget"
"""The User-Agent each sends unless told (-A, -U): curl's version, busybox wget's word."""


@dataclass(frozen=True, slots=True)
class PodIdentity:
    """Who the process runs as: its pod's hostname and IP, and its environment."""

    hostname: str
    ip: str
    env: Mapping[str, str]


class ContainerPrograms:
    """The programs one container's processes can run, bound to its pod and the cluster."""

    def __init__(self, pod: PodIdentity, network: ClusterNetwork) -> None:
        self.pod = pod
        self.network = network

    def programs(self) -> dict[str, Command]:
        return {
            "hostname": self.hostname,
            "cat": self.cat,
            "env": self.env,
            "printenv": self.env,
            "echo": self.echo,
            "sleep": self.sleep,
            "grep": self.grep,
            "curl": self.curl,
            "wget": self.wget,
            "nslookup": self.nslookup,
            "getent": self.getent,
        }

    def files(self) -> dict[str, str]:
        return {
            "/etc/hostname": f"{self.pod.hostname}\n",
            "/etc/hosts": f"127.0.0.1\tlocalhost\n{self.pod.ip}\t{self.pod.hostname}\n",
            "/etc/resolv.conf": self.network.resolv_conf(),
        }

    async def hostname(self, argv: list[str], io: ShellIO) -> int:
        await io.out(f"{self.pod.hostname}\n".encode())
        return 0

    async def echo(self, argv: list[str], io: ShellIO) -> int:
        words, newline = argv[1:], "\n"
        if words[:1] == ["-n"]:
            words, newline = words[1:], ""
        await io.out(f"{' '.join(words)}{newline}".encode())
        return 0

    async def env(self, argv: list[str], io: ShellIO) -> int:
        if len(argv) > 1 and argv[0] == "printenv":
            values = [self.pod.env[name] for name in argv[1:] if name in self.pod.env]
            await io.out("".join(f"{value}\n" for value in values).encode())
            return 0 if len(values) == len(argv) - 1 else 1
        await io.out("".join(f"{k}={v}\n" for k, v in self.pod.env.items()).encode())
        return 0

    async def cat(self, argv: list[str], io: ShellIO) -> int:
        if len(argv) == 1:
            await io.out(await io.stdin.read())
            return 0
        status, files = 0, self.files()
        for path in argv[1:]:
            if path == "-":
                await io.out(await io.stdin.read())
            elif path in files:
                await io.out(files[path].encode())
            else:
                await io.err(f"cat: can't open '{path}': No such file or directory\n".encode())
                status = 1
        return status

    async def sleep(self, argv: list[str], io: ShellIO) -> int:
        try:
            seconds = sum(float(arg.rstrip("s")) for arg in argv[1:])
        except ValueError:
            await io.err(f"sleep: invalid number '{argv[-1]}'\n".encode())
            return 1
        await asyncio.sleep(min(max(seconds, 0.0), MAX_SLEEP))
        return 0

    async def grep(self, argv: list[str], io: ShellIO) -> int:
        flags = {a for a in argv[1:] if a.startswith("-") and len(a) > 1}
        operands = [a for a in argv[1:] if a not in flags]
        letters = "".join(f.lstrip("-") for f in flags)
        if not operands:
            await io.err(b"Usage: grep [-icqvEF] PATTERN [FILE]...\n")
            return 2
        pattern = re.escape(operands[0]) if "F" in letters else operands[0]
        try:
            regex = re.compile(pattern, re.IGNORECASE if "i" in letters else 0)
        except re.error:
            await io.err(b"grep: bad regex\n")
            return 2
        files = self.files()
        text = (
            b"".join(files.get(p, "").encode() for p in operands[1:])
            if operands[1:]
            else await io.stdin.read()
        )
        lines = [
            line
            for line in text.decode(errors="replace").splitlines(keepends=True)
            if bool(regex.search(line)) != ("v" in letters)
        ]
        if "c" in letters:
            await io.out(f"{len(lines)}\n".encode())
        elif "q" not in letters:
            await io.out(
                "".join(line if line.endswith("\n") else f"{line}\n" for line in lines).encode()
            )
        return 0 if lines else 1

    async def curl(self, argv: list[str], io: ShellIO) -> int:
        options, urls = _options(argv[1:], valued="moHXdA", long={"--max-time": "m"})
        silent, show_errors = "s" in options, "S" in options
        if not urls:
            await io.err(b"curl: no URL specified\ncurl: try 'curl --help' for more information\n")
            return 2
        timeout = _seconds(options.get("m"), HTTP_TIMEOUT)
        try:
            reply = await self.network.get(
                urls[0], timeout, agent=options.get("A", CURL_AGENT), source=self.pod.ip
            )
        except Unreachable as exc:
            code, message = _curl_error(exc, timeout)
            if not silent or show_errors:
                await io.err(f"curl: ({code}) {message}\n".encode())
            return code
        if "f" in options and reply.status >= 400:
            if not silent or show_errors:
                await io.err(
                    f"curl: (22) The requested URL returned error: {reply.status}\n".encode()
                )
            return 22
        if "i" in options:
            await io.out(f"HTTP/1.1 {reply.status} {reply.reason}\r\n\r\n".encode())
        await io.out(reply.body)
        return 0

    async def wget(self, argv: list[str], io: ShellIO) -> int:
        options, urls = _options(argv[1:], valued="OTU", long={"--timeout": "T"})
        quiet = "q" in options
        if not urls:
            await io.err(b"BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n")
            return 1
        timeout = _seconds(options.get("T"), HTTP_TIMEOUT)
        target = options.get("O", "index.html")
        try:
            reply = await self.network.get(
                urls[0], timeout, agent=options.get("U", WGET_AGENT), source=self.pod.ip
            )
        except Unreachable as exc:
            await io.err(f"wget: {_wget_error(exc)}\n".encode())
            return 1
        if not quiet:
            await io.err(f"Connecting to {urls[0].split('://')[-1].split('/')[0]}\n".encode())
        if reply.status >= 400:
            await io.err(
                f"wget: server returned error: HTTP/1.1 {reply.status} {reply.reason}\n".encode()
            )
            return 1
        if target == "-":
            if not quiet:
                await io.err(b"writing to stdout\n")
            await io.out(reply.body)
            if not quiet:
                await io.err(b"written to stdout\n")
        elif not quiet:
            # The container has no file system to keep it in: the download is dropped.
            await io.err(f"saving to '{target}'\n'{target}' saved\n".encode())
        return 0

    async def nslookup(self, argv: list[str], io: ShellIO) -> int:
        names = [a for a in argv[1:] if not a.startswith("-")]
        if not names:
            await io.err(b"Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n")
            return 1
        server = self.network.dns_server
        await io.out(f"Server:\t\t{server}\nAddress:\t{server}:53\n\n".encode())
        answer = self.network.lookup(names[0])
        if answer is None or not (answer.addresses or answer.cname):
            shown = names[0] if "." in names[0] else f"{names[0]}.{self.network.search[0]}"
            await io.out(f"** server can't find {shown}: NXDOMAIN\n\n".encode())
            return 1
        if answer.cname:
            await io.out(f"{answer.name}\tcanonical name = {answer.cname}\n\n".encode())
            return 0
        lines = "".join(f"Name:\t{answer.name}\nAddress: {a}\n" for a in answer.addresses)
        await io.out(f"{lines}\n".encode())
        return 0

    async def getent(self, argv: list[str], io: ShellIO) -> int:
        if argv[1:2] not in (["hosts"], ["ahosts"]) or len(argv) < 3:
            await io.err(f"Unknown database: {argv[1] if len(argv) > 1 else ''}\n".encode())
            return 1
        status = 0
        for name in argv[2:]:
            answer = self.network.lookup(name)
            if answer is None or not answer.addresses:
                status = 2
                continue
            await io.out("".join(f"{a:<15} {answer.name}\n" for a in answer.addresses).encode())
        return status


def _options(
    args: list[str], *, valued: str, long: Mapping[str, str]
) -> tuple[dict[str, str], list[str]]:
    """Short options (`-qO-`, `-O -`, `-sS`) and `--long=VALUE` ones; the operands apart."""
    options: dict[str, str] = {}
    operands: list[str] = []
    rest = iter(args)
    for arg in rest:
        if arg.startswith("--"):
            name, _, value = arg.partition("=")
            if name in long:
                options[long[name]] = value or next(rest, "")
            else:
                options[name] = value
        elif arg.startswith("-") and len(arg) > 1:
            for i, letter in enumerate(arg[1:], start=1):
                if letter in valued:
                    options[letter] = arg[i + 1 :] or next(rest, "")
                    break
                options[letter] = ""
        else:
            operands.append(arg)
    return options, operands


def _seconds(raw: str | None, default: float) -> float:
    try:
        return min(float(raw), HTTP_TIMEOUT) if raw else default
    except ValueError:
        return default


def _curl_error(exc: Unreachable, timeout: float) -> tuple[int, str]:
    if exc.kind == "resolve":
        return 6, f"Could not resolve host: {exc.host}"
    if exc.kind == "protocol":
        return 1, f'Protocol "{exc.host}" not supported'
    if exc.kind == "timeout":
        return 28, f"Connection timed out after {int(timeout * 1000)} milliseconds"
    return (
        7,
        f"Failed to connect to {exc.host} port {exc.port} after 0 ms: Couldn't connect to server",
    )


def _wget_error(exc: Unreachable) -> str:
    if exc.kind == "resolve":
        return f"bad address '{exc.host}'"
    if exc.kind == "protocol":
        return f"not an http or ftp url: {exc.host}"
    if exc.kind == "timeout":
        return "download timed out"
    return f"can't connect to remote host ({exc.address}): Connection refused"
