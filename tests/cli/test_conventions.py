"""One CLI convention, on every command: ``--stack`` repeatable and comma-separated,
usage errors exit 1 on one line, plain metavars, ``--version``, the README's exit-code
table is the code's."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tricolor import __version__
from tricolor.errors import EXIT_CODE_MEANINGS

ROOT = Path(__file__).resolve().parents[2]


def _commands() -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every leaf command of ``tricolor`` with its path (each lazy module loaded)."""
    from typer import _click as click
    from typer.main import get_command

    from tricolor.cli.app import app

    root = get_command(app)
    context = click.Context(root)

    def walk(path: tuple[str, ...], command: Any) -> Iterator[tuple[tuple[str, ...], Any]]:
        subs = getattr(command, "commands", None)
        names = command.list_commands(context) if hasattr(command, "list_commands") else []
        if subs is None and not names:
            yield path, command
            return
        for name in names:
            yield from walk((*path, name), command.get_command(context, name))

    yield from walk((), root)


COMMANDS = sorted(path for path, _ in _commands())


def test_every_command_is_reachable() -> None:
    assert {p[0] for p in COMMANDS} == {"init", "plan", "policy", "drift", "release", "preview", "judge", "import"}
    assert {("release", "start"), ("release", "plan"), ("drift", "history"), ("import", "argo")} <= set(COMMANDS)


def test_metavars_are_plain_and_flags_show_none() -> None:
    from typer import _click as click

    for path, command in _commands():
        for param in [*command.params, command.get_help_option(click.Context(command))]:
            if param is None or param.param_type_name != "option":
                continue
            if param.is_flag:
                assert param.metavar == "", (path, param.opts)
            else:
                assert param.metavar and "<" not in param.metavar and "[" not in param.metavar, (path, param.opts)


def test_an_option_reads_the_same_in_every_command_and_names_what_it_takes() -> None:
    """One convention: `--spec FILE` everywhere (not FILE here and PATH there), and a
    value's metavar says what it is (NAME, URL, DURATION), not click's type (TEXT, PATH)."""
    seen: dict[str, set[tuple[str, tuple[str, ...]]]] = {}
    generic = {"TEXT", "INTEGER", "FLOAT", "PATH", "FILENAME", "DIRECTORY", "BOOLEAN"}
    for path, command in _commands():
        for param in command.params:
            if param.param_type_name != "option" or param.is_flag or getattr(param, "hidden", False):
                continue
            assert param.metavar not in generic, (path, param.opts, param.metavar)
            if "|" in param.metavar:
                continue  # a choice: each command lists what it offers (--output text|json|markdown)
            for name in param.opts:
                if name.startswith("--"):  # short letters are per command (-i: an image here, a file there)
                    seen.setdefault(name, set()).add((param.metavar, path))
    differing = {name: sorted(uses) for name, uses in seen.items() if len({m for m, _ in uses}) > 1}
    assert not differing, differing


@pytest.mark.parametrize("path", [(), *COMMANDS], ids=lambda p: " ".join(p) or "tricolor")
def test_help_shows_no_python_types(cli: Any, path: tuple[str, ...]) -> None:
    result = cli(*path, "--help")
    assert result.exit_code == 0, result.stderr
    python_type = r"<(bool|str|int|float|path|list|dict|tuple|text|integer|file)\b"
    assert not re.search(python_type, result.stdout), result.stdout
    assert "{" not in result.stdout.splitlines()[0], result.stdout  # `tricolor init [DIR]`, never `{DIR}`


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_a_usage_error_exits_1_on_one_line(cli: Any, path: tuple[str, ...]) -> None:
    result = cli(*path, "--no-such-option")
    assert result.exit_code == 1, (path, result.stderr)
    assert result.stderr.startswith("error: No such option: --no-such-option")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [["plan", "--output", "yaml"], ["judge"], ["release", "start", "--stack", "prod"],
                                  ["drift", "--source", "nowhere"], ["-C", "/no/such/folder", "plan"], ["nope"],
                                  ["preview", "name", "--pr", "1"]])
def test_missing_options_bad_choices_and_unknown_commands_exit_1(cli: Any, args: list[str]) -> None:
    result = cli(*args)
    assert result.exit_code == 1, result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "Value error" not in result.stderr  # pydantic's wording, under typer's choices


