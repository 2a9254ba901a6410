"""Bad CLI flags get one clear line on stderr and exit 2, before anything starts or is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cli.main import main

EXPERIMENT = str(Path(__file__).resolve().parents[2] / "experiments" / "interbank-core-crash.yaml")


pytestmark = pytest.mark.usefixtures("logging_as_before")


def _exit_code(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as raised:
        main(argv)
    code = raised.value.code
    assert isinstance(code, int)
    return code


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--time-scale", "nan"], "harness: --time-scale must be a number above 0, not nan"),
        (["--time-scale", "-1"], "harness: --time-scale must be a number above 0, not -1"),
        (["--time-scale", "0"], "harness: --time-scale must be a number above 0, not 0"),
        (["--profile", "nope"], "--profile 'nope' is not in this experiment; valid: hardened"),
    ],
)
def test_bad_run_flags_name_the_flag_and_start_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], message: str
) -> None:
    out = tmp_path / "reports"
    assert _exit_code(["run", EXPERIMENT, "--out", str(out), *flags]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err
    assert len(err.splitlines()) == 1, err
    assert not list(out.glob("runs/*")), "a refused run must not leave a run folder"


def test_an_out_folder_that_cannot_be_made_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert _exit_code(["run", EXPERIMENT, "--out", str(blocker / "reports")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"harness: --out {blocker / 'reports'}: cannot create run folders")
    assert len(err.splitlines()) == 1, err


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["run", EXPERIMENT, "--runtime", "kubernetes"], "--runtime"),
        (["--log-level", "chatty", "list"], "--log-level"),
        (["up", "--profile", "brittle"], "--profile"),
        (["up", "--customers", "0"], "--customers"),
        (["run", EXPERIMENT, "--seed", "one"], "--seed"),
    ],
)
def test_flags_outside_their_choices_are_refused_by_the_parser(
    capsys: pytest.CaptureFixture[str], argv: list[str], flag: str
) -> None:
    assert _exit_code(argv) == 2
    last_line = capsys.readouterr().err.strip().splitlines()[-1]
    assert flag in last_line and "error" in last_line, last_line
