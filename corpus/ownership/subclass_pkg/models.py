"""Detector calls BaseModel's constructor through super(); Classifier inherits BaseScorer's."""
from .base_model import BaseModel, BaseScorer


class Detector(BaseModel):
    def __init__(self, sizes, threshold):
        super().__init__(sizes)
        self.threshold = threshold


class Classifier(BaseScorer):
    def top1(self, scores):
        return max(range(len(scores)), key=scores.__getitem__)
