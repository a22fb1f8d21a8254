"""ACL503 only when every value that reaches the test is a pyACL result.

infer() sets both datasets to None before the try and builds them inside it;
the finally tests `is not None`: when building the input raises, the output
is still its own None there, so the test is a real guard (clean).

infer_prebuilt() builds the output dataset before the try: the only value
that reaches the finally's `is not None` is the pyACL handle, which is 0 on
failure, never None: the test is dead (ACL503).
"""
import acl

ACL_SUCCESS = 0


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise RuntimeError("{} failed ret={}".format(message, ret))


def build_dataset():
    dataset = acl.mdl.create_dataset()
    if not dataset:
        raise RuntimeError("acl.mdl.create_dataset failed")
    return dataset


def infer(model_id):
    inputs = None
    outputs = None
    try:
        inputs = build_dataset()
        outputs = build_dataset()
        ret = acl.mdl.execute(model_id, inputs, outputs)
        check_ret("acl.mdl.execute", ret)
    finally:
        if inputs is not None:
            acl.mdl.destroy_dataset(inputs)
        if outputs is not None:
            acl.mdl.destroy_dataset(outputs)


def infer_prebuilt(model_id):
    outputs = acl.mdl.create_dataset()
    try:
        ret = acl.mdl.execute(model_id, outputs, outputs)
        check_ret("acl.mdl.execute", ret)
    finally:
        if outputs is not None:  # expect[static]: ACL503
            acl.mdl.destroy_dataset(outputs)
