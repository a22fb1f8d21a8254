"""infer_pkg: a small inference package split over modules (clean).

status (check_ret), helpers (alloc_dataset / release_dataset / copies),
runtime (DeviceRuntime context manager), engine (InferEngine, which uses
`from .helpers import release_dataset`). Used by ../app_infer_pkg.py; run
that file as a plain script.
"""
