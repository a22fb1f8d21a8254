"""script_pkg: helpers pulled in with `from .utils import *` and a Net class
built by another module's object (process-exit leaks through the call graph).
Used by ../app_script_pkg.py (a script: nothing catches, a raise ends the
process) and ../app_script_pkg_serve.py (a serving loop that catches and goes on).
"""
