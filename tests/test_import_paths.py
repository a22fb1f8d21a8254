"""Which copy of a vendored module an import reaches (acl_lint/static/import_paths.py)."""

from acl_lint.static.import_paths import choose, search_dirs

COPIES = ["s1/src/lite/model.py", "s2/src/lite/model.py", "common/lite/model.py"]


def test_the_scripts_own_folder_comes_first():
    assert choose(COPIES, 2, "s2/src/run.py") == "s2/src/lite/model.py"


def test_appended_folders_resolved_from_the_file_through_names():
    text = ("import os, sys\nBASE_DIR = os.path.dirname(os.path.abspath(__file__))\n"
            "sys.path.append(os.path.join(BASE_DIR, '../../common'))\n")
    dirs = search_dirs("s3/src/run.py", text)
    assert dirs == ((), ("common",))
    assert choose(COPIES, 2, "s3/src/run.py", dirs) == "common/lite/model.py"


def test_inserted_in_front_beats_the_scripts_folder():
    text = "import sys\nsys.path.insert(0, '../../common')\n"
    dirs = search_dirs("s1/src/run.py", text)
    assert dirs == (("common",), ())
    assert choose(COPIES, 2, "s1/src/run.py", dirs) == "common/lite/model.py"


def test_a_module_inside_a_project_imports_from_the_root_above_it():
    assert choose(COPIES, 2, "s1/src/app/views/page.py") == "s1/src/lite/model.py"


def test_ambiguous_from_elsewhere_and_unevaluable_edits_are_left_out():
    assert choose(COPIES, 2, "tools/run.py") is None
    assert search_dirs("a/run.py", "import sys\nsys.path.append(get_root())\n") == ((), ())
    assert choose(COPIES[:1], 2, "tools/run.py") == COPIES[0]  # one copy: that one
