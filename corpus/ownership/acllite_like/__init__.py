"""acllite_like: a small acllite-style wrapper library (clean).

Modules: constants, utils (check_ret, copies), resource_list (global registry),
resource (AclLiteResource), model (AclLiteModel), image (DvppImage), dvpp
(AclLiteImageProc). Used by ../app_acllite_classify.py and
../app_acllite_dvpp.py, which put corpus/ownership on sys.path themselves:
run them as plain scripts (python corpus/ownership/app_acllite_classify.py).
"""
