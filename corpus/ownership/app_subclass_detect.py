"""A script over subclass_pkg: main() builds a Detector (its constructor runs
BaseModel.__init__ through super()) and runs pipeline.classify_all (which builds a Classifier,
whose constructor is BaseScorer's), with nothing catching, from the `__main__` block. A
failed call in either base constructor ends the process: their leaks are not reported by
default."""
import acl

from subclass_pkg.models import Detector
from subclass_pkg.pipeline import classify_all

DEVICE_ID = 0


def main():
    ret = acl.init()
    if ret != 0:
        return
    ret = acl.rt.set_device(DEVICE_ID)
    if ret == 0:
        detector = Detector([1024], 0.5)
        print(classify_all([[0.1, 0.7, 0.2]]))
        detector.close()
        acl.rt.reset_device(DEVICE_ID)
    acl.finalize()


if __name__ == "__main__":
    main()
