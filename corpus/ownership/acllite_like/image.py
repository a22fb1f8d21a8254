"""DvppImage: an image held in DVPP memory.

The constructor takes ownership of the pointer it is given; destroy() (also
reached from __del__) frees it with acl.media.dvpp_free.
"""

import acl


class DvppImage(object):
    def __init__(self, data, size, width, height):
        self._data = data
        self.size = size
        self.width = width
        self.height = height

    def data(self):
        return self._data

    def destroy(self):
        if self._data is not None:
            acl.media.dvpp_free(self._data)
            self._data = None

    def __del__(self):
        self.destroy()
