"""An internal error in one function is reported with file and function; the rest goes on (exit 2)."""

from __future__ import annotations

import textwrap

from acl_lint import cli
from acl_lint.static import interp

SOURCE = textwrap.dedent('''
    import acl


    def broken(size):
        ptr, ret = acl.rt.malloc(size, 0)
        if ret != 0:
            raise RuntimeError(ret)
        acl.rt.free(ptr)


    def leaky(size):
        ptr, ret = acl.rt.malloc(size, 0)
        if ret != 0:
            return
''')


def test_one_function_crashes_the_others_are_reported(tmp_path, monkeypatch, capsys):
    (tmp_path / "app.py").write_text(SOURCE)

    def boom(self, node, st):
        raise RuntimeError("simulated analyser bug")

    monkeypatch.setattr(interp.Interpreter, "s_Raise", boom)
    monkeypatch.chdir(tmp_path)
    code = cli.main(["app.py", "--format", "concise", "--no-cache", "--jobs", "1"])
    out, err = capsys.readouterr()
    assert code == 2
    assert "app.py:13:" in out and "ACL101" in out  # leaky() is still checked
    assert "app.py (broken)" in out + err and "simulated analyser bug" in out + err
    assert "Traceback" not in out + err
