"""A pool of streams created in a loop and appended to a list, used for
parallel uploads, then synchronized and destroyed in a loop over the list.
Each stream is collected, so the loop acquire is not a per-iteration leak
(look-alike of ACL103 for streams). Clean.
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
DEVICE_ID = 0
POOL_SIZE = 3
CHUNK = 1 << 16


def create_stream_pool(count):
    pool = []
    for _ in range(count):
        stream, ret = acl.rt.create_stream()
        if ret != ACL_SUCCESS:
            break
        pool.append(stream)
    return pool


def destroy_stream_pool(pool):
    for stream in pool:
        ret = acl.rt.synchronize_stream(stream)
        if ret != ACL_SUCCESS:
            print("synchronize_stream failed", ret)
        acl.rt.destroy_stream(stream)


def parallel_upload(pool, payload):
    dev_ptr, ret = acl.rt.malloc(CHUNK * len(pool), ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return ret
    staging, ret = acl.rt.malloc_host(CHUNK)
    if ret != ACL_SUCCESS:
        acl.rt.free(dev_ptr)
        return ret
    ret = acl.rt.memcpy(staging, CHUNK, acl.util.bytes_to_ptr(payload), CHUNK, 0)
    for index, stream in enumerate(pool):
        if ret != ACL_SUCCESS:
            break
        ret = acl.rt.memcpy_async(dev_ptr + index * CHUNK, CHUNK, staging, CHUNK, ACL_MEMCPY_HOST_TO_DEVICE, stream)
    sync_ret = acl.rt.synchronize_device()
    acl.rt.free_host(staging)
    acl.rt.free(dev_ptr)
    return ret or sync_ret


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            pool = create_stream_pool(POOL_SIZE)
            print("upload:", parallel_upload(pool, bytes(CHUNK)))
            destroy_stream_pool(pool)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
