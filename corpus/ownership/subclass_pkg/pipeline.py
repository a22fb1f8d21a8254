"""A pipeline step of subclass_pkg that never names the runtime itself: it builds a
Classifier (whose constructor is the one it inherits from BaseScorer) and returns the
winning class of each score list. Only ../app_subclass_detect.py runs it."""
from .models import Classifier


def classify_all(score_lists):
    classifier = Classifier(2048)
    best = [classifier.top1(scores) for scores in score_lists]
    classifier.close()
    return best
