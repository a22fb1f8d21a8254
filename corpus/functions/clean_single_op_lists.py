"""Clean look-alike of leak_single_op_output_desc: every tensor description, data
buffer and the attribute given to acl.op.execute_v2 in lists is destroyed by the
caller after the stream is synchronized.
"""
import struct

import acl

ACL_SUCCESS = 0
ACL_FLOAT = 0
ACL_FORMAT_ND = 2
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2
DEVICE_ID = 0
N = 8


def run_relu(values, stream):
    size = 4 * N
    in_ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        return None
    out_ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != ACL_SUCCESS:
        acl.rt.free(in_ptr)
        return None
    data = struct.pack("<%df" % N, *values)
    ret = acl.rt.memcpy(in_ptr, size, acl.util.bytes_to_ptr(data), size, ACL_MEMCPY_HOST_TO_DEVICE)
    attr = acl.op.create_attr()
    in_desc = acl.create_tensor_desc(ACL_FLOAT, [N], ACL_FORMAT_ND)
    out_desc = acl.create_tensor_desc(ACL_FLOAT, [N], ACL_FORMAT_ND)
    in_buf = acl.create_data_buffer(in_ptr, size)
    out_buf = acl.create_data_buffer(out_ptr, size)
    if ret == ACL_SUCCESS:
        ret = acl.op.execute_v2("Relu", [in_desc], [in_buf], [out_desc], [out_buf], attr, stream)
    if ret == ACL_SUCCESS:
        ret = acl.rt.synchronize_stream(stream)
    result = None
    if ret == ACL_SUCCESS:
        host = bytearray(size)
        ret = acl.rt.memcpy(acl.util.bytes_to_ptr(host), size, out_ptr, size, ACL_MEMCPY_DEVICE_TO_HOST)
        if ret == ACL_SUCCESS:
            result = struct.unpack("<%df" % N, bytes(host))
    acl.rt.free(in_ptr)
    acl.rt.free(out_ptr)
    acl.destroy_data_buffer(in_buf)
    acl.destroy_data_buffer(out_buf)
    acl.destroy_tensor_desc(in_desc)
    acl.destroy_tensor_desc(out_desc)
    acl.op.destroy_attr(attr)
    return result


def main():
    ret = acl.init()
    if ret != ACL_SUCCESS:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == ACL_SUCCESS:
        stream, ret = acl.rt.create_stream()
        if ret == ACL_SUCCESS:
            print("relu:", run_relu([float(i - N // 2) for i in range(N)], stream))
            acl.rt.destroy_stream(stream)
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
