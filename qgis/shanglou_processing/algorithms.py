"""The Processing algorithms: check, evaluate, plan and compare.

Each runs the shanglou program (runner.py) with the scenario file and the
output folder, shows its progress on Processing's progress bar and its
messages in the log, turns its exit status into a Processing error, and
when it ends opens the styled GeoPackage layers (shanglou.gpkg, styles
stored in it) in the project.  docs/qgis.md says what a planner sees.
"""

import json
import os
import time

from qgis.core import (Qgis, QgsMessageLog, QgsProcessing, QgsProcessingAlgorithm,
                       QgsProcessingException, QgsProcessingOutputFile, QgsProcessingOutputHtml,
                       QgsProcessingOutputNumber, QgsProcessingOutputString,
                       QgsProcessingOutputVectorLayer, QgsProcessingParameterBoolean,
                       QgsProcessingParameterEnum, QgsProcessingParameterFile,
                       QgsProcessingParameterFolderDestination,
                       QgsProcessingParameterMultipleLayers, QgsProcessingParameterNumber,
                       QgsVectorLayer)
from qgis.PyQt.QtCore import QCoreApplication, QObject, pyqtSignal

from . import runner

SETTING_PROGRAM = "SHANGLOU_PROGRAM"
SCENARIO_FILTER = "Scenario files (*.yaml *.yml);;All files (*)"


def configured_program():
    """The path set in Settings ▸ Options ▸ Processing ▸ Providers ▸ shanglou, or ''."""
    try:
        from processing.core.ProcessingConfig import ProcessingConfig
        return ProcessingConfig.getSetting(SETTING_PROGRAM) or ""
    except ImportError:  # Processing's Python plugin is not loaded
        return ""


def same_file(a, b):
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def layer_file(layer):
    """The file a layer reads ("/x/shanglou.gpkg|layername=parcels" -> /x/shanglou.gpkg)."""
    return layer.source().split("|", 1)[0]


def remove_layers_of(project, path):
    """Take the layers reading path out of project; returns their names."""
    if project is None or not os.path.exists(path):
        return []
    gone = [lyr for lyr in project.mapLayers().values() if same_file(layer_file(lyr), path)]
    names = [lyr.name() for lyr in gone]
    project.removeMapLayers([lyr.id() for lyr in gone])
    return names


def open_layers(project, uris, group_name):
    """Open each (uri, name) with its default style (the one stored in the
    GeoPackage) in a new group at the top of project's layer tree, the
    first of uris on top.  Returns the layers."""
    root = project.layerTreeRoot()
    group = root.insertGroup(0, group_name)
    layers = []
    for uri, name in uris:
        lyr = QgsVectorLayer(uri, name, "ogr")  # loads the default style
        if not lyr.isValid():
            raise QgsProcessingException(f"QGIS cannot open {uri}")
        project.addMapLayer(lyr, False)
        group.addLayer(lyr)
        layers.append(lyr)
    return layers


class MainThreadLoader(QObject):
    """Opens layers in QGIS's main thread from wherever it is asked.  Made
    in prepareAlgorithm (the main thread): a request from the worker
    thread is queued to the main thread's event loop, one from the main
    thread (processing.run) is carried out at once.  For a cancelled plan
    that still wrote its best plan: the dialog then skips both
    postProcessAlgorithm and Processing's own loading of results."""
    request = pyqtSignal(list, str)
    alive = []  # until the request is carried out

    def __init__(self, project):
        super().__init__()
        self.project = project
        self.request.connect(self.load)
        MainThreadLoader.alive.append(self)

    def load(self, uris, group_name):
        try:
            open_layers(self.project, [tuple(u) for u in uris], group_name)
        except QgsProcessingException as e:  # no algorithm to report to any more
            QgsMessageLog.logMessage(str(e), "shanglou", Qgis.Critical)
        finally:
            MainThreadLoader.alive.remove(self)


