"""Statuses that are checked, or not worth checking where they stand (clean).

- `acl.init()` left unchecked right before a checked `set_device`: its only
  realistic failure is 100002 "already initialised" (rules/low_value.toml);
  a broken environment fails the next, checked call. (Reported with
  `report-low-value-statuses = true`; with the next call unchecked too, as in
  unchecked_status_script.py, both are reported.)
- `ret = acl.init(cfg) if cfg else acl.init()` then a check of `ret`: one of
  the two calls ran, and the check covers it (open_device(), analysed on its
  own; main() initialises once).
"""

import acl

ACL_SUCCESS = 0
DEVICE_ID = 0


def check_ret(message, ret):
    if ret != ACL_SUCCESS:
        raise Exception("{} failed ret={}".format(message, ret))


def open_device(config_path=None):
    ret = acl.init(config_path) if config_path else acl.init()
    check_ret("acl.init", ret)
    ret = acl.rt.set_device(DEVICE_ID)
    check_ret("acl.rt.set_device", ret)


def close_device():
    acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


def main():
    acl.init()
    ret = acl.rt.set_device(DEVICE_ID)
    check_ret("acl.rt.set_device", ret)
    stream, ret = acl.rt.create_stream()
    check_ret("acl.rt.create_stream", ret)
    acl.rt.destroy_stream(stream)
    close_device()


if __name__ == "__main__":
    main()
