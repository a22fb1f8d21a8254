"""Patterns found by running acl-lint over public pyACL code (Ascend samples, mmdeploy and
other programs), reduced to a few lines each: the false alarms it raised there must stay
silent, the defects it missed there must be found."""

from __future__ import annotations

import pytest

from acl_lint.lint import lint_sources

CASES = {
    "init_suffix_is_run_once": (
        'import acl\n\n\nclass Vpc:\n    def vpc_init(self):\n        self.chan = acl.media.dvpp_create_channel_desc()\n\n    def destroy(self):\n        acl.media.dvpp_destroy_channel_desc(self.chan)\n',
        [],
    ),
    "camelcase_create_is_run_once": (
        'import acl\n\n\nclass Model:\n    def CreateDesc(self):\n        self.desc = acl.mdl.create_desc()\n\n    def DestroyDesc(self):\n        acl.mdl.destroy_desc(self.desc)\n',
        [],
    ),
    "release_by_index_in_a_loop": (
        'import acl\n\n\nclass Rois:\n    def __init__(self):\n        self.rois = [acl.media.dvpp_create_roi_config(0, 1, 0, 1)]\n\n    def __del__(self):\n        for i in range(len(self.rois)):\n            acl.media.dvpp_destroy_roi_config(self.rois[i])\n',
        [],
    ),
    "release_by_key_in_a_loop": (
        'import acl\n\n\nclass Bufs:\n    def __init__(self):\n        self.bufs = {}\n\n    def add(self, key, size):\n        ptr, ret = acl.media.dvpp_malloc(size)\n        if ret != 0:\n            raise RuntimeError(ret)\n        self.bufs[key] = ptr\n\n    def __del__(self):\n        for key in self.bufs.keys():\n            acl.media.dvpp_free(self.bufs[key])\n',
        [],
    ),
    "release_loop_over_zip": (
        'import acl\n\n\ndef run(model_id, in_ds, devs, sizes):\n    out_ds = acl.mdl.create_dataset()\n    bufs = []\n    for dev, size in zip(devs, sizes):\n        buf = acl.create_data_buffer(dev, size)\n        _, ret = acl.mdl.add_dataset_buffer(out_ds, buf)\n        bufs.append(buf)\n        print(ret)\n    ret = acl.mdl.execute(model_id, in_ds, out_ds)\n    for dev, buf in zip(devs, bufs):\n        acl.destroy_data_buffer(buf)\n    acl.mdl.destroy_dataset(out_ds)\n    return ret\n',
        [],
    ),
    "memory_owned_by_pic_desc": (
        'import acl\n\n\ndef make_out_desc(size):\n    buf, ret = acl.media.dvpp_malloc(size)\n    if ret != 0:\n        return None\n    desc = acl.media.dvpp_create_pic_desc()\n    acl.media.dvpp_set_pic_desc_data(desc, buf)\n    return desc\n',
        [],
    ),
    "ownership_to_vdec_send_frame": (
        'import acl\n\n\ndef send(chan, stream_desc, cfg):\n    desc = acl.media.dvpp_create_pic_desc()\n    ret = acl.media.vdec_send_frame(chan, stream_desc, desc, cfg, None)\n    return ret\n',
        [],
    ),
    "release_guarded_by_desc_truthiness": (
        'import acl\n\n\ndef main():\n    desc = acl.media.dvpp_create_channel_desc()\n    ret = acl.media.dvpp_create_channel(desc)\n    if ret != 0:\n        acl.media.dvpp_destroy_channel_desc(desc)\n        return\n    if desc:\n        acl.media.dvpp_destroy_channel(desc)\n        acl.media.dvpp_destroy_channel_desc(desc)\n',
        [],
    ),
    "add_dataset_buffer_status_not_unpacked": (
        'import acl\n\n\ndef add(ds, ptr, size):\n    buf = acl.create_data_buffer(ptr, size)\n    ret = acl.mdl.add_dataset_buffer(ds, buf)\n    if ret != 0:\n        acl.destroy_data_buffer(buf)\n        return 1\n    return 0\n',
        [],
    ),
    "gen_execute_drop_helpers": (
        'import acl\n\n\nclass Model:\n    def _gen_input(self):\n        self.ds = acl.mdl.create_dataset()\n\n    def _drop_input(self):\n        acl.mdl.destroy_dataset(self.ds)\n        self.ds = None\n\n    def run(self, model_id, out):\n        self._gen_input()\n        ret = acl.mdl.execute(model_id, self.ds, out)\n        self._drop_input()\n        return ret\n',
        [],
    ),
    "caller_destroys_what_helper_stored": (
        'import acl\n\n\nclass Model:\n    def _gen_input(self):\n        self.ds = acl.mdl.create_dataset()\n\n    def execute(self, model_id, out):\n        self._gen_input()\n        ret = acl.mdl.execute(model_id, self.ds, out)\n        acl.mdl.destroy_dataset(self.ds)\n        self.ds = None\n        return ret\n',
        [],
    ),
    "vdec_channel_desc_never_destroyed": (
        'import acl\n\n\nclass Vdec:\n    def init(self):\n        self.chan = acl.media.vdec_create_channel_desc()\n        acl.media.vdec_create_channel(self.chan)\n\n    def destroy(self):\n        acl.media.vdec_destroy_channel(self.chan)\n',
        ['ACL105', 'ACL501'],
    ),
    "batch_pic_desc_leaks": (
        'import acl\n\n\ndef crop(n):\n    descs = acl.media.dvpp_create_batch_pic_desc(n)\n    return 0\n',
        ['ACL101'],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_real_world_pattern(name):
    source, expected = CASES[name]
    result = lint_sources([(f"{name}.py", source)])
    assert sorted({f.code for f in result.findings}) == sorted(set(expected)), [
        f"{f.line}: {f.code} {f.message}" for f in result.findings]


def test_check_helper_from_an_aliased_module(tmp_path):
    """`import acllite_utils as utils; utils.check_ret(...)`: the helper module has no acl call."""
    from acl_lint.lint import lint_paths

    (tmp_path / "acllite_utils.py").write_text(
        "def check_ret(message, ret):\n    if ret != 0:\n        raise Exception(message)\n")
    (tmp_path / "model.py").write_text(
        "import acl\nimport acllite_utils as utils\n\n\ndef gen_output(size):\n"
        "    dataset = acl.mdl.create_dataset()\n    buf, ret = acl.rt.malloc(size, 0)\n"
        "    utils.check_ret(\"acl.rt.malloc\", ret)\n    acl.rt.free(buf)\n    return dataset\n")
    result = lint_paths([str(tmp_path)])
    assert [(f.code, f.line) for f in result.findings] == [("ACL102", 6)]



DEAD_OR_NAMED = '''import threading

import acl


class Feeder:
    def __init__(self):
        self.stream = None
{wiring}
    def _refresh(self):
        self.stream, ret = acl.rt.create_stream()
        if ret != 0:
            raise RuntimeError(ret)

    def close(self):
        acl.rt.destroy_stream(self.stream)
'''


@pytest.mark.parametrize("wiring, reported", [
    ("", False),  # nothing calls or names `_refresh`: dead code, nothing runs per call
    ("        # _refresh() is kept for later\n", False),  # a comment is no reference
    ("\n    def start(self):\n        threading.Thread(target=self._refresh).start()\n", True),  # a callback
    ("\n    def bind(self):\n        self.on_tick = self._refresh\n", True),  # stored to be called
    ("\n    def handle(self, name):\n        getattr(self, \"_refresh\")()\n", True),  # called by name
])
def test_a_private_method_runs_per_call_only_if_something_calls_or_names_it(wiring, reported):
    source = DEAD_OR_NAMED.format(wiring=wiring)
    result = lint_sources([("feeder.py", source)])
    got = [f for f in result.findings if f.code == "ACL104"]
    assert bool(got) == reported, [f"{f.line}: {f.code} {f.message}" for f in result.findings]
    if reported:
        assert "by `_refresh()`, which runs per call" in got[0].message