class Reporter:
    """Turns the program's progress lines and the clock into Processing's
    progress bar.  stages: (task pattern, start, end) as fractions of the
    whole run; a task matching none keeps the bar where it is.  When the
    solve's time limit is known (the parameter, or read from a progress
    line) the bar moves with the clock between lines: from the start of
    the run until a line says otherwise, not while an earlier task (reading
    a large zone) is still reporting, and from the solve's own elapsed time
    once a solving line names it.  The bar never goes back."""

    def __init__(self, feedback, stages, limit_s=None, clock_stage=None, runs=1):
        self.feedback = feedback
        self.stages = stages
        self.limit_s = limit_s
        self.clock_stage = clock_stage  # the stage the clock drives (solving)
        self.runs = runs                # compare: scenarios in sequence
        self.value = 0.0
        self.current = None             # the stage of the last line
        self.current_final = False
        self.t0 = time.monotonic()      # when the clock's stage began

    def set(self, fraction):
        fraction = min(max(fraction, 0.0), 1.0)
        if fraction > self.value + 0.002:
            self.value = fraction
            self.feedback.setProgress(100.0 * fraction)

    def stage_of(self, task):
        for st in self.stages:
            if st[0].match(task):
                return st
        return None

    def progress(self, p):
        self.feedback.pushConsoleInfo(f"{p.task}: {p.state}")
        self.feedback.setProgressText(f"{p.task}: {p.state}")
        if p.limit_s:
            self.limit_s = p.limit_s
        st = self.stage_of(p.task)
        if st is None:
            return
        self.current, self.current_final = st, p.final
        m = runner.COMPARE_TASK.match(p.task)
        frac = p.fraction if p.fraction is not None else 0.0
        if m:  # compare: scenario i of n, the clock runs from the start
            i, n = int(m.group(1)), int(m.group(2))
            self.runs = n
            self.set((i - 1 + frac) / n)
            return
        if st is self.clock_stage and p.limit_s and p.fraction is not None:
            self.t0 = time.monotonic() - p.fraction * p.limit_s  # the solve's own clock
        elif self.clock_stage is not None and st[1] < self.clock_stage[1] and p.final:
            self.t0 = time.monotonic()  # an earlier task ended: the solve starts
        self.set(st[1] + (st[2] - st[1]) * frac)

    def tick(self, elapsed_s):
        if not self.limit_s or self.clock_stage is None:
            return
        st = self.clock_stage
        if self.current is not None and self.current is not st:
            if self.current[1] > st[1] or not self.current_final:
                return  # still reading, or past the solve (writing)
        # At most 99 % of the solve: the lines say when it ends.
        frac = min((time.monotonic() - self.t0) / (self.limit_s * self.runs), 0.99)
        self.set(st[1] + (st[2] - st[1]) * frac)


