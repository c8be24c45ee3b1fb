#!/usr/bin/python3
"""The QGIS Processing plugin, headless, end to end (ctest: qgis_processing).

usage: test_processing.py SHANGLOU_CLI SOURCE_TREE

Builds shanglou_processing.zip with scripts/qgis-plugin-zip, unpacks it
into a scratch QGIS profile as QGIS's "Install from ZIP" does, loads it as
QGIS does (qgis.utils: metadata, classFactory, initProcessing) and runs
with processing.run and as the Toolbox dialog does (a background task), on
the bundled scenario (scenarios/gonggai.yaml):

  check     via `shanglou` on PATH: the CLI's "ok" line as MESSAGE;
  evaluate  via the program set in Processing's options: outputs exist,
            the parcels layer is in the project in its group, styled from
            the GeoPackage, as many features as the source has parcels;
  plan      10 s: the same for parcels, buildings and floors, the bar
            moved during the solve, the solve's progress line in the log;
  evaluate  again into the plan's folder: the plan's layers leave the
            project, the new parcels have evaluate's statuses;
  plan      cancelled after 5 s: SIGINT, the best plan written
            (stop_reason interrupted) and opened;
  compare   two scenarios: comparison.csv/html, the table opened;
  errors    a scenario with typos (exit 2) and a missing parcel source
            (exit 1) raise QgsProcessingException carrying the CLI's
            messages; a wrong program path says where to set it.

Prints one line per check and "N passed, N failed"; exit 1 on failure,
77 (skipped) when python3-qgis is not installed.
"""
import os
import shutil
import sys
import tempfile
import threading
import time
import zipfile

if len(sys.argv) != 3:
    sys.exit(__doc__)
CLI = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
SCENARIO = os.path.join(SRC, "scenarios", "gonggai.yaml")
SCRATCH = tempfile.mkdtemp(prefix="sl-qgis-")
# QGIS's settings, caches and runtime files in the scratch directory, not
# in the home directory of whoever runs the tests.
os.environ["HOME"] = SCRATCH
os.environ["XDG_CONFIG_HOME"] = os.path.join(SCRATCH, "config")
os.environ["XDG_DATA_HOME"] = os.path.join(SCRATCH, "data")
os.environ["XDG_RUNTIME_DIR"] = os.path.join(SCRATCH, "run")
os.makedirs(os.environ["XDG_RUNTIME_DIR"], mode=0o700)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

try:
    from qgis.core import QgsApplication, QgsProcessingException, QgsProcessingFeedback, \
        QgsProject
except ImportError as e:
    print(f"skipped: python3-qgis is not installed ({e})")
    shutil.rmtree(SCRATCH, ignore_errors=True)
    sys.exit(77)
from osgeo import ogr

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print("ok    " + what, flush=True)
    else:
        failed += 1
        print("FAIL  " + what, flush=True)
    return ok


PROFILE = os.path.join(SCRATCH, "profiles", "default")
app = QgsApplication([], False, PROFILE)
app.initQgis()
try:
    from qgis._3d import Qgs3D
    Qgs3D.initialize()  # as in QGIS itself: the floors' 3-D renderer is kept
except ImportError:
    pass
sys.path.append("/usr/share/qgis/python/plugins")  # Processing's Python plugin
from processing.core.Processing import Processing  # noqa: E402
from processing.core.ProcessingConfig import ProcessingConfig  # noqa: E402
import processing  # noqa: E402

Processing.initialize()

