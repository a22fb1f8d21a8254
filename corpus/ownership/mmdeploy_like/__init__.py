"""mmdeploy_like: the mmdeploy Ascend wrapper set (DataBuffer, Dataset,
ModelDesc, AscendWrapper), each with destroy() and __del__ (clean).

Unlike mmdeploy, DataBuffer.destroy() frees the memory before it destroys
the data buffer (the order acl-lint checks by default; see
../own_mmdeploy_buffer_order.py for mmdeploy's own order).
Used by ../app_mmdeploy_like.py (run it as a plain script).
"""
