"""The plugin object QGIS creates (classFactory): registers the shanglou
Processing provider, also in qgis_process (hasProcessingProvider=yes)."""

from qgis.core import QgsApplication


class ShanglouPlugin:

    def __init__(self, iface=None):
        self.iface = iface
        self.provider = None

    def initProcessing(self):
        if self.provider is not None:
            return
        from .provider import ShanglouProvider
        self.provider = ShanglouProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):
        self.initProcessing()

    def unload(self):
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