# -- the zip, installed as QGIS's plugin manager would ----------------------
zdir = os.path.join(SCRATCH, "zip")
r = os.system(f"{sys.executable} {SRC}/scripts/qgis-plugin-zip {zdir} > /dev/null")
zpath = os.path.join(zdir, "shanglou_processing.zip")
check(r == 0 and os.path.exists(zpath), "scripts/qgis-plugin-zip wrote shanglou_processing.zip")
plugins = os.path.join(PROFILE, "python", "plugins")
with zipfile.ZipFile(zpath) as z:
    names = z.namelist()
    check(all(n.startswith("shanglou_processing/") for n in names)
          and {"shanglou_processing/metadata.txt", "shanglou_processing/__init__.py"} <= set(names),
          f"zip: one top folder shanglou_processing/ with metadata.txt and __init__.py ({names})")
    meta = z.read("shanglou_processing/metadata.txt").decode("utf-8")
    with open(os.path.join(SRC, "CMakeLists.txt"), encoding="utf-8") as f:
        import re
        version = re.search(r"project\(shanglou VERSION ([0-9.]+)", f.read()).group(1)
    check(f"\nversion={version}\n" in meta and "hasProcessingProvider=yes" in meta,
          f"zip: metadata.txt has version={version} and hasProcessingProvider=yes")
    z.extractall(plugins)
# Loaded the way QGIS and qgis_process load a plugin with
# hasProcessingProvider=yes: found in the profile's plugin folder, its
# metadata read, classFactory called (no iface: headless), initProcessing.
import qgis.utils  # noqa: E402

qgis.utils.plugin_paths.insert(0, plugins)
sys.path.insert(0, plugins)
qgis.utils.updateAvailablePlugins()
check("shanglou_processing" in qgis.utils.available_plugins
      and qgis.utils.pluginMetadata("shanglou_processing", "name") == "shanglou Processing",
      "QGIS finds the unpacked plugin and reads its metadata")
check(qgis.utils.loadPlugin("shanglou_processing")
      and qgis.utils.startProcessingPlugin("shanglou_processing"),
      "QGIS loads it and starts its Processing part")
plugin = qgis.utils.plugins.get("shanglou_processing")
mod = sys.modules.get("shanglou_processing")
check(plugin is not None and mod is not None and
      os.path.dirname(mod.__file__) == os.path.join(plugins, "shanglou_processing"),
      "the plugin runs from the unpacked zip")
reg = QgsApplication.processingRegistry()
prov = reg.providerById("shanglou")
algs = sorted(a.id() for a in prov.algorithms()) if prov else []
check(algs == ["shanglou:check", "shanglou:compare", "shanglou:evaluate", "shanglou:plan"],
      f"provider 'shanglou' offers check, compare, evaluate, plan ({algs})")


class Feedback(QgsProcessingFeedback):
    """Keeps what the algorithm says, with the time of each progress value."""

    def __init__(self):
        super().__init__()
        self.log, self.texts, self.progress = [], [], []
        self.progressChanged.connect(lambda p: self.progress.append((time.monotonic(), p)))

    def pushInfo(self, t):
        self.log.append(("info", t))

    def pushCommandInfo(self, t):
        self.log.append(("command", t))

    def pushConsoleInfo(self, t):
        self.log.append(("console", t))

    def pushWarning(self, t):
        self.log.append(("warning", t))

    def reportError(self, t, fatalError=False):
        self.log.append(("error", t))

    def setProgressText(self, t):
        self.texts.append(t)

    def said(self, kind, part):
        return any(k == kind and part in t for k, t in self.log)


def source_parcels():
    """The parcel count of the scenario's source, read with OGR here."""
    ds = ogr.Open(os.path.join(SRC, "geodata", "shahe", "parcels.shp"))
    return ds.GetLayer(0).GetFeatureCount()


N = source_parcels()


def group_layers(name):
    g = QgsProject.instance().layerTreeRoot().findGroup(name)
    return {n.layer().name(): n.layer() for n in g.findLayers()} if g else {}


def check_styled(tag, lyr, attr):
    r = lyr.renderer()
    check(r is not None and r.type() == "categorizedSymbol" and r.classAttribute() == attr,
          f"{tag}: styled from the GeoPackage, categorized by {attr} "
          f"({r.type() if r else None})")


def run(alg, params, fb=None, load_results=False):
    fb = fb or Feedback()
    t0 = time.monotonic()
    try:
        fn = processing.runAndLoadResults if load_results else processing.run
        return fn(alg, params, feedback=fb), fb, None, time.monotonic() - t0
    except QgsProcessingException as e:
        return None, fb, str(e), time.monotonic() - t0


