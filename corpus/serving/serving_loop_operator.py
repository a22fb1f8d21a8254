"""An inference-server operator: one long method that sets everything up (a raise on
every failed status), serves batches in an endless `while True: try:` loop with nested
preprocessing and a catch-all except, and tears down after it, in the wrong order.

Written for acl-lint's corpus in the shape of real serving code (issue: such a method
hung the analysis). Its analysis is bounded and complete: paths that differ only in values
no later statement reads are one path, so it is checked within the path budget (no ACL003)."""
import logging
import queue

import numpy as np

import acl

ACL_SUCCESS = 0
ACL_MEM_MALLOC_HUGE_FIRST = 0
ACL_MEMCPY_HOST_TO_DEVICE = 1
ACL_MEMCPY_DEVICE_TO_HOST = 2

log = logging.getLogger(__name__)


class ServingOperator:
    def __init__(self, model_path, device_id=0, batch=4):
        self.model_path = model_path
        self.device_id = device_id
        self.batch = batch
        self.requests = queue.Queue()
        self.running = True

    def serve(self):
        ret = acl.init()
        if ret != ACL_SUCCESS:
            raise RuntimeError(f"acl.init failed: {ret}")
        ret = acl.rt.set_device(self.device_id)
        if ret != ACL_SUCCESS:
            raise RuntimeError(f"set_device failed: {ret}")
        context, ret = acl.rt.create_context(self.device_id)
        if ret != ACL_SUCCESS:
            raise RuntimeError(f"create_context failed: {ret}")
        stream, ret = acl.rt.create_stream()
        if ret != ACL_SUCCESS:
            raise RuntimeError(f"create_stream failed: {ret}")
        model_id, ret = acl.mdl.load_from_file(self.model_path)
        if ret != ACL_SUCCESS:
            raise RuntimeError(f"load_from_file failed: {ret}")
        model_desc = acl.mdl.create_desc()
        if model_desc is None:  # expect[static]: ACL503
            raise RuntimeError("create_desc failed")
        ret = acl.mdl.get_desc(model_desc, model_id)
        if ret != ACL_SUCCESS:
            raise RuntimeError(f"get_desc failed: {ret}")

        input_ptrs, input_bufs, input_sizes = [], [], []
        for i in range(acl.mdl.get_num_inputs(model_desc)):
            size = acl.mdl.get_input_size_by_index(model_desc, i)
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
            if ret != ACL_SUCCESS:
                raise RuntimeError(f"malloc input {i} failed: {ret}")
            buf = acl.create_data_buffer(ptr, size)
            if buf is None:  # expect[static]: ACL503
                raise RuntimeError(f"create_data_buffer input {i} failed")
            input_ptrs.append(ptr)
            input_bufs.append(buf)
            input_sizes.append(size)

        output_ptrs, output_bufs, output_sizes = [], [], []
        for i in range(acl.mdl.get_num_outputs(model_desc)):
            size = acl.mdl.get_output_size_by_index(model_desc, i)
            ptr, ret = acl.rt.malloc(size, ACL_MEM_MALLOC_HUGE_FIRST)
            if ret != ACL_SUCCESS:
                raise RuntimeError(f"malloc output {i} failed: {ret}")
            buf = acl.create_data_buffer(ptr, size)
            if buf is None:  # expect[static]: ACL503
                raise RuntimeError(f"create_data_buffer output {i} failed")
            output_ptrs.append(ptr)
            output_bufs.append(buf)
            output_sizes.append(size)

        input_dataset = acl.mdl.create_dataset()
        for buf in input_bufs:
            _, ret = acl.mdl.add_dataset_buffer(input_dataset, buf)
            if ret != ACL_SUCCESS:
                raise RuntimeError(f"add input buffer failed: {ret}")
        output_dataset = acl.mdl.create_dataset()
        for buf in output_bufs:
            _, ret = acl.mdl.add_dataset_buffer(output_dataset, buf)
            if ret != ACL_SUCCESS:
                raise RuntimeError(f"add output buffer failed: {ret}")

        while True:
            try:
                items = []
                while len(items) < self.batch:
                    try:
                        req = self.requests.get(timeout=0.1)
                    except queue.Empty:
                        if not self.running:
                            break
                        continue
                    if req is None:
                        self.running = False
                        break
                    items.append(req)
                if not items:
                    if not self.running:
                        break
                    continue
                batch_arrays = []
                for item in items:
                    if item.get("kind") == "image":
                        arr = np.asarray(item["data"], dtype=np.float32)
                        if arr.ndim == 2:
                            arr = arr[None, :, :]
                        elif arr.ndim == 3:
                            if arr.shape[0] not in (1, 3):
                                arr = arr.transpose(2, 0, 1)
                        else:
                            raise ValueError("bad image rank")
                        for c in range(arr.shape[0]):
                            if arr[c].max() > 1.0:
                                arr[c] = arr[c] / 255.0
                            elif arr[c].min() < 0.0:
                                arr[c] = (arr[c] + 1.0) / 2.0
                            else:
                                continue
                        batch_arrays.append(arr)
                    elif item.get("kind") == "tensor":
                        arr = np.asarray(item["data"], dtype=np.float32)
                        if arr.size == 0:
                            log.warning("empty tensor skipped")
                            continue
                        for axis in range(arr.ndim):
                            if arr.shape[axis] > 4096:
                                raise ValueError("tensor too large")
                        batch_arrays.append(arr)
                    elif item.get("kind") == "text":
                        tokens = [ord(ch) % 256 for ch in item["data"]]
                        if len(tokens) > 512:
                            tokens = tokens[:512]
                        elif len(tokens) < 8:
                            tokens = tokens + [0] * (8 - len(tokens))
                        batch_arrays.append(np.asarray(tokens, dtype=np.float32))
                    else:
                        log.error("unknown request kind %s", item.get("kind"))
                        continue
                if not batch_arrays:
                    continue
                host = np.concatenate([a.ravel() for a in batch_arrays])
                nbytes = min(host.nbytes, input_sizes[0])
                host_ptr = acl.util.bytes_to_ptr(host.tobytes())
                ret = acl.rt.memcpy(input_ptrs[0], input_sizes[0], host_ptr, nbytes, ACL_MEMCPY_HOST_TO_DEVICE)
                if ret != ACL_SUCCESS:
                    raise RuntimeError(f"memcpy in failed: {ret}")
                ret = acl.mdl.execute_async(model_id, input_dataset, output_dataset, stream)
                if ret != ACL_SUCCESS:
                    raise RuntimeError(f"execute_async failed: {ret}")
                ret = acl.rt.synchronize_stream(stream)
                if ret != ACL_SUCCESS:
                    raise RuntimeError(f"synchronize failed: {ret}")
                results = []
                for i in range(len(output_ptrs)):
                    out = np.zeros(output_sizes[i] // 4, dtype=np.float32)
                    out_ptr = acl.util.bytes_to_ptr(out.tobytes())
                    ret = acl.rt.memcpy(out_ptr, output_sizes[i], output_ptrs[i], output_sizes[i],
                                        ACL_MEMCPY_DEVICE_TO_HOST)
                    if ret != ACL_SUCCESS:
                        raise RuntimeError(f"memcpy out {i} failed: {ret}")
                    results.append(out)
                for item in items:
                    if "reply" in item:
                        item["reply"](results)
            except Exception as exc:
                log.exception("batch failed: %s", exc)

        if output_dataset:
            acl.mdl.destroy_dataset(output_dataset)  # expect: ACL203
        if input_dataset:
            acl.mdl.destroy_dataset(input_dataset)  # expect: ACL203
        for buf in output_bufs:
            acl.destroy_data_buffer(buf)
        for buf in input_bufs:
            acl.destroy_data_buffer(buf)
        for ptr in output_ptrs:
            acl.rt.free(ptr)
        for ptr in input_ptrs:
            acl.rt.free(ptr)
        if model_desc:
            acl.mdl.destroy_desc(model_desc)
        if model_id:
            acl.mdl.unload(model_id)
        if stream:
            acl.rt.destroy_stream(stream)
        if context:
            acl.rt.destroy_context(context)
        acl.rt.reset_device(self.device_id)
        acl.finalize()


def main():
    import os

    model = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "resnet50.json")
    op = ServingOperator(model, batch=2)
    replies = []
    op.requests.put({"kind": "tensor", "data": [[0.5] * 8] * 2, "reply": replies.append})
    op.requests.put({"kind": "text", "data": "hello", "reply": replies.append})
    op.requests.put(None)
    op.serve()
    return len(replies)


if __name__ == "__main__":
    main()
