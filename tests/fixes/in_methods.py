"""Fixes inside methods (each method is parsed on its own, under a synthetic
block line): the wrong release API renamed safely in a decorated method whose
docstring lines sit left of the method's indentation, and the teardown order
swapped with --unsafe-fixes in another method of the same class. Positions
map back to the file's lines and columns."""
# fix-options: --unsafe-fixes
# fix-config: buffer-free-order = true
import functools

import acl

ACL_SUCCESS = 0


class Runner:
    def __init__(self, size):
        self.size = size

    @functools.lru_cache(maxsize=None)
    def copy(self, model_id):
        """Copy once.
Not indented like the method: a string's lines are its own."""
        dev, ret = acl.rt.malloc(self.size, 0)
        if ret != ACL_SUCCESS:
            return ret
        ret = acl.mdl.execute(model_id, dev, dev)
        acl.rt.free_host(dev)  # device memory given to the host-memory release
        return ret

    def forward(self, size):
        ptr, ret = acl.rt.malloc(size, 0)
        if ret != ACL_SUCCESS:
            return ret
        buf = acl.create_data_buffer(ptr, size)
        acl.destroy_data_buffer(buf)
        acl.rt.free(ptr)
        return ret
