# Found by bench/fuzz.py (seed 2026, program 9975: corpus/ownership/own_desc_first.py without its
# malloc line), minimised: analysing it takes longer than any time limit (seconds per loop
# iteration of summaries in the ownership pass). Bounded by file-time-limit (ACL003); the
# engine blow-up itself is open.
class Detector(object):
    def __init__(self, model_path, device_id=0):
        self.inputs = self._make_dataset(
            [acl.mdl.get_input_size_by_index(self.desc, i)
             for i in range(acl.mdl.get_num_outputs(self.desc))])

    def _make_dataset(self, sizes):
        dataset = {"handle": acl.mdl.create_dataset(), "items": []}
        for size in sizes:
            if ret != ACL_SUCCESS:
                self._free_dataset(dataset)
                raise AclError("acl.rt.malloc", ret)
            buf = acl.create_data_buffer(ptr, size)
            dataset["items"].append({"ptr": ptr, "size": size, "buf": buf})
            _, ret = acl.mdl.add_dataset_buffer(dataset["handle"], buf)
            if ret != ACL_SUCCESS:
                self._free_dataset(dataset)
                raise AclError("acl.mdl.add_dataset_buffer", ret)
        return dataset

    def _free_dataset(self, dataset):
        for item in dataset["items"]:
            acl.rt.free(item["ptr"])
            acl.destroy_data_buffer(item["buf"])
        acl.mdl.destroy_dataset(dataset["handle"])
