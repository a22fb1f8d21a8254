"""read_sizes(): the input sizes of a loaded model, read once by a plain script.

When get_desc fails, check_ret raises with the description live: a leak, but
its only caller is ../app_plain_script.py, a script that never names the
runtime module itself and calls it from its `__main__` block with nothing
catching: the exception ends the process (not reported by default).
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
