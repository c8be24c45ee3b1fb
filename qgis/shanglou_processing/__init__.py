"""shanglou Processing: check, evaluate, plan and compare in QGIS's
Processing Toolbox, each running the shanglou program.  See docs/qgis.md
in the shanglou repository."""


def classFactory(iface):
    from .plugin import ShanglouPlugin
    return ShanglouPlugin(iface)
