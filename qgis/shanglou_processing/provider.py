"""The shanglou Processing provider: its algorithms and its one setting,
the path of the shanglou program (Settings ▸ Options ▸ Processing ▸ Providers ▸
shanglou)."""

import os

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .algorithms import ALGORITHMS, SETTING_PROGRAM

HERE = os.path.dirname(__file__)


class ShanglouProvider(QgsProcessingProvider):

    def id(self):
        return "shanglou"

    def name(self):
        return "shanglou"

    def longName(self):
        return "shanglou 上楼: industrial land-use planning (工改工, 工业上楼)"

    def icon(self):
        return QIcon(os.path.join(HERE, "icon.svg"))

    def svgIconPath(self):
        return os.path.join(HERE, "icon.svg")

    def load(self):
        try:
            from processing.core.ProcessingConfig import ProcessingConfig, Setting
        except ImportError:  # no Processing plugin: PATH only
            ProcessingConfig = None
        if ProcessingConfig is not None:
            ProcessingConfig.settingIcons[self.name()] = self.icon()
            ProcessingConfig.addSetting(Setting(
                self.name(), SETTING_PROGRAM,
                "shanglou program (empty: shanglou on PATH)", "",
                valuetype=Setting.FILE))
            ProcessingConfig.readSettings()
        self.refreshAlgorithms()
        return True

    def unload(self):
        try:
            from processing.core.ProcessingConfig import ProcessingConfig
            ProcessingConfig.removeSetting(SETTING_PROGRAM)
        except (ImportError, KeyError):
            pass

    def loadAlgorithms(self):
        for cls in ALGORITHMS:
            self.addAlgorithm(cls())
