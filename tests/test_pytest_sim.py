"""``pytest --acl-audit --acl-sim`` on a machine without pyACL, driven through pytester:
the simulator is ``acl`` before collection, model paths map to JSON specs, and a
float16 QuickStart-style sample from the corpus runs clean."""

from __future__ import annotations

import importlib.util
import shutil

import pytest
from corpus_markers import CORPUS
from test_pytest_plugin import PLUGIN

pytest_plugins = ["pytester"]
# the sample imports numpy; pytester's in-process runs drop modules they imported, and
# numpy cannot be imported twice in a process: import it here, once
pytest.importorskip("numpy")

SAMPLE = CORPUS / "samples" / "quickstart_fp16"

TESTS = """
import acl  # at import time, as a test module of an NPU project does


def test_clean():
    assert acl.init() == 0
    assert acl.rt.set_device(0) == 0
    ptr, ret = acl.rt.malloc(64, 0)
    acl.rt.free(ptr)
    acl.rt.reset_device(0)
    assert acl.finalize() == 0


def test_leaks():
    acl.init()
    acl.rt.set_device(0)
    ptr, ret = acl.rt.malloc(64, 0)  # LEAK
    acl.rt.reset_device(0)
    acl.finalize()
"""


def test_this_machine_has_no_acl():
    """The premise of every test here: without the switch, `import acl` fails."""
    assert importlib.util.find_spec("acl") is None


def test_without_the_switch_collection_fails(pytester):
    pytester.makepyfile(test_npu=TESTS)
    result = pytester.runpytest(*PLUGIN, "--acl-audit")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*No module named 'acl'*"])


@pytest.mark.parametrize("how", ["flag", "ini"])
def test_acl_sim_installs_the_simulator_before_collection(pytester, how):
    pytester.makeconftest("import acl\n\nSOC = acl.get_soc_name()\n")  # conftests import it too
    pytester.makepyfile(test_npu=TESTS)
    args = [*PLUGIN, "--acl-audit"]
    if how == "flag":
        args.append("--acl-sim")
    else:
        pytester.makeini("[pytest]\nacl_sim = true\n")
    result = pytester.runpytest(*args)
    result.assert_outcomes(passed=2, errors=1)
    out = result.stdout.str()
    assert "ERROR at teardown of test_leaks" in out
    assert "test_npu.py:17:" in out and "ACL101" in out  # the acquire site
    assert "acl" not in __import__("sys").modules or "sim" in repr(__import__("sys").modules["acl"])


def _copy_sample(pytester, keep_pyproject: bool = True):
    for item in SAMPLE.iterdir():
        if item.name == "__pycache__":
            continue
        target = pytester.path / item.name
        if item.is_dir():
            shutil.copytree(item, target, ignore=shutil.ignore_patterns("__pycache__"))
        elif keep_pyproject or item.name != "pyproject.toml":
            shutil.copy(item, target)


def test_float16_sample_runs_clean_with_its_model_mapped(pytester):
    """corpus/samples/quickstart_fp16 as its user runs it on CI: the .om is not there,
    [tool.acl-lint] sim-models maps it to the float16 spec."""
    _copy_sample(pytester)
    assert not (pytester.path / "model").exists()
    result = pytester.runpytest(*PLUGIN, "--acl-audit", "--acl-sim", "-s")
    result.assert_outcomes(passed=1)
    assert result.ret == 0
    out = result.stdout.str()
    assert "image 1: top-5 classes" in out
    assert "acl-lint runtime audit" not in out


def test_ini_model_map_and_a_clear_error_for_an_unmapped_model(pytester):
    _copy_sample(pytester, keep_pyproject=False)
    pytester.makeini("[pytest]\npythonpath = src\nacl_sim = true\n")
    result = pytester.runpytest(*PLUGIN, "--acl-audit")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "model file" in out and "resnet50_fp16.om' does not exist" in out
    assert "no simulator model map entry matches it" in out

    pytester.makeini("[pytest]\npythonpath = src\nacl_sim = true\n"
                     "acl_sim_models =\n    model/*.om=specs/resnet50_fp16.json\n")
    result = pytester.runpytest(*PLUGIN, "--acl-audit")
    result.assert_outcomes(passed=1)


def test_a_placeholder_om_without_a_map_is_the_float32_default_and_the_sample_refuses_it(pytester):
    """Why the map matters: an empty .om is the default float32 model."""
    _copy_sample(pytester, keep_pyproject=False)
    (pytester.path / "model").mkdir()
    (pytester.path / "model" / "resnet50_fp16.om").write_bytes(b"")
    pytester.makeini("[pytest]\npythonpath = src\nacl_sim = true\n")
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*input 0 of * is not float16*"])


def test_bad_model_map_is_a_usage_error(pytester):
    pytester.makeini("[pytest]\nacl_sim = true\nacl_sim_models = model/*.om\n")
    pytester.makepyfile(test_x="def test_x():\n    pass\n")
    result = pytester.runpytest(*PLUGIN)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "acl_sim_models: expected GLOB=SPEC" in result.stderr.str()


def test_acl_sim_fixture_maps_models_too(pytester):
    """Without --acl-sim, a test using the acl_sim fixture gets the same model map."""
    (pytester.path / "specs").mkdir()
    shutil.copy(SAMPLE / "specs" / "resnet50_fp16.json", pytester.path / "specs" / "fp16.json")
    pytester.makepyprojecttoml('[tool.acl-lint]\nsim-models = { "model/*.om" = "specs/fp16.json" }\n')
    pytester.makepyfile(test_model="""
        def test_float16_model(acl_sim):
            acl_sim.init()
            acl_sim.rt.set_device(0)
            model_id, ret = acl_sim.mdl.load_from_file("model/resnet50_fp16.om")
            assert ret == 0
            desc = acl_sim.mdl.create_desc()
            acl_sim.mdl.get_desc(desc, model_id)
            assert acl_sim.mdl.get_input_data_type(desc, 0) == 1  # ACL_FLOAT16
            assert acl_sim.mdl.get_input_size_by_index(desc, 0) == 3 * 224 * 224 * 2
            acl_sim.mdl.destroy_desc(desc)
            acl_sim.mdl.unload(model_id)
            acl_sim.rt.reset_device(0)
            acl_sim.finalize()
    """)
    result = pytester.runpytest(*PLUGIN)
    result.assert_outcomes(passed=1)
