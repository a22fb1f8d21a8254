"""subclass_pkg: model base classes whose constructors run through subclasses only
(`super().__init__(...)` or an inherited `__init__`). Used by ../app_subclass_detect.py (a
script: nothing catches) and ../app_subclass_serve.py (a loop that catches and goes on)."""
