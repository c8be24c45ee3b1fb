"""Running the shanglou program for the Processing algorithms.

Nothing here imports QGIS: the algorithms hand in callbacks, so the same
code runs in QGIS's worker thread, in qgis_process and in the tests.

What the program prints (docs/qgis.md, cli/progress.c): results on stdout;
on stderr error messages (one per line, naming file, line, field or
parcel), warnings ("warning: ...") and, because stderr is a pipe here and
not a terminal, progress as plain lines "TASK: STATE", for example

    reading parcels: 120 of 188 (64 %), 0.4 s, about 0.2 s left
    solving: best 1100697, bound 1168440, gap 6.15 %, 5.0 s of at most 10 s
    plan 2/3 cap40.yaml: no plan yet, bound —, 2.0 s of at most 10 s
    writing parcels: 188 of 188, done in 0.3 s
    finding neighbours: 5.0 s

one at least every 5 s while a task runs (a ticker in the program keeps
the rhythm even during one long solver call), and one when a task that
printed before ends; a task shorter than 5 s prints nothing.  Between
lines the bar moves with the clock when the time limit is known.
"""

import os
import queue
import re
import shutil
import signal
import subprocess
import threading
import time

# The tasks the program reports progress for (cli/*.c: cli_progress_begin).
KNOWN_TASKS = re.compile(
    r"^(reading parcels|evaluating parcels|writing parcels|finding neighbours|solving|"
    r"phasing|plan \d+/\d+ .+)$")
LINE = re.compile(r"^([a-z][^:]{0,62}): (.+)$")
TIME = r"(\d+:\d\d|\d+(?:\.\d+)?(?: s)?)"
COUNT = re.compile(r"(\d+) of (\d+)(?: \((\d+) %\)|, done in )")
LIMIT = re.compile(TIME + r" of at most " + TIME)
SOLVER = re.compile(r"^(?:best -?\d+|no plan yet), bound ")
DONE = re.compile(r"(?:^|, )done in ")
ELAPSED_ONLY = re.compile(r"^(?:\d+, )?" + TIME + "$")  # "1234, 6.0 s" or "6.0 s"
PLAIN_TASK = re.compile(r"^[a-z][a-z -]*$")
COMPARE_TASK = re.compile(r"^plan (\d+)/(\d+) ")


def parse_seconds(text):
    """'0.4 s', '12 s' or '2:05' (cli/progress.c fmt_time) in seconds."""
    text = text.strip()
    if ":" in text:
        m, s = text.split(":", 1)
        return int(m) * 60 + int(s)
    return float(text.replace(" s", ""))


class Progress:
    """One progress line: its task and, when the line says, how far it is
    (0..1) and the time limit it runs against (seconds)."""

    def __init__(self, task, state, fraction=None, limit_s=None, final=False):
        self.task = task
        self.state = state
        self.fraction = fraction
        self.limit_s = limit_s
        self.final = final


def parse_progress(line):
    """A Progress when line is one of the program's progress lines, else
    None (an error message, a warning, anything else)."""
    m = LINE.match(line)
    if not m or line.startswith("warning: "):
        return None
    task, state = m.group(1), m.group(2)
    count = COUNT.search(state)
    limit = LIMIT.search(state)
    final = bool(DONE.search(state))
    looks = bool(count or limit or SOLVER.search(state) or final or ELAPSED_ONLY.match(state))
    # A known task, or a task named in plain words whose state reads like
    # progress (a task added to the program later); never a message that
    # starts with a file name ("scenario.yaml:3:5: ...").
    if not KNOWN_TASKS.match(task) and not (looks and PLAIN_TASK.match(task)):
        return None
    p = Progress(task, state, final=final)
    if count:
        done, total = float(count.group(1)), float(count.group(2))
        p.fraction = 1.0 if final else (done / total if total > 0 else None)
    if limit:
        elapsed, limit_s = parse_seconds(limit.group(1)), parse_seconds(limit.group(2))
        if limit_s > 0:
            p.limit_s = limit_s
            p.fraction = min(elapsed / limit_s, 1.0)
    if final:
        p.fraction = 1.0
    return p