class ShanglouAlgorithm(QgsProcessingAlgorithm):
    """What the four algorithms share: finding and running the program,
    errors, loading the layers."""
    COMMAND = ""
    DISPLAY = ""
    HELP = ""
    LAYERS = ()     # shanglou.gpkg layers to open, top of the legend first
    STAGES = ()
    CLOCK_STAGE = None

    def __init__(self):
        super().__init__()
        self.out_dir = None
        self.load = False
        self.to_open = []       # (uri, name) to open when done
        self.group_name = ""
        self.loader = None      # MainThreadLoader, for a cancelled run

    def tr(self, text):
        return QCoreApplication.translate("shanglou", text)

    def createInstance(self):
        return type(self)()

    def name(self):
        return self.COMMAND

    def displayName(self):
        return self.DISPLAY

    def group(self):
        return ""

    def groupId(self):
        return ""

    def shortHelpString(self):
        return self.HELP + (
            "<p>Runs the <code>shanglou</code> program: the one set in Settings ▸ Options ▸ "
            "Processing ▸ Providers ▸ shanglou, else <code>shanglou</code> on PATH. Cancel "
            "sends it Ctrl-C (SIGINT).</p>")

    # -- parameters shared by evaluate, plan and compare --------------------
    def add_scenario(self):
        self.addParameter(QgsProcessingParameterFile(
            "SCENARIO", self.tr("Scenario file (YAML)"), QgsProcessingParameterFile.File,
            fileFilter=SCENARIO_FILTER))

    def add_output(self):
        self.addParameter(QgsProcessingParameterFolderDestination(
            "OUTPUT", self.tr("Output folder")))
        self.addParameter(QgsProcessingParameterBoolean(
            "LOAD", self.tr("Open the styled layers in the project when done"), True))
        self.addOutput(QgsProcessingOutputFile("GPKG", self.tr("shanglou.gpkg")))

    def add_solver(self):
        self.addParameter(QgsProcessingParameterNumber(
            "TIME_LIMIT", self.tr("Time limit, s (empty: the scenario's plan.time_limit_s)"),
            QgsProcessingParameterNumber.Double, None, True, 0.1))
        self.addParameter(QgsProcessingParameterNumber(
            "GAP", self.tr("Stop at relative gap, e.g. 0.01 for 1 % (empty: the scenario's "
                           "plan.gap)"),
            QgsProcessingParameterNumber.Double, None, True, 0.0, 1.0))

    LANGUAGES = (None, "en", "zh")

    def add_language(self):
        self.addParameter(QgsProcessingParameterEnum(
            "LANGUAGE", self.tr("Language of statuses, reasons, headers and report (语言)"),
            [self.tr("as the scenario says (report.lang)"), "English", "中文"], False, 0))

    def language_args(self, parameters, context):
        """--lang for the chosen language; nothing for the scenario's own."""
        if "LANGUAGE" not in [p.name() for p in self.parameterDefinitions()]:
            return []
        lang = self.LANGUAGES[self.parameterAsEnum(parameters, "LANGUAGE", context)]
        return ["--lang", lang] if lang else []

    def optional_number(self, parameters, name, context):
        v = parameters.get(name)
        if v is None or v == "" or (hasattr(v, "isNull") and v.isNull()):
            return None
        return self.parameterAsDouble(parameters, name, context)

    def solver_args(self, parameters, context):
        args = []
        limit = self.optional_number(parameters, "TIME_LIMIT", context)
        gap = self.optional_number(parameters, "GAP", context)
        if limit is not None:
            args += ["--time-limit", f"{limit:g}"]
        if gap is not None:
            args += ["--gap", f"{gap:g}"]
        return args, limit

    # -- running -------------------------------------------------------------
    def prepareAlgorithm(self, parameters, context, feedback):
        """In QGIS's main thread, before the run: the output folder (a new
        temporary one when none was given) and, when earlier results in
        that folder are open in the project, take them out: QGIS keeps the
        file open and would go on showing the old run."""
        if "OUTPUT" in [p.name() for p in self.parameterDefinitions()]:
            self.out_dir = self.parameterAsFileOutput(parameters, "OUTPUT", context)
            if not self.out_dir:
                raise QgsProcessingException(self.tr("No output folder given"))
            self.load = self.parameterAsBool(parameters, "LOAD", context)
            if self.load and context.project() is not None:
                self.loader = MainThreadLoader(context.project())
            for name in ("shanglou.gpkg", "comparison.csv"):
                gone = remove_layers_of(context.project(), os.path.join(self.out_dir, name))
                if gone:
                    feedback.pushInfo(self.tr("Closed the layers of the earlier run in {}: {}")
                                      .format(self.out_dir, ", ".join(gone)))
        return True

    def run_program(self, args, feedback, limit_s=None, runs=1):
        """Run `shanglou COMMAND args...`; returns the runner.Result of a
        run that ended with exit status 0, raises QgsProcessingException
        with the program's messages otherwise."""
        try:
            program = runner.find_program(configured_program())
        except runner.NotFound as e:
            raise QgsProcessingException(str(e))
        argv = [program, self.COMMAND] + args
        feedback.pushCommandInfo(" ".join(argv))
        rep = Reporter(feedback, self.STAGES, limit_s, self.CLOCK_STAGE, runs)

        def on_message(line):
            if line.startswith("warning: "):
                feedback.pushWarning(line)

        def on_cancel():
            feedback.pushInfo(self.tr(
                "Cancel: asked shanglou to stop (SIGINT). A plan being solved stops with the "
                "best plan found so far and is written as usual; anything else stops at once "
                "and leaves the output folder as it was."))

        try:
            res = runner.run(argv, feedback.pushInfo, rep.progress, on_message,
                             feedback.isCanceled, rep.tick, on_cancel)
        except OSError as e:
            raise QgsProcessingException(f"cannot run {program}: {e.strerror}")
        said = "\n".join(m for m in res.messages if not m.startswith("warning: "))
        if res.returncode == 0:
            for m in res.messages:
                if not m.startswith("warning: "):
                    feedback.pushInfo(m)
            feedback.setProgress(100)
            return res
        self.drop_loader()
        what = f"shanglou {self.COMMAND}"
        if res.returncode == 2:
            head = self.tr("{}: the scenario has errors (exit status 2); correct them and run "
                           "again:").format(what)
        elif res.returncode == 1:
            head = self.tr("{} failed (exit status 1):").format(what)
        elif res.returncode < 0 and res.interrupted:
            head = self.tr("{} was cancelled before it had anything to write; the output "
                           "folder keeps its previous contents").format(what)
        elif res.returncode < 0:
            head = self.tr("{} was ended by signal {}").format(what, -res.returncode)
        else:
            head = self.tr("{} ended with exit status {}:").format(what, res.returncode)
        raise QgsProcessingException(head + ("\n" + said if said else ""))

    def drop_loader(self):
        if self.loader is not None and self.loader in MainThreadLoader.alive:
            MainThreadLoader.alive.remove(self.loader)
        self.loader = None

    def summary(self):
        path = os.path.join(self.out_dir, "summary.json")
        with open(path, encoding="utf-8") as f:
            return json.load(f)

    def queue_layers(self, context, feedback, group_name, extra=()):
        """After a run that wrote shanglou.gpkg: the layers to open.
        Normally postProcessAlgorithm opens them (it runs in the main
        thread, after processing.run too).  After Cancel the dialog skips
        postProcessAlgorithm and Processing's own loading, so a cancelled
        plan that still wrote its best plan asks the loader made in
        prepareAlgorithm."""
        gpkg = os.path.join(self.out_dir, "shanglou.gpkg")
        self.group_name = group_name
        self.to_open = [(f"{gpkg}|layername={n}", n) for n in self.LAYERS] + list(extra)
        if not self.load or self.loader is None:
            self.to_open = []
        elif feedback.isCanceled():
            loader, self.loader = self.loader, None  # it lets itself go when done
            loader.request.emit([list(u) for u in self.to_open], group_name)
            feedback.pushInfo(self.tr("Opening the layers of the best plan in the project, "
                                      "group “{}”").format(group_name))
            self.to_open = []

    def postProcessAlgorithm(self, context, feedback):
        """In QGIS's main thread after a run that was not cancelled: the
        layers into the project, styled and grouped."""
        project = context.project()
        self.drop_loader()
        if self.to_open and project is not None:
            layers = open_layers(project, self.to_open, self.group_name)
            feedback.pushInfo(self.tr("Opened in the project, group “{}”: {}").format(
                self.group_name, ", ".join(f"{lyr.name()} ({lyr.featureCount()} features)"
                                           for lyr in layers)))
        return {}


