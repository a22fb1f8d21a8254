"""A helper returns a list of fresh host buffers (issue 11 item 2; dict() is {}).

`Reader._copy_out` mallocs one host buffer per output into `dict()` items and returns
the list. `infer` runs once per request, reads the bytes and drops the list: the host
memory leaks on every call (firing: ACL103 at the call). `infer_clean` frees the list
with a staticmethod called on self (`self._free_all(outs)`), which releases its argument.
"""

import acl

ACL_SUCCESS = 0
ACL_MEMCPY_DEVICE_TO_HOST = 2


class Reader:
    def __init__(self, outputs):
        self.outputs = outputs  # [(device pointer, size)], owned by the caller

    @staticmethod
    def _free_all(items):
        for item in items:
            acl.rt.free_host(item["ptr"])

    def _copy_out(self):
        out = []
        for dev_ptr, size in self.outputs:
            item = dict()
            item["size"] = size
            item["ptr"], ret = acl.rt.malloc_host(size)
            if ret != ACL_SUCCESS:
                self._free_all(out)
                raise RuntimeError("malloc_host failed: {}".format(ret))
            out.append(item)
            ret = acl.rt.memcpy(item["ptr"], size, dev_ptr, size, ACL_MEMCPY_DEVICE_TO_HOST)
            if ret != ACL_SUCCESS:
                self._free_all(out)
                raise RuntimeError("memcpy failed: {}".format(ret))
        return out

    def infer(self):
        outs = self._copy_out()  # expect[static]: ACL103
        return [acl.util.ptr_to_bytes(o["ptr"], o["size"]) for o in outs]

    def infer_clean(self):
        outs = self._copy_out()
        data = [acl.util.ptr_to_bytes(o["ptr"], o["size"]) for o in outs]
        self._free_all(outs)
        return data


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    print(len(Reader([]).infer_clean()))
    acl.finalize()


if __name__ == "__main__":
    main()