class NotFound(Exception):
    pass


def find_program(configured=None):
    """The shanglou program: the configured path (Processing options or the
    algorithm's parameter) when given, else `shanglou` on PATH, else
    /usr/local/bin/shanglou or /usr/bin/shanglou.  Raises NotFound with
    what to do."""
    if configured:
        path = os.path.expanduser(configured)
        if os.path.isdir(path):
            path = os.path.join(path, "shanglou")
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
        raise NotFound(f"the shanglou program set in the options, '{configured}', is not an "
                       "executable file; correct it in Settings ▸ Options ▸ Processing ▸ "
                       "Providers ▸ shanglou, or clear it to use the shanglou on PATH")
    found = shutil.which("shanglou")
    if found:
        return found
    for path in ("/usr/local/bin/shanglou", "/usr/bin/shanglou"):
        if os.access(path, os.X_OK):
            return path
    raise NotFound("the shanglou program was not found on PATH; build it (cmake --build build) "
                   "and set its path, e.g. /home/me/shanglou/build/shanglou, in Settings ▸ "
                   "Options ▸ Processing ▸ Providers ▸ shanglou ▸ shanglou program")


class Result:
    """How a run ended: returncode (negative: killed by that signal), the
    stdout lines, the stderr lines that are not progress (errors, warnings,
    notes), and whether it was asked to stop."""

    def __init__(self, returncode, out, messages, interrupted):
        self.returncode = returncode
        self.out = out
        self.messages = messages
        self.interrupted = interrupted


def _reader(stream, name, q):
    for raw in iter(stream.readline, b""):
        q.put((name, raw.decode("utf-8", errors="replace").rstrip("\r\n")))
    q.put((name, None))


def run(argv, on_out, on_progress, on_message, canceled, on_tick=None, on_cancel=None,
        poll_s=0.1):
    """Run argv and report while it runs, all in the calling thread:
    on_out(line) for each stdout line, on_progress(Progress) for each
    progress line, on_message(line) for the other stderr lines,
    on_tick(elapsed_s) about every poll_s.  When canceled() turns true the
    program gets SIGINT once (plan and compare then write their best plan
    so far; the others stop at once) and on_cancel() is called.  Returns a
    Result."""
    env = dict(os.environ)
    # Progress as plain lines: stderr is a pipe, which the program sees.
    env.pop("TERM", None)
    popen_kw = {}
    if os.name == "posix":
        # Its own session: a Ctrl-C meant for QGIS's terminal is not also
        # a first Ctrl-C for the run.
        popen_kw["start_new_session"] = True
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, **popen_kw)
    q = queue.Queue()
    threads = [threading.Thread(target=_reader, args=(proc.stdout, "out", q), daemon=True),
               threading.Thread(target=_reader, args=(proc.stderr, "err", q), daemon=True)]
    for t in threads:
        t.start()
    out, messages = [], []
    open_streams = 2
    interrupted = False
    t0 = time.monotonic()
    while open_streams:
        try:
            name, line = q.get(timeout=poll_s)
        except queue.Empty:
            name = None
        if name is not None:
            if line is None:
                open_streams -= 1
            elif name == "out":
                out.append(line)
                on_out(line)
            else:
                p = parse_progress(line)
                if p is not None:
                    on_progress(p)
                elif line.strip():
                    messages.append(line)
                    on_message(line)
        if not interrupted and canceled():
            interrupted = True
            if os.name == "posix":
                proc.send_signal(signal.SIGINT)
            else:
                proc.terminate()
            if on_cancel:
                on_cancel()
        if on_tick:
            on_tick(time.monotonic() - t0)
    rc = proc.wait()
    for t in threads:
        t.join()
    proc.stdout.close()
    proc.stderr.close()
    return Result(rc, out, messages, interrupted)
