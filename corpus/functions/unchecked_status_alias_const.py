"""ACL501 through an import alias (`import acl as pyacl`) and `const.X` style
constants: set_exec_config_opt, record_event and the dvpp channel creation
have their statuses ignored. Every other status is compared with
const.ACL_SUCCESS, and everything is released.
"""
import os

import acl as pyacl


class const:
    ACL_SUCCESS = 0
    ACL_MEM_MALLOC_HUGE_FIRST = 0
    ACL_MDL_STREAM_SYNC_TIMEOUT = 0
    DEVICE_ID = 0


MODEL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "resnet50.json")


def timed_execute(model_id, input_ds, output_ds, stream):
    event, ret = pyacl.rt.create_event()
    if ret != const.ACL_SUCCESS:
        return ret
    config = pyacl.mdl.create_exec_config_handle()
    pyacl.mdl.set_exec_config_opt(config, const.ACL_MDL_STREAM_SYNC_TIMEOUT, 2000)  # expect[static]: ACL501
    ret = pyacl.mdl.execute_v2(model_id, input_ds, output_ds, stream, config)
    pyacl.rt.record_event(event, stream)  # expect[static]: ACL501
    sync_ret = pyacl.rt.synchronize_event(event)
    pyacl.rt.destroy_event(event)
    pyacl.mdl.destroy_exec_config_handle(config)
    return ret if ret != const.ACL_SUCCESS else sync_ret


def open_decoder():
    channel_desc = pyacl.media.dvpp_create_channel_desc()
    pyacl.media.dvpp_create_channel(channel_desc)  # expect[static]: ACL501
    return channel_desc


def run(stream, model_id, in_size, out_size):
    in_ptr, ret = pyacl.rt.malloc(in_size, const.ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != const.ACL_SUCCESS:
        return ret
    out_ptr, ret = pyacl.rt.malloc(out_size, const.ACL_MEM_MALLOC_HUGE_FIRST)
    if ret != const.ACL_SUCCESS:
        pyacl.rt.free(in_ptr)
        return ret
    input_ds = pyacl.mdl.create_dataset()
    output_ds = pyacl.mdl.create_dataset()
    in_buf = pyacl.create_data_buffer(in_ptr, in_size)
    out_buf = pyacl.create_data_buffer(out_ptr, out_size)
    _, in_ret = pyacl.mdl.add_dataset_buffer(input_ds, in_buf)
    _, out_ret = pyacl.mdl.add_dataset_buffer(output_ds, out_buf)
    if in_ret == const.ACL_SUCCESS and out_ret == const.ACL_SUCCESS:
        ret = timed_execute(model_id, input_ds, output_ds, stream)
    pyacl.rt.free(in_ptr)
    pyacl.destroy_data_buffer(in_buf)
    pyacl.rt.free(out_ptr)
    pyacl.destroy_data_buffer(out_buf)
    pyacl.mdl.destroy_dataset(input_ds)
    pyacl.mdl.destroy_dataset(output_ds)
    return ret


def main():
    ret = pyacl.init()
    if ret != const.ACL_SUCCESS:
        return
    ret = pyacl.rt.set_device(const.DEVICE_ID)
    if ret == const.ACL_SUCCESS:
        stream, ret = pyacl.rt.create_stream()
        if ret == const.ACL_SUCCESS:
            decoder = open_decoder()
            model_id, ret = pyacl.mdl.load_from_file(MODEL_PATH)
            if ret == const.ACL_SUCCESS:
                desc = pyacl.mdl.create_desc()
                ret = pyacl.mdl.get_desc(desc, model_id)
                if ret == const.ACL_SUCCESS:
                    print("run:", run(stream, model_id, pyacl.mdl.get_input_size_by_index(desc, 0),
                                      pyacl.mdl.get_output_size_by_index(desc, 0)))
                pyacl.mdl.destroy_desc(desc)
                pyacl.mdl.unload(model_id)
            pyacl.media.dvpp_destroy_channel(decoder)
            pyacl.media.dvpp_destroy_channel_desc(decoder)
            pyacl.rt.destroy_stream(stream)
        pyacl.rt.reset_device(const.DEVICE_ID)
    pyacl.finalize()


if __name__ == "__main__":
    main()
