"""Post-processing of recognised text (no pyACL): a project class that happens to be named Process."""


class Process(object):
    def __init__(self, threshold):
        self.threshold = threshold

    def run(self, scores):
        return [s for s in scores if s >= self.threshold]