class CheckAlgorithm(ShanglouAlgorithm):
    COMMAND = "check"
    DISPLAY = "Check a scenario (检查情景)"
    HELP = ("<p>Checks a scenario file: every key, type, range and cross-reference (errors "
            "name the file, line and column), then opens its parcel source and checks the CRS "
            "and the field mapping. Writes nothing.</p>")
    STAGES = ()

    def initAlgorithm(self, config=None):
        self.add_scenario()
        self.addOutput(QgsProcessingOutputString("MESSAGE", self.tr("What the check says")))

    def processAlgorithm(self, parameters, context, feedback):
        scenario = self.parameterAsFile(parameters, "SCENARIO", context)
        res = self.run_program([scenario], feedback)
        return {"MESSAGE": "\n".join(res.out)}


class EvaluateAlgorithm(ShanglouAlgorithm):
    COMMAND = "evaluate"
    DISPLAY = "Evaluate parcels (评估地块)"
    HELP = ("<p>Candidacy and envelopes for every parcel: which parcels are 工改工 candidates "
            "and how much floor space each could hold under the old and the new rules. Writes "
            "into the output folder parcels.geojson, shanglou.gpkg, parcels.csv, shanglou.xlsx "
            "(the Excel workbook), report.html and summary.json, and opens the styled parcels "
            "layer.</p>")
    LAYERS = ("parcels",)
    STAGES = ((runner.re.compile("^reading parcels$"), 0.0, 0.45),
              (runner.re.compile("^evaluating parcels$"), 0.45, 0.75),
              (runner.re.compile("^writing parcels$"), 0.75, 1.0))

    def initAlgorithm(self, config=None):
        self.add_scenario()
        self.add_language()
        self.add_output()
        self.addOutput(QgsProcessingOutputVectorLayer("PARCELS", self.tr("Parcels"),
                                                      QgsProcessing.TypeVectorPolygon))
        self.addOutput(QgsProcessingOutputHtml("REPORT", self.tr("Report (report.html)")))
        self.addOutput(QgsProcessingOutputNumber("PARCEL_COUNT", self.tr("Parcels")))
        self.addOutput(QgsProcessingOutputNumber("CANDIDATES", self.tr("Candidates")))

    def processAlgorithm(self, parameters, context, feedback):
        scenario = self.parameterAsFile(parameters, "SCENARIO", context)
        self.run_program([scenario, "-o", self.out_dir] + self.language_args(parameters, context),
                         feedback)
        s = self.summary()
        self.queue_layers(context, feedback, f"shanglou evaluate: {s.get('scenario', '')}")
        gpkg = os.path.join(self.out_dir, "shanglou.gpkg")
        return {"OUTPUT": self.out_dir, "GPKG": gpkg, "PARCELS": f"{gpkg}|layername=parcels",
                "REPORT": os.path.join(self.out_dir, "report.html"),
                "PARCEL_COUNT": s["parcels"]["total"],
                "CANDIDATES": s["parcels"].get("candidate", 0)}


