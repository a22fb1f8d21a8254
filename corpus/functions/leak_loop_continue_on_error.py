"""ACL102 inside a loop: each image gets its own device buffer, which is freed
at the end of the iteration, but when the upload fails the loop `continue`s
and that buffer is lost. Only the error path leaks (not ACL103).
"""
import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2
DEVICE_ID = 0


def checksum_images(images):
    checksums = []
    for image in images:
        size = len(image)
        dev_ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)  # expect[static]: ACL102
        if ret != ACL_SUCCESS:
            print("malloc failed, skipping image", ret)
            continue
        ret = acl.rt.memcpy(dev_ptr, size, acl.util.bytes_to_ptr(image), size, ACL_MEMCPY_HOST_TO_DEVICE)
        if ret != ACL_SUCCESS:
            print("upload failed, skipping image", ret)
            continue
        host_ptr, ret = acl.rt.malloc_host(size)
        if ret == ACL_SUCCESS:
            ret = acl.rt.memcpy(host_ptr, size, dev_ptr, size, ACL_MEMCPY_DEVICE_TO_HOST)
            if ret == ACL_SUCCESS:
                checksums.append(sum(acl.util.ptr_to_bytes(host_ptr, size)) & 0xFFFF)
            acl.rt.free_host(host_ptr)
        acl.rt.free(dev_ptr)
    return checksums


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            images = [bytes([i]) * 1024 for i in range(4)]
            print(checksum_images(images))
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
