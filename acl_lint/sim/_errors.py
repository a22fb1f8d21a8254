"""Error codes used by the simulator (values from pyacl-reference.md section 3)."""

ACL_SUCCESS = 0

# ACL layer (1xxxxx / 2xxxxx / 5xxxxx)
INVALID_PARAM = 100000
UNINITIALIZE = 100001
REPEAT_INITIALIZE = 100002
INVALID_FILE = 100003
INVALID_MODEL_ID = 100011
PARSE_MODEL = 100013
MODEL_INPUT_NOT_MATCH = 100017
MODEL_OUTPUT_NOT_MATCH = 100018
MODEL_NOT_DYNAMIC = 100019
REPEAT_SUBSCRIBE = 100033
STREAM_NOT_SUBSCRIBE = 100034
THREAD_NOT_SUBSCRIBE = 100035
REPEAT_FINALIZE = 100037
BAD_ALLOC = 200000
RESOURCE_NOT_MATCH = 200004
INVALID_RESOURCE_HANDLE = 200005

# runtime pass-through (rt_error_codes.h)
RT_PARAM_INVALID = 107000
RT_INVALID_DEVICEID = 107001
RT_CONTEXT_NULL = 107002
RT_STREAM_CONTEXT = 107003
RT_MODEL_CONTEXT = 107004
RT_STREAM_NO_CB_REG = 107015
RT_INVALID_HANDLE = 107017
RT_WAIT_TIMEOUT = 107019
RT_MEMORY_ALLOCATION = 207001
RT_MEMORY_FREE = 207002
RT_EVENT_NOT_COMPLETE = 507006
RT_MODEL_EXECUTE = 507011
RT_REPORT_TIMEOUT = 507012


class SimError(Exception):
    """Internal: a failed check inside the simulator; converted to a return code."""

    def __init__(self, code, msg=""):
        Exception.__init__(self, msg)
        self.code = code


class SimFault(RuntimeError):
    """Raised by the few simulated APIs that have no return code (util.ptr_to_bytes,
    util.ptr_to_numpy, util.bytes_to_ptr on a non-bytes object) when the real
    binding would read invalid memory or reject the argument."""

    def __init__(self, code, msg=""):
        RuntimeError.__init__(self, "%s (acl error %d)" % (msg, code))
        self.code = code