class PlanAlgorithm(ShanglouAlgorithm):
    COMMAND = "plan"
    DISPLAY = "Plan the zone (上楼规划)"
    HELP = ("<p>Chooses which candidate parcels to redevelop and which industry goes on each "
            "storey (GLPK), within the time limit. Writes into the output folder "
            "parcels.geojson, floors.geojson, shanglou.gpkg, parcels.csv, shanglou.xlsx (the "
            "Excel workbook), report.html, stacks/ and summary.json, and opens the styled parcels, buildings and floors "
            "layers (floors set up for the 3-D map view).</p><p>Cancel stops the solve: the "
            "best plan found so far is written and opened as usual (stop_reason "
            "interrupted).</p>")
    LAYERS = ("floors", "buildings", "parcels")
    SOLVING = (runner.re.compile("^(solving|finding neighbours|phasing)$"), 0.08, 0.92)
    STAGES = ((runner.re.compile("^reading parcels$"), 0.0, 0.08), SOLVING,
              (runner.re.compile("^writing parcels$"), 0.92, 1.0))
    CLOCK_STAGE = SOLVING

    def initAlgorithm(self, config=None):
        self.add_scenario()
        self.add_solver()
        self.add_language()
        self.add_output()
        for name, title in (("PARCELS", "Parcels"), ("BUILDINGS", "Buildings"),
                            ("FLOORS", "Floors")):
            self.addOutput(QgsProcessingOutputVectorLayer(name, self.tr(title),
                                                          QgsProcessing.TypeVectorPolygon))
        self.addOutput(QgsProcessingOutputHtml("REPORT", self.tr("Report (report.html)")))
        self.addOutput(QgsProcessingOutputNumber("PARCEL_COUNT", self.tr("Parcels")))
        self.addOutput(QgsProcessingOutputNumber("REDEVELOPED", self.tr("Parcels redeveloped")))
        self.addOutput(QgsProcessingOutputString("STATUS", self.tr("Plan status")))
        self.addOutput(QgsProcessingOutputString("STOP_REASON", self.tr("Why the solve stopped")))
        self.addOutput(QgsProcessingOutputNumber("OBJECTIVE", self.tr("Objective, m2eq")))
        self.addOutput(QgsProcessingOutputNumber("GAP", self.tr("Relative gap")))

    def processAlgorithm(self, parameters, context, feedback):
        scenario = self.parameterAsFile(parameters, "SCENARIO", context)
        args, limit = self.solver_args(parameters, context)
        args += self.language_args(parameters, context)
        res = self.run_program([scenario, "-o", self.out_dir] + args, feedback, limit)
        s = self.summary()
        if res.interrupted and s.get("stop_reason") == "interrupted":
            feedback.pushWarning(self.tr("Cancelled: wrote the best plan found so far ({}, "
                                         "stop_reason interrupted)").format(s.get("status")))
        self.queue_layers(context, feedback, f"shanglou plan: {s.get('scenario', '')}")
        gpkg = os.path.join(self.out_dir, "shanglou.gpkg")
        gap = s.get("gap")
        return {"OUTPUT": self.out_dir, "GPKG": gpkg,
                "PARCELS": f"{gpkg}|layername=parcels",
                "BUILDINGS": f"{gpkg}|layername=buildings",
                "FLOORS": f"{gpkg}|layername=floors",
                "REPORT": os.path.join(self.out_dir, "report.html"),
                "PARCEL_COUNT": s["parcels"]["total"],
                "REDEVELOPED": s["parcels"].get("redeveloped", 0),
                "STATUS": s.get("status"), "STOP_REASON": s.get("stop_reason"),
                "OBJECTIVE": s.get("objective"), "GAP": gap if gap is not None else float("nan")}