def run_tests():
    # -- check, with shanglou found on PATH ----------------------------------
    bindir = os.path.join(SCRATCH, "bin")
    os.makedirs(bindir)
    os.symlink(CLI, os.path.join(bindir, "shanglou"))
    os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")
    res, fb, err, _ = run("shanglou:check", {"SCENARIO": SCENARIO})
    check(err is None and res and "ok: scenario 'shahe-gonggai'" in res["MESSAGE"]
          and f"{N} features" in res["MESSAGE"],
          f"check via PATH: {res and res['MESSAGE'][:100]!r} {err}")
    check(fb.said("command", os.path.join(bindir, "shanglou") + " check"),
          "check: the command line is in the log")

    # -- evaluate, with the program set in the options, not on PATH ---------
    os.environ["PATH"] = os.environ["PATH"].split(os.pathsep, 1)[1]
    ProcessingConfig.setSettingValue("SHANGLOU_PROGRAM", CLI)
    ev = os.path.join(SCRATCH, "evaluate")
    res, fb, err, _ = run("shanglou:evaluate", {"SCENARIO": SCENARIO, "OUTPUT": ev})
    check(err is None, f"evaluate via the option runs ({err})")
    for f in ("shanglou.gpkg", "parcels.geojson", "parcels.csv", "report.html", "summary.json"):
        check(os.path.isfile(os.path.join(ev, f)), f"evaluate: wrote {f}")
    check(res and res["PARCEL_COUNT"] == N and res["OUTPUT"] == ev
          and res["PARCELS"] == f"{ev}/shanglou.gpkg|layername=parcels",
          f"evaluate: results name the folder, the layer and {N} parcels")
    lays = group_layers("shanglou evaluate: shahe-gonggai")
    check(list(lays) == ["parcels"], f"evaluate: group 'shanglou evaluate: shahe-gonggai' "
          f"in the project holds parcels ({list(lays)})")
    if "parcels" in lays:
        p = lays["parcels"]
        check(p.isValid() and p.featureCount() == N,
              f"evaluate: parcels layer has {p.featureCount()} features, the source {N}")
        check_styled("evaluate parcels", p, "status")
        st = {f["status"] for f in p.getFeatures()}
        check("candidate" in st, f"evaluate: statuses {sorted(st)}")
    check(fb.said("info", f"evaluate: {N} parcels") and fb.progress and fb.progress[-1][1] == 100,
          "evaluate: the CLI's summary line in the log, progress ends at 100")

    # -- in Chinese: --lang zh, the status values and the style's categories --
    evz = os.path.join(SCRATCH, "evaluate-zh")
    res, fb, err, _ = run("shanglou:evaluate", {"SCENARIO": SCENARIO, "OUTPUT": evz,
                                                "LANGUAGE": 2})
    check(err is None and fb.said("command", "--lang zh"), f"evaluate in Chinese runs with "
          f"--lang zh ({err})")
    lays = group_layers("shanglou evaluate: shahe-gonggai")
    if "parcels" in lays:
        p = lays["parcels"]
        st = {f["status"] for f in p.getFeatures()}
        check("候选" in st and "candidate" not in st, f"evaluate zh: statuses {sorted(st)}")
        check_styled("evaluate parcels zh", p, "status")
        cats = {c.value() for c in p.renderer().categories()} if hasattr(p.renderer(),
                                                                          "categories") else set()
        check(st <= cats | {None}, f"evaluate zh: every status has a style category "
              f"({sorted(st - cats)} without)")

    # -- a temporary output folder, layers not opened ------------------------
    from qgis.core import QgsProcessing
    before = len(QgsProject.instance().mapLayers())
    res, fb, err, _ = run("shanglou:evaluate", {"SCENARIO": SCENARIO, "LOAD": False,
                                                "OUTPUT": QgsProcessing.TEMPORARY_OUTPUT})
    check(err is None and res and res["OUTPUT"] != QgsProcessing.TEMPORARY_OUTPUT
          and os.path.isfile(os.path.join(res["OUTPUT"], "shanglou.gpkg")),
          f"evaluate into a temporary folder: {res and res['OUTPUT']} ({err})")
    check(len(QgsProject.instance().mapLayers()) == before,
          "evaluate with LOAD off opens no layer")

    # -- plan: 10 s, the bar moves with the solve ---------------------------
    pl = os.path.join(SCRATCH, "plan")
    res, fb, err, secs = run("shanglou:plan", {"SCENARIO": SCENARIO, "OUTPUT": pl,
                                               "TIME_LIMIT": 10})
    check(err is None, f"plan runs ({err})")
    for f in ("shanglou.gpkg", "parcels.geojson", "floors.geojson", "report.html",
              "summary.json", "stacks"):
        check(os.path.exists(os.path.join(pl, f)), f"plan: wrote {f}")
    check(fb.said("command", "--time-limit 10"), "plan: the time limit is passed as --time-limit")
    if res:
        check(res["STATUS"] in ("feasible", "optimal") and res["PARCEL_COUNT"] == N
              and res["REDEVELOPED"] > 0, f"plan: {res['STATUS']}, {res['REDEVELOPED']} "
              f"redeveloped, gap {res['GAP']}")
    lays = group_layers("shanglou plan: shahe-gonggai")
    check(list(lays) == ["floors", "buildings", "parcels"],
          f"plan: group holds floors, buildings, parcels, top first ({list(lays)})")
    if len(lays) == 3:
        check(lays["parcels"].featureCount() == N, f"plan: parcels layer has "
              f"{lays['parcels'].featureCount()} features, the source {N}")
        check_styled("plan parcels", lays["parcels"], "status")
        check_styled("plan floors", lays["floors"], "industry")
        check_styled("plan buildings", lays["buildings"], "chain")
        red = sum(1 for f in lays["parcels"].getFeatures() if f["status"] == "redeveloped")
        check(res and red == res["REDEVELOPED"], f"plan: {red} redeveloped parcels in the layer")
        blocks = {f["parcel_id"] for f in lays["buildings"].getFeatures()}
        check(len(blocks) == red and lays["floors"].featureCount() > red,
              f"plan: buildings on {len(blocks)} parcels, {lays['floors'].featureCount()} floors")
        r3 = lays["floors"].renderer3D()
        check(r3 is not None, "plan floors: the stored 3-D renderer is applied")
    # Progress: values strictly between 0 and 100 during the solve, more
    # than one, and the bar past half way a second before the end.
    mid = [p for t, p in fb.progress if 0 < p < 100]
    t_end = fb.progress[-1][0] if fb.progress else 0
    late = [p for t, p in fb.progress if t < t_end - 1]
    check(len(mid) >= 5 and max(late or [0]) >= 50 and fb.progress[-1][1] == 100,
          f"plan: the bar moved during the solve ({len(mid)} values, {max(late or [0]):.0f} % "
          f"a second before the end)")
    # The program prints a solving line every 5 s: one at about 5 s of 10.
    check(any(t.startswith("solving: ") and "of at most 10 s" in t for t in fb.texts)
          and fb.said("console", "solving: "),
          f"plan: the solve's progress lines as progress text and in the log "
          f"({[t for t in fb.texts if t.startswith('solving')]})")
    check(9 <= secs < 60, f"plan took {secs:.1f} s for a 10 s limit")

    # -- evaluate into the plan's folder: the old layers leave ---------------
    res, fb, err, _ = run("shanglou:evaluate", {"SCENARIO": SCENARIO, "OUTPUT": pl})
    check(err is None, f"evaluate into the plan's folder runs ({err})")
    check(not group_layers("shanglou plan: shahe-gonggai") and
          not any(l.source().startswith(pl + "/shanglou.gpkg|layername=floors")
                  for l in QgsProject.instance().mapLayers().values()),
          "the plan's layers were taken out of the project before the run")
    check(fb.said("info", "Closed the layers of the earlier run"),
          "the log says which layers were closed")
    fresh = [l for l in QgsProject.instance().mapLayers().values()
             if l.source() == pl + "/shanglou.gpkg|layername=parcels"]
    st = {f["status"] for f in fresh[0].getFeatures()} if len(fresh) == 1 else set()
    check(len(fresh) == 1 and "candidate" in st and "redeveloped" not in st
          and fresh[0].featureCount() == N,
          f"the new parcels layer shows the new run ({sorted(st)})")

    # -- plan cancelled: SIGINT, the best plan written and opened -----------
    cx = os.path.join(SCRATCH, "cancelled")
    fb = Feedback()
    timer = threading.Timer(5.0, fb.cancel)
    timer.start()
    res, fb, err, secs = run("shanglou:plan", {"SCENARIO": SCENARIO, "OUTPUT": cx,
                                               "TIME_LIMIT": 300}, fb)
    timer.cancel()
    check(err is None and secs < 60, f"cancelled plan ends in {secs:.1f} s of a 300 s limit "
          f"({err})")
    check(res and res["STOP_REASON"] == "interrupted",
          f"cancelled plan: stop_reason {res and res['STOP_REASON']}")
    check(fb.said("warning", "Cancelled: wrote the best plan found so far"),
          "cancelled plan: the log says the best plan was written")
    lays = [l for l in QgsProject.instance().mapLayers().values()
            if l.source().startswith(cx + "/shanglou.gpkg")]
    check(len(lays) == 3 and all(l.featureCount() > 0 for l in lays),
          f"cancelled plan: its layers opened ({[l.name() for l in lays]})")
    for l in lays:
        if l.name() == "parcels":
            check(l.featureCount() == N, "cancelled plan: every parcel")
            check_styled("cancelled plan parcels", l, "status")

    # -- as the Toolbox dialog runs it: a background task --------------------
    # prepareAlgorithm and postProcessAlgorithm in this (the main) thread,
    # processAlgorithm in the task manager's worker thread; after Cancel
    # the task reports failure and skips postProcessAlgorithm.
    from qgis.core import QgsProcessingAlgRunnerTask, QgsProcessingContext

    def run_task(alg_id, params, cancel_after_s=None):
        fb = Feedback()
        ctx = QgsProcessingContext()
        ctx.setProject(QgsProject.instance())
        ctx.setFeedback(fb)
        alg = reg.algorithmById(alg_id)
        task = QgsProcessingAlgRunnerTask(alg, params, ctx, fb)
        done = []
        task.executed.connect(lambda ok, results: done.append((ok, results)))
        main = threading.get_ident()
        QgsApplication.taskManager().addTask(task)
        t0 = time.monotonic()
        while not done and time.monotonic() - t0 < 120:
            app.processEvents()
            if cancel_after_s is not None and time.monotonic() - t0 > cancel_after_s:
                fb.cancel()
                cancel_after_s = None
            time.sleep(0.02)
        for _ in range(20):  # what the event loop still has queued
            app.processEvents()
            time.sleep(0.01)
        return (done[0] if done else (None, None)), fb, main

    tk = os.path.join(SCRATCH, "task-evaluate")
    (ok, results), fb, _ = run_task("shanglou:evaluate", {"SCENARIO": SCENARIO, "OUTPUT": tk})
    lays = [l for l in QgsProject.instance().mapLayers().values()
            if l.source() == tk + "/shanglou.gpkg|layername=parcels"]
    check(ok is True and len(lays) == 1 and lays[0].featureCount() == N,
          f"background task: evaluate ran and opened its parcels ({ok}, {len(lays)} layers)")
    if lays:
        check_styled("background task parcels", lays[0], "status")
    tk = os.path.join(SCRATCH, "task-plan")
    (ok, results), fb, _ = run_task("shanglou:plan", {"SCENARIO": SCENARIO, "OUTPUT": tk,
                                                      "TIME_LIMIT": 300}, cancel_after_s=5)
    lays = [l for l in QgsProject.instance().mapLayers().values()
            if l.source().startswith(tk + "/shanglou.gpkg")]
    check(ok is False and fb.said("warning", "Cancelled: wrote the best plan found so far"),
          f"background task: Cancel stops the plan with its best plan ({ok})")
    check(len(lays) == 3 and group_layers("shanglou plan: shahe-gonggai")
          and all(l.featureCount() > 0 for l in lays),
          f"background task: the cancelled plan's layers opened all the same "
          f"({[l.name() for l in lays]})")

    # -- compare two scenarios ----------------------------------------------
    cmp = os.path.join(SCRATCH, "compare")
    res, fb, err, _ = run("shanglou:compare", {
        "SCENARIOS": [SCENARIO, os.path.join(SRC, "scenarios", "cap40.yaml")],
        "OUTPUT": cmp, "TIME_LIMIT": 3})
    check(err is None and os.path.isfile(os.path.join(cmp, "comparison.csv"))
          and os.path.isfile(os.path.join(cmp, "comparison.html")),
          f"compare writes comparison.csv and comparison.html ({err})")
    check(fb.said("command", "compare " + SCENARIO), "compare: scenarios passed in order")
    tab = group_layers("shanglou compare").get("comparison")
    names = sorted(f["scenario"] for f in tab.getFeatures()) if tab else []
    check(names == ["shahe-gonggai", "shahe-gonggai-cap40"],
          f"compare: the table opened, one row per scenario ({names})")

    # -- errors --------------------------------------------------------------
    with open(SCENARIO, encoding="utf-8") as f:
        text = f.read()
    typo = os.path.join(SCRATCH, "typo.yaml")
    with open(typo, "w", encoding="utf-8") as f:
        f.write(text.replace("../geodata/", os.path.join(SRC, "geodata") + "/")
                .replace("floor_load_max_kN_m2", "floor_lode_max_kN_m2"))
    res, fb, err, _ = run("shanglou:evaluate", {"SCENARIO": typo,
                                                "OUTPUT": os.path.join(SCRATCH, "bad")})
    check(res is None and err is not None and "exit status 2" in err
          and f"{typo}:" in err and "floor_lode_max_kN_m2" in err
          and "did you mean 'floor_load_max_kN_m2'" in err,
          f"scenario error: a Processing error with the CLI's FILE:LINE:COL message ({err!r})")
    check(not os.path.exists(os.path.join(SCRATCH, "bad", "shanglou.gpkg")),
          "scenario error: nothing written")
    nosrc = os.path.join(SCRATCH, "nosrc.yaml")
    with open(nosrc, "w", encoding="utf-8") as f:
        f.write(text.replace("../geodata/shahe/parcels.shp", os.path.join(SCRATCH, "none.shp")))
    res, fb, err, _ = run("shanglou:plan", {"SCENARIO": nosrc, "TIME_LIMIT": 5,
                                            "OUTPUT": os.path.join(SCRATCH, "bad")})
    check(res is None and err is not None and "exit status 1" in err
          and "cannot open parcel source" in err and "none.shp" in err,
          f"data error: a Processing error with the CLI's message ({err!r})")
    res, fb, err, _ = run("shanglou:check", {"SCENARIO": typo})
    check(res is None and err and "exit status 2" in err and "floor_lode" in err,
          "check: the scenario's errors as a Processing error")
    wrong = os.path.join(SCRATCH, "not-a-program.txt")  # the option checks that it exists
    with open(wrong, "w") as f:
        f.write("not a program\n")
    ProcessingConfig.setSettingValue("SHANGLOU_PROGRAM", wrong)
    res, fb, err, _ = run("shanglou:check", {"SCENARIO": SCENARIO})
    check(res is None and err and "not-a-program.txt" in err
          and "Settings ▸ Options ▸ Processing ▸ Providers ▸ shanglou" in err,
          f"a wrong program path says where to set it ({err!r})")
    ProcessingConfig.setSettingValue("SHANGLOU_PROGRAM", "")


try:
    run_tests()
    QgsProject.instance().clear()
    check(qgis.utils.unloadPlugin("shanglou_processing")
          and QgsApplication.processingRegistry().providerById("shanglou") is None,
          "unloading the plugin removes the provider")
finally:
    print(f"{passed} passed, {failed} failed", flush=True)
    app.exitQgis()
    shutil.rmtree(SCRATCH, ignore_errors=True)
sys.exit(1 if failed else 0)
