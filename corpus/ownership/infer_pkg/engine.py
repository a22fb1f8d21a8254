"""InferEngine: model, desc and datasets; releases through helpers.release_dataset."""

import acl

from .helpers import alloc_dataset, copy_in, copy_out, release_dataset
from .status import check_ret


class InferEngine(object):
    def __init__(self, model_path, stream):
        self.model_path = model_path
        self.stream = stream
        self.model_id = None
        self.desc = None
        self.inputs = None
        self.outputs = None

    def open(self):
        self.model_id, ret = acl.mdl.load_from_file(self.model_path)
        check_ret("acl.mdl.load_from_file", ret)
        self.desc = acl.mdl.create_desc()
        ret = acl.mdl.get_desc(self.desc, self.model_id)
        check_ret("acl.mdl.get_desc", ret)
        self.inputs = alloc_dataset([acl.mdl.get_input_size_by_index(self.desc, i)
                                     for i in range(acl.mdl.get_num_inputs(self.desc))])
        self.outputs = alloc_dataset([acl.mdl.get_output_size_by_index(self.desc, i)
                                      for i in range(acl.mdl.get_num_outputs(self.desc))])

    def infer(self, *arrays):
        for index, data in enumerate(arrays):
            copy_in(self.inputs, index, data, self.stream)
        ret = acl.mdl.execute_async(self.model_id, self.inputs["dataset"],
                                    self.outputs["dataset"], self.stream)
        check_ret("acl.mdl.execute_async", ret)
        ret = acl.rt.synchronize_stream(self.stream)
        check_ret("acl.rt.synchronize_stream", ret)
        return [copy_out(self.outputs, i) for i in range(len(self.outputs["items"]))]

    def close(self):
        if self.inputs is not None:
            release_dataset(self.inputs)
            self.inputs = None
        if self.outputs is not None:
            release_dataset(self.outputs)
            self.outputs = None
        if self.model_id is not None:
            acl.mdl.unload(self.model_id)
            self.model_id = None
        if self.desc is not None:
            acl.mdl.destroy_desc(self.desc)
            self.desc = None