class CompareAlgorithm(ShanglouAlgorithm):
    COMMAND = "compare"
    DISPLAY = "Compare scenarios (方案比较)"
    HELP = ("<p>Plans every scenario on its own parcels and puts them side by side: "
            "candidates, redeveloped parcels, floor-space gain, clustering, GFA per industry, "
            "objective and gap. Writes comparison.csv and comparison.html into the output "
            "folder and opens comparison.csv as a table.</p><p>Cancel stops the scenario being "
            "solved with its best plan and runs no further scenario; the comparison so far is "
            "written.</p>")
    COMPARING = (runner.COMPARE_TASK, 0.0, 1.0)
    STAGES = (COMPARING,)
    CLOCK_STAGE = COMPARING

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterMultipleLayers(
            "SCENARIOS", self.tr("Scenario files (YAML), in the order of the table"),
            QgsProcessing.TypeFile))
        self.add_solver()
        self.add_language()
        self.addParameter(QgsProcessingParameterFolderDestination(
            "OUTPUT", self.tr("Output folder")))
        self.addParameter(QgsProcessingParameterBoolean(
            "LOAD", self.tr("Open comparison.csv in the project when done"), True))
        self.addOutput(QgsProcessingOutputHtml("COMPARISON", self.tr("Comparison "
                                                                     "(comparison.html)")))
        self.addOutput(QgsProcessingOutputFile("CSV", self.tr("comparison.csv")))

    def processAlgorithm(self, parameters, context, feedback):
        scenarios = self.parameterAsFileList(parameters, "SCENARIOS", context)
        if not scenarios:
            raise QgsProcessingException(self.tr("Give at least one scenario file"))
        args, limit = self.solver_args(parameters, context)
        args += self.language_args(parameters, context)
        self.run_program(scenarios + ["-o", self.out_dir] + args, feedback, limit,
                         len(scenarios))
        csv = os.path.join(self.out_dir, "comparison.csv")
        self.queue_layers(context, feedback, "shanglou compare", [(csv, "comparison")])
        return {"OUTPUT": self.out_dir, "CSV": csv,
                "COMPARISON": os.path.join(self.out_dir, "comparison.html")}


ALGORITHMS = (CheckAlgorithm, EvaluateAlgorithm, PlanAlgorithm, CompareAlgorithm)
