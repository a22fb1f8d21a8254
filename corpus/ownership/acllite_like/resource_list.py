"""The global registry of objects that hold ACL resources (acllite style).

AclLiteResource.release() calls resource_list.destroy() before it tears down
the stream, the context and the device, so every registered object is
destroyed while its context is still alive.
"""

from . import constants as const


class _ResourceList(object):
    """Singleton list of every object that owns ACL resources."""

    def __init__(self):
        self.resources = []

    def register(self, resource):
        item = {"resource": resource, "status": const.REGISTER}
        self.resources.append(item)

    def unregister(self, resource):
        for item in self.resources:
            if resource == item["resource"]:
                item["status"] = const.UNREGISTER

    def destroy(self):
        for item in self.resources:
            if item["status"] == const.REGISTER:
                item["resource"].destroy()
                item["status"] = const.UNREGISTER
        self.resources = []


resource_list = _ResourceList()
