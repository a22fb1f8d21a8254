"""Ownership across functions: facts gathered during interpretation (``facts.py``), a second
look at release methods once a class's links are known (``relink.py``), and the owner pass
over classes and modules (``owner_pass.py``)."""