def test_a_usage_error_of_the_real_process_exits_1() -> None:
    tricolor = Path(sys.executable).with_name("tricolor")
    done = subprocess.run([str(tricolor), "plan", "--output", "yaml"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and done.stderr.startswith("error: ") and "Traceback" not in done.stderr


def test_version(cli: Any) -> None:
    result = cli("--version")
    assert result.exit_code == 0 and result.stdout == f"tricolor {__version__}\n"


def test_stack_options_take_commas_and_repeats(cli: Any) -> None:
    from tricolor.cli.group import _OneStack

    for path, command in _commands():
        for param in command.params:
            if "--stack" in getattr(param, "opts", []):
                assert param.multiple or isinstance(param, _OneStack), path


@pytest.mark.parametrize("command", [["plan", "--output", "json"], ["policy", "check", "--output", "json"]])
def test_many_stacks_commas_and_repeats_are_the_same(cli: Any, command: list[str]) -> None:
    both = [cli(*command, *args) for args in (["--stack", "staging,prod"], ["-s", "staging", "--stack", "prod"],
                                               ["--stack", " staging, prod,staging"])]
    assert all(r.exit_code == 0 for r in both), [r.stderr for r in both]
    assert both[0].stdout == both[1].stdout == both[2].stdout
    if command[0] == "plan":
        assert [s["stack"] for s in json.loads(both[0].stdout)["stacks"]] == ["staging", "prod"]


@pytest.mark.parametrize("verb", [["release", "status"], ["release", "history"], ["release", "abort"],
                                  ["release", "start", "--image", "ghcr.io/acme/checkout:2.0.0", "--dry-run"]])
def test_a_command_of_one_stack_refuses_two_instead_of_keeping_the_last(cli: Any, verb: list[str],
                                                                        tmp_path: Path) -> None:
    for args in (["--stack", "prod,aws-prod"], ["--stack", "prod", "--stack", "aws-prod"]):
        result = cli(*verb, *args, "--ledger", str(tmp_path))
        assert result.exit_code == 1 and "takes one stack; got 2: prod, aws-prod" in result.stderr, result.stderr
    same = cli("release", "status", "--stack", "prod,", "--ledger", str(tmp_path))
    assert same.exit_code == 0, same.stderr


def _exports(cli: Any, tmp_path: Path) -> list[str]:
    document = json.loads(cli("plan", "--stack", "staging,prod", "--output", "json").stdout)
    args = []
    for stack in document["stacks"]:
        resources = [{"urn": r["urn"], "type": r["type"], "custom": not r["type"].startswith("tricolor:"),
                      "inputs": r["inputs"], "outputs": r["inputs"]} for r in stack["resources"]]
        path = tmp_path / f"{stack['stack']}.json"
        path.write_text(json.dumps({"version": 3, "deployment": {"resources": resources}}))
        args += ["--export", f"{stack['stack']}={path}"]
    return args


def test_drift_stacks_and_formats_old_spellings_still_read_every_use_with_a_warning(cli: Any, tmp_path: Path) -> None:
    exports = _exports(cli, tmp_path)
    new = cli("drift", "--stack", "staging", "-s", "prod", *exports, "--output", "json", "--no-history")
    assert new.exit_code == 0 and "deprecated" not in new.stderr, new.stderr
    report = json.loads(new.stdout)["stacks"]
    for old in (["--stacks", "staging,prod"], ["--stacks", "staging", "--stacks", "prod"]):
        result = cli("drift", *old, *exports, "--format", "json", "--no-history")
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["stacks"] == report  # never only the last one
        assert "--stacks a,b is deprecated; use --stack a,b" in result.stderr
        assert "--format is deprecated; use --output" in result.stderr


def test_the_readme_exit_code_table_is_the_codes() -> None:
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Exit codes\n", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| `(\d+)` \| (.+?) \|$", section, re.MULTILINE))
    assert {int(code): meaning for code, meaning in rows.items()} == {int(k): v for k, v in EXIT_CODE_MEANINGS.items()}


def test_the_install_holds_the_package_only() -> None:
    """`make` installs in strict editable mode: tests and benchmarks are not part of tricolor."""
    for name in ("tricolor.tests", "tricolor.bench"):
        done = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, text=True, timeout=60,
                              cwd="/")
        assert done.returncode != 0 and "ModuleNotFoundError" in done.stderr, name


def test_the_startup_bench_prints_its_figures() -> None:
    """The start-up goals are measured by bench/startup.py (never a timed test): it runs
    and prints a figure per command."""
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "startup.py"), "--runs", "1"], capture_output=True,
                          text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    for label in ("python -c pass", "--help", "--version", "preview name", "release status", "judge"):
        assert re.search(rf"^{re.escape(label)}.*\d+ms", done.stdout, re.MULTILINE), (label, done.stdout)


def test_the_lazy_release_group_lists_every_verb_its_modules_register() -> None:
    import importlib

    from tricolor.cli.release.app import VERBS, app

    for module in {module for module, _, _ in VERBS.values()}:
        importlib.import_module(module)
    registered = {info.name for info in app.registered_commands}
    assert registered == set(VERBS), {"without an entry": registered - set(VERBS), "gone": set(VERBS) - registered}


