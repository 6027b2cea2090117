"""The strict YAML reader (issue #11): spec and stack files are refused with a clear
message, their line, every problem at once, never a traceback, in bounded time and
memory."""

from __future__ import annotations

import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
import yaml
from support import ROOT, line_of

from tricolor.spec.errors import SpecError
from tricolor.spec.load import load_spec, parse_spec, read_document
from tricolor.spec.yamlfile import MAX_DEPTH, MAX_FILE_BYTES, MAX_VALUES

BOMB = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(f'{chr(98 + i)}: &{chr(98 + i)} [{",".join(["*" + chr(97 + i)] * 9)}]\n' for i in range(8)))


@pytest.fixture
def bomb_spec(edited) -> str:
    """The example spec with a 3 KB-class alias bomb under the free-form providerSettings."""
    block = "".join(f"      {line}\n" for line in BOMB.splitlines())
    return edited("    provider: prometheus\n", f"    provider: prometheus\n    providerSettings:\n{block}")


def test_duplicate_keys_are_refused_naming_key_and_lines(spec_problems, edited) -> None:
    problems = spec_problems(edited("port: 8080\n", "port: 8080\nport: 9090\n"))
    assert problems == ["service.yaml:7: port: key 'port' appears twice in one mapping (lines 6 and 7); keep one"]


def test_duplicate_keys_in_a_nested_mapping_and_a_stack_file(spec_problems, cli, stacks_dir, edited,
                                                             refused) -> None:
    (problem,) = spec_problems(edited("  LOG_LEVEL: info\n", "  LOG_LEVEL: info\n  LOG_LEVEL: debug\n"))
    assert problem.startswith("service.yaml:10: env.LOG_LEVEL: key 'LOG_LEVEL' appears twice")
    stacks = stacks_dir("config:\n  tricolor:environment: production\n  tricolor:backend: kubernetes\n"
                        "  tricolor:backend: aws\n")
    refused(cli("plan", "--stacks-dir", str(stacks)), "Pulumi.prod.yaml:4: config.tricolor:backend:",
            "appears twice", "lines 3 and 4")


def test_merge_keys_are_not_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("base: &base {a: 1, b: 2}\nother:\n  <<: *base\n  b: 3\n")
    document = read_document(path)
    assert document.problems == []
    assert document.data["other"] == {"a": 1, "b": 3}


def test_alias_bomb_is_refused_fast_with_little_memory(spec_problems, bomb_spec: str) -> None:
    assert len(BOMB) < 3000
    tracemalloc.start()
    try:
        (problem,) = spec_problems(bomb_spec)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert f"holds more than {MAX_VALUES} values with its aliases expanded" in problem
    assert peak < 30 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


