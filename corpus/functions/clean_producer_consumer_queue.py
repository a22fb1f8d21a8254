"""Producer/consumer: the producer uploads frames into device memory and puts
the pointers on a queue.Queue (queue.put is a function acl-lint cannot see,
so ownership moves with the pointer); the consumer thread sets the context,
checks each frame and frees the pointer. Clean.
"""
import queue
import threading

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2
DEVICE_ID = 0
FRAME_BYTES = 32 * 1024


def produce(frames, out_queue):
    for frame in frames:
        dev_ptr, ret = acl.rt.malloc(FRAME_BYTES, ACL_MEM_MALLOC_HUGE_FIRST)
        if ret != ACL_SUCCESS:
            break
        ret = acl.rt.memcpy(dev_ptr, FRAME_BYTES, acl.util.bytes_to_ptr(frame), len(frame),
                            ACL_MEMCPY_HOST_TO_DEVICE)
        if ret != ACL_SUCCESS:
            acl.rt.free(dev_ptr)
            break
        out_queue.put(dev_ptr)
    out_queue.put(None)


def consume(context, in_queue, sums):
    ret = acl.rt.set_context(context)
    if ret != ACL_SUCCESS:
        print("consumer: set_context failed", ret)
    host_ptr, host_ret = acl.rt.malloc_host(FRAME_BYTES)
    while True:
        dev_ptr = in_queue.get()
        if dev_ptr is None:
            break
        if host_ret == ACL_SUCCESS:
            ret = acl.rt.memcpy(host_ptr, FRAME_BYTES, dev_ptr, FRAME_BYTES, ACL_MEMCPY_DEVICE_TO_HOST)
            if ret == ACL_SUCCESS:
                sums.append(sum(acl.util.ptr_to_bytes(host_ptr, FRAME_BYTES)))
        acl.rt.free(dev_ptr)
    if host_ret == ACL_SUCCESS:
        acl.rt.free_host(host_ptr)


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        context, ret = acl.rt.create_context(DEVICE_ID)
        if ret == ACL_SUCCESS:
            frames_queue = queue.Queue(maxsize=4)
            sums = []
            worker = threading.Thread(target=consume, args=(context, frames_queue, sums))
            worker.start()
            produce([bytes([i]) * FRAME_BYTES for i in range(5)], frames_queue)
            worker.join()
            print("frame sums:", sums)
            acl.rt.destroy_context(context)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
