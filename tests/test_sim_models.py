"""The simulator's model map: model paths (globs) -> JSON specs, from the API,
[tool.acl-lint] sim-models and ``python -m acl_lint.audit --sim-model``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from acl_lint import sim
from acl_lint.config import ConfigError, load_settings

FP16 = {"inputs": [{"shape": [1, 3, 8, 8], "dtype": "float16"}], "outputs": [{"shape": [1, 10], "dtype": "float16"}]}
ACL_FLOAT16 = 1


@pytest.fixture
def acl(monkeypatch):
    saved = sim.model_map()
    sim.reset()
    module = sim.make_module()
    module.init()
    module.rt.set_device(0)
    yield module
    sim.reset()
    sim.restore_map(saved)


def _load(acl, path):
    model_id, ret = acl.mdl.load_from_file(path)
    if ret:
        return None, ret, acl.get_recent_err_msg()
    desc = acl.mdl.create_desc()
    acl.mdl.get_desc(desc, model_id)
    return (acl.mdl.get_input_data_type(desc, 0), acl.mdl.get_input_size_by_index(desc, 0)), 0, ""


def _spec(folder: Path, name: str = "m.json", spec=FP16) -> Path:
    path = folder / name
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


def test_mapped_glob_wins_over_a_placeholder_file(acl, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "net.om").write_bytes(b"")  # a placeholder: the float32 default model
    assert _load(acl, "model/net.om")[0] == (0, 1 * 3 * 224 * 224 * 4)
    sim.map_models({"model/*.om": "specs/m.json"}, base=str(tmp_path))
    (tmp_path / "specs").mkdir()
    _spec(tmp_path / "specs")
    assert _load(acl, "model/net.om")[0] == (ACL_FLOAT16, 3 * 8 * 8 * 2)
    assert _load(acl, str(tmp_path / "model" / "net.om"))[0] == (ACL_FLOAT16, 3 * 8 * 8 * 2)  # absolute too


@pytest.mark.parametrize("glob, path, hit", [
    ("*.om", "deep/er/x.om", True),              # no slash: the file name anywhere
    ("model/*.om", "model/x.om", True),          # relative to the base
    ("model/*.om", "other/model/x.om", False),
    ("*/model/*.om", "other/model/x.om", True),
    ("model/*.om", "../outside/model/x.om", False),
    ("*/model/*.om", "../outside/model/x.om", True),  # as the program wrote it
    ("model/*.om", "model/x.onnx", False),
])
def test_glob_semantics(acl, tmp_path, monkeypatch, glob, path, hit):
    base = tmp_path / "base"
    base.mkdir()
    monkeypatch.chdir(base)
    sim.map_models({glob: str(_spec(tmp_path))}, base=str(base))
    got = _load(acl, path)
    assert (got[1] == 0) is hit, got


def test_relative_glob_matches_the_path_as_written_from_any_folder(acl, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    sim.map_models({"model/*.om": str(_spec(tmp_path))}, base=str(tmp_path / "project"))
    assert _load(acl, "model/x.om")[1] == 0


def test_missing_and_unmapped_is_an_error_naming_the_path(acl, tmp_path, capsys):
    sim.map_models({})
    _, ret, msg = _load(acl, str(tmp_path / "model" / "resnet50.om"))
    assert ret == 100003  # ACL_ERROR_INVALID_FILE, the documented code
    assert "resnet50.om' does not exist" in msg and "sim-models" in msg
    err = capsys.readouterr().err
    assert err.startswith("acl_lint.sim: acl.mdl.load_from_file: model file") and "resnet50.om" in err
    _load(acl, str(tmp_path / "model" / "resnet50.om"))
    assert capsys.readouterr().err == ""  # said once per path


def test_mapped_spec_that_is_missing_or_not_a_spec(acl, tmp_path):
    sim.map_models({"*.om": "nope.json"}, base=str(tmp_path))
    _, ret, msg = _load(acl, "x.om")
    assert ret == 100003 and "mapped to the spec" in msg and "nope.json" in msg
    (tmp_path / "bad.json").write_text('{"name": "no inputs"}', encoding="utf-8")
    sim.map_models({"*.om": "bad.json"}, base=str(tmp_path))
    _, ret, msg = _load(acl, "x.om")
    assert ret == 100013  # ACL_ERROR_PARSE_MODEL
    assert "not a model spec" in msg


def test_reset_keeps_the_map(acl, tmp_path):
    sim.map_models({"*.om": str(_spec(tmp_path))})
    sim.reset()
    assert [g for g, _, _ in sim.model_map()] == ["*.om"]


def test_config_key_is_validated(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.acl-lint]\nsim-models = ["model/*.om"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="'sim-models' must be a table"):
        load_settings([str(tmp_path)])
    (tmp_path / "pyproject.toml").write_text('[tool.acl-lint]\nsim-models = { "m/*.om" = "s.json" }\n',
                                             encoding="utf-8")
    assert load_settings([str(tmp_path)]).sim_models == {"m/*.om": "s.json"}


PROGRAM = textwrap.dedent("""\
    import acl

    acl.init()
    acl.rt.set_device(0)
    model_id, ret = acl.mdl.load_from_file("model/net.om")
    if ret == 0:
        desc = acl.mdl.create_desc()
        acl.mdl.get_desc(desc, model_id)
        print("dtype", acl.mdl.get_input_data_type(desc, 0))
        acl.mdl.destroy_desc(desc)
        acl.mdl.unload(model_id)
    else:
        print("load failed", ret)
    acl.rt.reset_device(0)
    acl.finalize()
""")


def _audit(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    return subprocess.run([sys.executable, "-m", "acl_lint.audit", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def test_audit_cli_sim_model_option_and_project_config(tmp_path):
    (tmp_path / "prog.py").write_text(PROGRAM, encoding="utf-8")
    _spec(tmp_path, "fp16.json")
    done = _audit(tmp_path, "--sim", "--sim-model", "model/*.om=fp16.json", "prog.py")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "dtype 1\n"
    done = _audit(tmp_path, "--sim", "prog.py")  # unmapped and missing: the documented error code
    assert done.stdout == "load failed 100003\n"
    assert "model file 'model/net.om' does not exist" in done.stderr and "--sim-model GLOB=SPEC" in done.stderr
    (tmp_path / "pyproject.toml").write_text('[tool.acl-lint]\nsim-models = { "model/*.om" = "fp16.json" }\n',
                                             encoding="utf-8")
    done = _audit(tmp_path, "--sim", "prog.py")
    assert done.returncode == 0 and done.stdout == "dtype 1\n", done.stderr
    done = _audit(tmp_path, "--sim", "--sim-model", "model/*.om", "prog.py")
    assert done.returncode == 2 and "expected GLOB=SPEC" in done.stderr