def test_a_command_imports_only_what_it_needs(tmp_path: Path) -> None:
    """Start-up: `release status` does not import the driving verbs, the engine, the
    program and its components, the policies, Pulumi or scipy; `preview name` and `judge`
    (JSON out) do not import rich; `--help` imports no command and no rich help renderer."""
    probe = ("import sys; from tricolor.cli.app import main; sys.argv = ['tricolor', *sys.argv[1:]]\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('tricolor', 'pulumi', 'scipy', 'numpy', 'httpx', 'boto3', 'matplotlib', 'jinja2', 'deepdiff') "
             "or m in ('typer.rich_utils', 'rich.live', 'rich.console'))))")

    def loaded(*args: str) -> set[str]:
        done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=120,
                              cwd=ROOT)
        return set(done.stdout.split()[-1000:])

    status = loaded("release", "status", "--stack", "prod", "--ledger", "/nonexistent/ledger")
    assert "tricolor.cli.release.status" in status
    heavy = {"tricolor.cli.release.commands", "tricolor.cli.release.wiring", "tricolor.policies", "pulumi", "scipy",
             "numpy", "httpx", "boto3", "matplotlib", "jinja2", "deepdiff", "rich.live",
             "tricolor.rollout.appliers.registry", "tricolor.rollout.providers.registry",
             "tricolor.rollout.notifiers.registry", "tricolor.rollout.migrations.registry",
             "tricolor.rollout.engine", "tricolor.rollout.machine", "tricolor.rollout.judges", "tricolor.stacks.render",
             "tricolor.stacks.program", "tricolor.components"}
    assert not status & heavy, status & heavy
    named = loaded("preview", "name", "--pr", "12", "--branch", "feat/cart")
    assert "tricolor.previews.naming" in named
    assert not named & {"rich.console", "tricolor.rollout.ledger", "pulumi", "tricolor.stacks.render"}, named
    window = tmp_path / "window.json"
    window.write_text(json.dumps({"judge": "threshold", "minSamples": 100, "metrics": [
        {"name": "error-rate", "kind": "rate", "max": 0.01, "baseline": {"total": 10000, "events": 20},
         "canary": {"total": 10000, "events": 25}}]}))
    judged = loaded("judge", "--input", str(window))
    assert "tricolor.cli.judge" in judged
    assert not judged & {"rich.console", "tricolor.spec.model", "tricolor.rollout.engine", "scipy"}, judged
    helped = loaded("--help")
    assert not {m for m in helped if m.startswith("tricolor.cli.") and m not in ("tricolor.cli.app",
                                                                              "tricolor.cli.group")}
    assert "typer.rich_utils" not in helped and "pulumi" not in helped


def test_the_spinner_names_the_current_stack_on_a_terminals_stderr_only(monkeypatch: pytest.MonkeyPatch,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    import io

    from rich.console import Console

    from tricolor.cli import progress

    terminal = io.StringIO()
    monkeypatch.setattr(progress, "err_console", Console(file=terminal, force_terminal=True, width=80))
    assert list(progress.each(["staging", "prod"], "rendering", str)) == ["staging", "prod"]
    assert "rendering prod (2/2)" in terminal.getvalue()
    piped = io.StringIO()
    monkeypatch.setattr(progress, "err_console", Console(file=piped, force_terminal=False, width=80))
    assert list(progress.each(["staging"], "rendering", str)) == ["staging"]
    assert piped.getvalue() == "" and capsys.readouterr().out == ""


def _table(section: str) -> dict[str, tuple[str, str]]:
    """README rows of the ``| key | required | meaning |`` table under ``## section``:
    key -> (default or required, meaning)."""
    text = (ROOT / "README.md").read_text()
    body = text.split(f"\n## {section}", 1)[1].split("\n## ", 1)[0]
    body = body.split("| key | required | meaning |", 1)[1].split("\n\n", 1)[0]
    return {key: (default, meaning) for key, default, meaning in
            re.findall(r"^\| `([^`]+)` \| (.+?) \| (.+) \|$", body, re.MULTILINE)}


def test_the_readme_marks_exactly_the_required_spec_keys() -> None:
    from tricolor.spec.model import ServiceSpec
    from tricolor.spec.release import Release

    rows = _table("The spec")
    fields = {field.alias or name: field.is_required() for name, field in ServiceSpec.model_fields.items()}
    assert {key.split(".")[0] for key in rows} == set(fields)
    for key, (default, _) in rows.items():
        assert (default == "**required**") == fields[key.split(".")[0]], key
    release = rows["release"][1]
    assert [f.alias or n for n, f in Release.model_fields.items() if f"`{f.alias or n}" not in release] == []


def test_the_readme_documents_every_stack_config_key_and_backend_setting() -> None:
    from tricolor.spec.backends import AwsSettings, DockerSettings, KubernetesSettings, LambdaSettings
    from tricolor.spec.stack import StackConfig

    rows = _table("Stack configuration")
    keys = {f"tricolor:{field.alias or name}" for name, field in StackConfig.model_fields.items()}
    assert keys <= set(rows), keys - set(rows)
    for backend, settings in (("kubernetes", KubernetesSettings), ("aws", AwsSettings), ("docker", DockerSettings),
                              ("lambda", LambdaSettings)):
        meaning = rows[f"tricolor:{backend}"][1]
        missing = [f.alias or n for n, f in settings.model_fields.items() if f"`{f.alias or n}`" not in meaning]
        assert missing == [], (backend, missing)
    assert rows["tricolor:environment"][0] == rows["tricolor:backend"][0] == "**required**"