def test_alias_bomb_through_the_real_command(tmp_path: Path, bomb_spec: str) -> None:
    path = tmp_path / "service.yaml"
    path.write_text(bomb_spec)
    tricolor = Path(sys.executable).parent / "tricolor"
    # the timeout is a safety net against a hang, not a measurement (bench/spec_load.py measures)
    proc = subprocess.run([str(tricolor), "plan", "--spec", str(path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    assert "alias" in proc.stderr and len(proc.stderr) < 1000


@pytest.mark.parametrize("text", [
    "a: " + "[" * 100_000 + "]" * 100_000,
    "a: " + "{a: " * 50_000 + "}" * 50_000,
    "".join(" " * i + "k:\n" for i in range(200)),
    "a: " + "[" * 300_000,
])
def test_deep_nesting_is_refused_with_its_line(spec_problems, text: str) -> None:
    (problem,) = spec_problems(text)
    assert f"nested deeper than {MAX_DEPTH} levels" in problem
    assert problem.startswith("service.yaml:")


def test_an_alias_inside_its_own_anchor_is_a_cycle(spec_problems) -> None:
    (problem,) = spec_problems("a: &x [1, *x]\n")
    assert problem == "service.yaml:1: an alias is used inside its own anchor (a cycle)"


def test_aliases_cannot_nest_past_the_depth_limit(spec_problems) -> None:
    chain = "a0: &a0 " + "[" * 40 + "]" * 40 + "\n" + "".join(
        f"a{i}: &a{i} " + "[" * 40 + f"*a{i - 1}" + "]" * 40 + "\n" for i in range(1, 200))
    (problem,) = spec_problems(chain)
    assert problem == f"service.yaml: nested deeper than {MAX_DEPTH} levels once its aliases are expanded"


def test_a_file_over_the_size_limit_is_refused_unread(spec_problems) -> None:
    (problem,) = spec_problems("name: " + "x" * (10 * 1024 * 1024))
    assert problem == f"service.yaml: is 10.0 MiB; a spec or stack file is at most {MAX_FILE_BYTES // 2**20} MiB"


def test_non_utf8_is_refused_naming_line_and_byte(spec_problems, cli, stacks_dir, edited, refused) -> None:
    (problem,) = spec_problems(edited("name: checkout", "name: ch\xe9ckout").encode("latin-1"))
    assert problem == "service.yaml:4: is not UTF-8 text: byte 0xe9 at column 9"
    refused(cli("plan", "--stacks-dir", str(stacks_dir(b"config:\n  tricolor:backend: \xff\n"))),
            "Pulumi.prod.yaml:2: is not UTF-8 text: byte 0xff")


def test_integer_key_in_stack_config_is_named(cli, stacks_dir, refused) -> None:
    stacks = stacks_dir("config:\n  tricolor:environment: production\n  tricolor:backend: kubernetes\n  1: x\n"
                        "  tricolor:overrides: {2: 3}\n")
    flat = refused(cli("plan", "--stacks-dir", str(stacks)))
    assert "Pulumi.prod.yaml:4: config: key '1' is an integer, and keys are text: quote it ('1')" in flat
    assert "Pulumi.prod.yaml:5: config.tricolor:overrides: key '2' is an integer" in flat


def test_keys_that_are_not_text_are_named_in_the_spec(spec_problems, edited) -> None:
    problems = spec_problems(edited("env:\n", "env:\n  true: x\n  ? [a, b]\n  : y\n"))
    assert "service.yaml:9: env: key 'true' is a boolean, and keys are text: quote it ('true')" in problems
    assert "service.yaml:10: env: a key must be text, not a list or a mapping" in problems


@pytest.mark.parametrize(("escape", "code"), [("\\x07", "U+0007"), ("\\0", "U+0000"), ("\\e", "U+001B"),
                                              ("\\x9b", "U+009B"), ("\\u202e", "U+202E")])
def test_control_characters_are_refused_without_echo(spec_problems, escape: str, code: str, edited) -> None:
    problems = spec_problems(edited("  LOG_LEVEL: info", f'  LOG_LEVEL: "in{escape}fo"'))
    assert problems == [f"service.yaml:9: env.LOG_LEVEL: text holds control character {code} at position 3; "
                        "only tab and line breaks are allowed"]


def test_a_lone_surrogate_is_refused(spec_problems, edited) -> None:
    (problem,) = spec_problems(edited("  LOG_LEVEL: info", '  LOG_LEVEL: "in\\ud800fo"'))
    # libyaml refuses the escape itself; PyYAML's pure-Python parser lets the check find it
    assert problem.startswith("service.yaml:9: ")
    assert "invalid Unicode character escape" in problem or "U+D800" in problem


def test_control_characters_in_a_secure_stack_value_are_never_echoed(cli, stacks_dir, refused) -> None:
    secret = "s3cr3t-\\x1b[31m-value"
    stacks = stacks_dir("config:\n  tricolor:environment: production\n  tricolor:backend: kubernetes\n"
                        f'  tricolor:databasePassword: {{secure: "{secret}"}}\n')
    flat = refused(cli("plan", "--stacks-dir", str(stacks)), "Pulumi.prod.yaml:4:", "U+001B")
    assert "s3cr3t" not in flat and "\x1b" not in flat


def test_raw_control_bytes_are_not_yaml(spec_problems, edited) -> None:
    (problem,) = spec_problems(edited("name: checkout", "name: check\x07out"))
    assert problem.startswith("service.yaml:4: is not valid YAML: character U+0007 is not allowed")


def test_tabs_and_line_breaks_are_fine(tmp_path: Path, edited) -> None:
    path = tmp_path / "service.yaml"
    path.write_text(edited("  LOG_LEVEL: info", '  LOG_LEVEL: "a\\tb\\r\\nc"'))
    assert load_spec(path).env["LOG_LEVEL"] == "a\tb\r\nc"


def test_a_5000_digit_integer_is_refused(spec_problems, cli, write_spec, edited, refused) -> None:
    (problem,) = spec_problems(edited("replicas: 3", "replicas: " + "9" * 5000))
    assert problem == "service.yaml:28: replicas: an integer of 5000 digits is far too large (at most 40)"
    refused(cli("plan", "--spec", str(write_spec(edited("port: 8080", "port: " + "7" * 5000)))),
            "an integer of 5000 digits")


def test_explicit_tags_that_do_not_fit_are_problems_not_tracebacks(spec_problems, edited) -> None:
    problems = spec_problems(edited("replicas: 3", "replicas: !!int three\nport2: !!float x\nx: !!timestamp y"))
    assert "service.yaml:28: replicas: 'three' is not an integer" in problems
    assert "service.yaml:29: port2: 'x' is not a number" in problems
    assert "service.yaml:30: x: 'y' is not a date" in problems
    (problem,) = spec_problems(edited("replicas: 3", "replicas: !Ref three"))
    assert problem.startswith("service.yaml:28: is not valid YAML: could not determine a constructor for the tag")


def test_a_10_mb_name_is_never_echoed_whole(spec_text: str) -> None:
    data = yaml.safe_load(spec_text)
    data["name"] = "n" * 10_000_000
    with pytest.raises(SpecError) as caught:
        parse_spec(data, "service.yaml")
    (problem,) = caught.value.problems
    assert len(str(problem)) < 300
    assert "…' (10000000 characters)" in str(problem)


def test_a_large_name_through_the_command_is_cut(cli, write_spec, edited, refused) -> None:
    result = cli("plan", "--spec", str(write_spec(edited("name: checkout", "name: " + "N" * 500_000))))
    flat = refused(result, "name:", "(500000 characters)")
    assert len(flat) < 600


def test_every_problem_of_a_file_at_once_in_line_order(spec_problems, edited) -> None:
    text = edited("port: 8080\n", "port: 70000\ncolour: blue\n")
    text = edited("replicas: 3\n", "replicas: 3\nreplicas: 4\n", text)
    text = edited("  LOG_LEVEL: info", '  LOG_LEVEL: "\\x01"', text)
    text = edited("    interval: 1m", "    interval: 0s", text)
    assert spec_problems(text) == [
        "service.yaml:6: port: Input should be less than or equal to 65535 (got 70000)",
        "service.yaml:7: colour: unknown key (got 'blue')",
        "service.yaml:10: env.LOG_LEVEL: text holds control character U+0001 at position 1; "
        "only tab and line breaks are allowed",
        "service.yaml:30: replicas: key 'replicas' appears twice in one mapping (lines 29 and 30); keep one",
        f"service.yaml:{line_of('    interval: 1m') + 2}: release.analysis.interval: interval 0s is below 1s: "
        "the analysis would query the "
        "provider without pause (got '0s')",
    ]


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("  smokeTests:", "  smokeTest:", "release.smokeTest: unknown key; did you mean 'smokeTests'?"),
    ("  path: /\n", "  paht: /\n", "routing.paht: unknown key; did you mean 'path'?"),
    ("replicas: 3", "replica: 3", "replica: unknown key; did you mean 'replicas'?"),
    ("    minSamples: 200", "    minsamples: 200",
     "release.analysis.minsamples: unknown key; did you mean 'minSamples'?"),
])
def test_misspelt_spec_keys_get_a_suggestion(spec_problems, edited, old: str, new: str, expected: str) -> None:
    assert any(expected in p for p in spec_problems(edited(old, new)))


def test_misspelt_stack_keys_get_a_suggestion_and_a_line(cli, stacks_dir, refused) -> None:
    stacks = stacks_dir("config:\n  tricolor:environment: production\n  tricolor:backend: kubernetes\n"
                        "  tricolor:overides: {replicas: 2}\n  tricolor:weights: {blue: 120, green: -20}\n")
    refused(cli("plan", "--stacks-dir", str(stacks)),
            "Pulumi.prod.yaml:4: config.tricolor:overides: unknown key; did you mean 'tricolor:overrides'?",
            "Pulumi.prod.yaml:5: config.tricolor:weights")


def test_every_problem_of_a_stack_file_at_once(cli, stacks_dir, refused) -> None:
    stacks = stacks_dir("config:\n  tricolor:environment: production\n  tricolor:backend: kubernetes\n"
                        "  tricolor:hostnames: [Bad_Host]\n  tricolor:overrides:\n    replicas: 100000\n"
                        "    replica: 3\n  tricolor:databasePasword: {secure: abc}\n")
    flat = refused(cli("plan", "--stacks-dir", str(stacks)), "4 problems")
    lines = [part.split(": ")[0].rsplit(":", 1)[-1] for part in flat.split(" - ")[1:]]
    assert lines == ["4", "6", "7", "8"]
    assert "overrides.replicas: Input should be less than or equal to 5000 (got 100000)" in flat
    assert "did you mean 'replicas'?" in flat and "did you mean 'tricolor:databasePassword'?" in flat


def test_nested_backend_settings_get_their_line_and_a_suggestion_in_the_same_pass(cli, stacks_dir, refused) -> None:
    stacks = stacks_dir("config:\n  tricolor:environment: production\n  tricolor:backend: docker\n"
                        "  tricolor:docker:\n    routerPrt: 8080\n    bindAddress: 127.0.0.1\n    limit: true\n"
                        "  tricolor:wieghts: {blue: 100, green: 0}\n")
    flat = refused(cli("plan", "--stacks-dir", str(stacks)), "3 problems")
    assert "Pulumi.prod.yaml:5: config.tricolor:docker.routerPrt: unknown key 'routerPrt'; did you mean " \
           "'routerPort'?" in flat
    assert "Pulumi.prod.yaml:7: config.tricolor:docker.limit: unknown key 'limit'; did you mean 'limits'?" in flat
    assert "Pulumi.prod.yaml:8: config.tricolor:wieghts: unknown key; did you mean 'tricolor:weights'?" in flat


def test_keys_without_the_namespace_get_their_line(cli, stacks_dir, refused) -> None:
    stacks = stacks_dir("config:\n  environment: production\n  backend: nomad\n")
    refused(cli("plan", "--stacks-dir", str(stacks)), "Pulumi.prod.yaml:3: config.tricolor:backend: unknown backend")


@pytest.mark.parametrize(("text", "expected"), [
    ("a: " + "[" * 5000 + "]" * 5000, f"service.yaml:1: nested deeper than {MAX_DEPTH} levels"),
    ("a: 1\nb: \x07\n", "service.yaml:2: is not valid YAML: character U+0007 is not allowed"),
    ('a: "\\ud800"\n', "service.yaml:1: a: text holds control character U+D800 at position 1"),
    ("a: &x [*x]\n", "service.yaml:1: an alias is used inside its own anchor (a cycle)"),
    ("a: 1\na: 2\n", "service.yaml:2: a: key 'a' appears twice in one mapping (lines 1 and 2); keep one"),
])
def test_the_pure_python_parser_holds_the_same_bounds(spec_problems, monkeypatch, text: str, expected: str) -> None:
    from tricolor.spec import yamlfile

    monkeypatch.setattr(yamlfile, "_Loader", yamlfile._PyLoader)  # where libyaml is not installed
    problems = spec_problems(text)
    assert any(p.startswith(expected) for p in problems), problems


def test_the_shipped_files_read_cleanly() -> None:
    for path in [ROOT / "service.yaml", *sorted((ROOT / "stacks").glob("Pulumi.*.yaml"))]:
        assert read_document(path).problems == [], path
