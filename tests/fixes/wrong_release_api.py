"""ACL303 fixed safely: each handle is bound only by one acquire, so its kind is
certain and the release API of that kind replaces the wrong one."""
import acl

ACL_SUCCESS = 0


def run(model_id, size):
    dev, ret = acl.rt.malloc(size, 0)
    if ret != ACL_SUCCESS:
        return ret
    host, ret = acl.rt.malloc_host(size)
    if ret != ACL_SUCCESS:
        acl.rt.free(dev)
        return ret
    dataset = acl.mdl.create_dataset()
    buf = acl.create_data_buffer(dev, size)
    _, ret = acl.mdl.add_dataset_buffer(dataset, buf)
    if ret == ACL_SUCCESS:
        ret = acl.mdl.execute(model_id, dataset, dataset)
    acl.rt.free_host(dev)  # device memory given to the host-memory release
    acl.destroy_data_buffer(buf)
    acl.destroy_data_buffer(dataset)  # a dataset given to the data-buffer release
    acl.media.dvpp_free(host)  # host memory given to the DVPP release
    return ret
