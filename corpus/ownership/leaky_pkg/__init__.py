"""leaky_pkg: a detector package whose teardown helpers are wrong (firing).

buffers.py allocates the datasets, teardown.py holds the release helpers,
detector.py wires them together. Two defects cross module boundaries:
teardown.drop_dataset() never frees the output memory (ACL106 at the malloc
in buffers.alloc_output_dataset), and teardown.shutdown_device() resets the
device before Detector.close() destroys its context (ACL203 at that
reset_device). Used only by ../app_leaky_pkg.py (run it as a plain script).
"""
