"""The sample's own test: runs on an NPU, and on CI under `pytest --acl-audit --acl-sim`."""

import classify


def test_classifies_two_images():
    assert classify.main() == 1000
