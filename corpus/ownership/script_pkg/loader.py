"""read_sizes(): the input sizes of a loaded model, read once by a plain script.

When get_desc fails, check_ret raises with the description live: a leak, but
its only caller is run_once(), whose only caller is ../app_plain_script.py, a
script that never names the runtime module itself and calls it from its
`__main__` block with nothing catching: the exception ends the process (not
reported by default). run_once() brings the runtime up and down around it.
"""
import acl

from .utils import check_ret


def read_sizes(model_id):
    desc = acl.mdl.create_desc()
    ret = acl.mdl.get_desc(desc, model_id)
    check_ret("acl.mdl.get_desc", ret)
    sizes = [acl.mdl.get_input_size_by_index(desc, i) for i in range(acl.mdl.get_num_inputs(desc))]
    acl.mdl.destroy_desc(desc)
    return sizes


def run_once(model_path, device_id=0):
    ret = acl.init()
    check_ret("acl.init", ret)
    try:
        ret = acl.rt.set_device(device_id)
        check_ret("acl.rt.set_device", ret)
        try:
            model_id, ret = acl.mdl.load_from_file(model_path)
            check_ret("acl.mdl.load_from_file", ret)
            try:
                return read_sizes(model_id)
            finally:
                acl.mdl.unload(model_id)
        finally:
            acl.rt.reset_device(device_id)
    finally:
        acl.finalize()
