"""The demo container's shell and programs on their own, without a cluster.

Expected output and statuses are busybox ash's and busybox's (`sh: foo: not found`, 127;
`sh: syntax error: ...`, 2; grep's 1 when nothing matches), as a busybox image prints them.
"""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given
from hypothesis import strategies as st

from k9lite.demo.address_plan import AddressBlock
from k9lite.demo.container.commands import ContainerPrograms, PodIdentity
from k9lite.demo.container.network import ClusterNetwork
from k9lite.demo.container.shell import Shell, ShellIO
from k9lite.demo.container.streams import Input, collect
from k9lite.demo.container.syntax import ShellSyntaxError, parse
from k9lite.demo.container.terminal import LineDiscipline, onlcr
from k9lite.demo.store import Store

POD = PodIdentity("web-1", "127.244.1.5", {"HOSTNAME": "web-1", "GREETING": "hi there"})


def run(script: str, stdin: bytes = b"") -> tuple[int, str, str]:
    """Run `sh -c script` in a pod with no cluster around it: (status, stdout, stderr)."""

    async def main() -> tuple[int, str, str]:
        programs = ContainerPrograms(
            POD, ClusterNetwork(Store(), None, "default", dns_server=AddressBlock().dns_server)
        )
        shell = Shell(programs.programs(), POD.env)
        out, err = bytearray(), bytearray()
        status = await shell.exec(
            ["sh", "-c", script], ShellIO(Input.of(stdin), collect(out), collect(err))
        )
        return status, out.decode(), err.decode()

    return asyncio.run(main())


def test_lists_and_conditionals() -> None:
    assert run("echo a; echo b") == (0, "a\nb\n", "")
    assert run("false && echo no || echo yes") == (0, "yes\n", "")
    assert run("true && echo $?; false; echo $?") == (0, "0\n1\n", "")
    assert run("echo one\necho two") == (0, "one\ntwo\n", "")


def test_for_loops_and_variables() -> None:
    assert run("for i in 1 2 3; do echo n$i; done") == (0, "n1\nn2\nn3\n", "")
    assert run("X=5; echo ${X}x $HOSTNAME") == (0, "5x web-1\n", "")
    assert run('for w in "$GREETING"; do echo [$w]; done') == (0, "[hi there]\n", "")
    assert run("echo $NOTHING end") == (0, "end\n", "")


def test_quotes() -> None:
    assert run("echo '$HOSTNAME' \"$HOSTNAME\" a\\ b") == (0, "$HOSTNAME web-1 a b\n", "")
    assert run("echo 'a;b' \"c && d\"") == (0, "a;b c && d\n", "")
    assert run("echo it's") == (2, "", "sh: syntax error: unterminated quoted string\n")


def test_pipes_into_grep() -> None:
    assert run("env | grep GREETING") == (0, "GREETING=hi there\n", "")
    assert run("echo Hello | grep -c hello") == (1, "0\n", "")
    assert run("echo Hello | grep -i hello") == (0, "Hello\n", "")
    assert run("cat | grep -v b", stdin=b"a\nb\nc\n") == (0, "a\nc\n", "")
    assert run("grep web /etc/hosts") == (0, "127.244.1.5\tweb-1\n", "")


def test_exit_and_unknown_commands() -> None:
    assert run("echo x; exit 3; echo y") == (3, "x\n", "")
    assert run("exit 300") == (44, "", "")
    assert run("foo") == (127, "", "sh: foo: not found\n")
    assert run("foo; echo $?") == (0, "127\n", "sh: foo: not found\n")
    assert run("/bin/hostname; cat /etc/hostname") == (0, "web-1\nweb-1\n", "")
    assert run("cat /etc/shadow") == (
        1,
        "",
        "cat: can't open '/etc/shadow': No such file or directory\n",
    )


def test_syntax_errors_are_status_2() -> None:
    assert run("for i in 1; do echo $i") == (
        2,
        "",
        'sh: syntax error: unexpected end of file (expecting "done")\n',
    )
    assert run("echo a &") == (2, "", 'sh: syntax error: unexpected "&"\n')
    assert run("; ; done") == (2, "", 'sh: syntax error: unexpected "done"\n')


def test_a_nested_sh_keeps_its_own_exit() -> None:
    assert run("sh -c 'exit 4'; echo $?") == (0, "4\n", "")


def test_sh_reads_commands_from_stdin_until_exit() -> None:
    assert run("sh", stdin=b"echo a\nexit 6\necho b\n") == (6, "a\n", "")
    assert run("sh", stdin=b"echo last") == (0, "last\n", "")


def test_network_errors_without_a_cluster() -> None:
    assert run("wget -qO- http://svc:8080") == (1, "", "wget: bad address 'svc'\n")
    assert run("curl -s http://svc:8080") == (6, "", "")
    assert run("curl -sS svc") == (6, "", "curl: (6) Could not resolve host: svc\n")
    # A Service-less name is not found by the DNS either.
    status, out, _ = run("nslookup svc")
    assert status == 1
    assert "** server can't find svc.default.svc.cluster.local: NXDOMAIN" in out
    assert run("getent hosts 127.96.0.1") == (0, "127.96.0.1      127.96.0.1\n", "")


def test_the_terminal_echoes_and_cooks_lines() -> None:
    terminal = LineDiscipline()
    typed = terminal.feed(b"ecx\x7fho hi\r")
    assert (typed.echo, typed.lines, typed.ended) == (b"ecx\b \bho hi\r\n", b"echo hi\n", False)
    assert terminal.feed(b"junk\x03").lines == b""
    assert terminal.feed(b"\x04").ended
    assert onlcr(b"a\nb\r\n") == b"a\r\nb\r\n"


@given(st.lists(st.text(alphabet="abcXYZ019 ", min_size=1, max_size=8), max_size=5))
def test_single_quoted_words_come_back_as_written(words: list[str]) -> None:
    script = "echo " + " ".join(f"'{w}'" for w in words)
    assert run(script) == (0, " ".join(words) + "\n", "")


@pytest.mark.parametrize("script", ["for 1 in a; do echo; done", "do", "echo ${A"])
def test_parse_refuses(script: str) -> None:
    with pytest.raises(ShellSyntaxError):
        parse(script)
