"""threadlab's probe: what the threads and processes of a program did, and when.

threadlab writes this file beside the program it runs and names a directory in
THREADLAB_PROBE_DIR. Without that variable every function here does nothing at
all, so a program that imports the probe still runs on its own.

Every process appends to a file of its own, <dir>/<pid>.rec, one record a line:

    kind thread t_ns cpu_ns arg arg2

t_ns is time.monotonic_ns() (CLOCK_MONOTONIC, the clock threadlab reads too)
minus THREADLAB_EPOCH_NS, so the records land on threadlab's time axis;
cpu_ns is the thread's own CPU time, time.thread_time_ns(). A thread keeps its
records in a buffer of its own and hands them to the OS in one write at most
every 15 ms or 256 records, and before it blocks. The file is a regular file
opened for appending, so a write never waits for threadlab to read it.

The probe also starts and ends the workers' lanes: it wraps Thread.run and
Process.run of the program's own targets, and asks every process it starts to
die with its parent (PR_SET_PDEATHSIG), so nothing outlives threadlab.
"""

import collections
import os
import sys
import threading
import time

_DIR = os.environ.get("THREADLAB_PROBE_DIR")
_EPOCH = int(os.environ.get("THREADLAB_EPOCH_NS", "0"))
# threadlab's pid: the program's main process is its child.
_THREADLAB = int(os.environ.get("THREADLAB_PROBE_PARENT", "0"))
ON = _DIR is not None
# Integers summed between two checkpoints.
BLOCK = int(os.environ.get("THREADLAB_PROBE_BLOCK", "4096"))
# Records a process may write before the rest are only counted.
LIMIT = 1_000_000
NO_TASK = 2**64 - 1

_now = time.monotonic_ns
_cpu = time.thread_time_ns
_FLUSH_NS = 15_000_000
_FLUSH_RECORDS = 256


class _Worker:
    """One lane: a thread of the program, its buffer and its task."""

    __slots__ = ("index", "buf", "flushed", "task", "thread")

    def __init__(self, index, thread):
        self.index = index
        self.buf = collections.deque()
        self.flushed = _now()
        self.task = NO_TASK
        self.thread = thread


class _Process:
    """This process: its number, its file, its lanes."""

    def __init__(self, index, requested=None):
        self.index = index
        self.requested = requested
        self.fd = None
        self.lock = threading.Lock()
        self.workers = []
        self.main_worker = None
        self.children = 0
        self.written = 0
        self.dropped = 0
        self.finished = False


_proc = _Process(0)
_local = threading.local()


def _raw(text):
    """Appends `text` to this process's file, opening it first if need be."""
    p = _proc
    with p.lock:
        if p.fd is None:
            p.fd = os.open(
                os.path.join(_DIR, "%d.rec" % os.getpid()),
                os.O_WRONLY | os.O_CREAT | os.O_APPEND,
                0o600,
            )
            gil = 1 if getattr(sys, "_is_gil_enabled", lambda: True)() else 0
            v = sys.version_info
            os.write(
                p.fd,
                b"H %d %d %d %d.%d.%d %d\n"
                % (p.index, os.getpid(), os.getppid(), v[0], v[1], v[2], gil),
            )
    os.write(p.fd, text.encode())


def _write(w):
    """Hands the worker's records to the OS; past LIMIT they are only counted."""
    p = _proc
    buf = w.buf
    n = len(buf)
    w.flushed = _now()
    if not n:
        return
    index = w.index
    lines = []
    for _ in range(n):
        kind, t, cpu, a, b = buf.popleft()
        lines.append("%s %d %d %d %d %d\n" % (kind, index, t - _EPOCH, cpu, a, b))
    if p.written + n > LIMIT:
        p.dropped += n
        return
    p.written += n
    _raw("".join(lines))


def _mark(kind, a=0):
    """A mark of the whole process (start, end), on no lane."""
    _raw("%s -1 %d 0 %d 0\n" % (kind, _now() - _EPOCH, a))


def _register(thread):
    """A new lane for `thread`, numbered in the order lanes appear."""
    p = _proc
    main = thread is threading.main_thread()
    requested = p.requested if main else getattr(thread, "_tl_requested", None)
    with p.lock:
        w = _Worker(len(p.workers), thread)
        p.workers.append(w)
        if main:
            p.main_worker = w
    _local.w = w
    now = _now()
    w.buf.append(("W", now, _cpu(), now - requested if requested else 0, 0))
    return w


def _me():
    try:
        return _local.w
    except AttributeError:
        return _register(threading.current_thread())


def _rec(kind, a=0, b=0):
    w = _me()
    now = _now()
    w.buf.append((kind, now, _cpu(), a, b))
    if len(w.buf) >= _FLUSH_RECORDS or now - w.flushed > _FLUSH_NS:
        _write(w)
    return w


def _rec_and_write(kind, a=0, b=0):
    """A record made just before the thread blocks: written at once."""
    _write(_rec(kind, a, b))


# What the programs call. Each is one dimmed line in threadlab's code panel.


def begin(main_is_worker=False):
    """The program starts its work now; its main thread is lane 0 if it works."""
    if not ON:
        return
    _proc.requested = None
    if main_is_worker:
        _me()
    _mark("S")


def blocks(start, stop):
    """range(start, stop) in blocks, with a CPU checkpoint after each one."""
    if not ON:
        yield start, stop
        return
    for lo in range(start, stop, BLOCK):
        hi = lo + BLOCK
        yield lo, hi if hi < stop else stop
        _rec("C")


def counts(n):
    """n, as blocks of at most BLOCK, with a CPU checkpoint after each one."""
    if not ON:
        yield n
        return
    while n > 0:
        block = BLOCK if n > BLOCK else n
        yield block
        n -= block
        _rec("C")


def task(n):
    if ON:
        _rec("T", n).task = n


def task_end(n):
    if ON:
        _rec("E", n).task = NO_TASK


def waiting(ms):
    """A blocking wait of `ms` milliseconds begins (the GIL is let go)."""
    if ON:
        _rec_and_write("I", int(ms * 1000))


def woke():
    if ON:
        _rec("J")


def lock_wait():
    if ON:
        _rec_and_write("L")


def locked():
    if ON:
        _rec("A")


def unlocked():
    if ON:
        _rec("R")


def put_wait(item):
    if ON:
        _rec_and_write("B", item)


def put(item, depth):
    if ON:
        _rec("P", item, depth)


def get_wait():
    if ON:
        _rec_and_write("Q")


def got(item, depth):
    if ON:
        _rec("G", item, depth)


def done(item):
    if ON:
        _rec("D", item)


def wrote(value):
    if ON:
        _rec("V", value)


def end(**numbers):
    """The program's work is over: its own numbers, then every buffer written.

    Daemon threads still running are cut off here, wherever they are."""
    if not ON:
        return
    _finish()
    _raw("".join("Z %s %r\n" % (key, float(value)) for key, value in numbers.items()))


def _finish():
    p = _proc
    if p.finished:
        return
    p.finished = True
    now = _now()
    main = p.main_worker
    for w in list(p.workers):
        if w is not main and w.thread is not None and w.thread.is_alive():
            w.buf.append(("K", now, 0, w.task, 0))
    if main is not None:
        main.buf.append(("X", now, _cpu(), 0, 0))
    for w in list(p.workers):
        _write(w)
    _mark("F", p.dropped)


# Lanes start and end with the program's own threads and processes.

if ON:
    _orig_thread_start = threading.Thread.start
    _orig_thread_run = threading.Thread.run

    def _thread_start(self):
        self._tl_requested = _now()
        _orig_thread_start(self)

    def _thread_run(self):
        target = getattr(self, "_target", None)
        module = getattr(target, "__module__", None)
        if module not in ("__main__", "__mp_main__"):
            # A thread of the standard library (a queue's feeder): no lane.
            return _orig_thread_run(self)
        w = _register(self)
        try:
            return _orig_thread_run(self)
        finally:
            w.buf.append(("X", _now(), _cpu(), 0, 0))
            _write(w)

    threading.Thread.start = _thread_start
    threading.Thread.run = _thread_run


def _die_with_parent(parent):
    """PR_SET_PDEATHSIG: SIGKILL this process when its parent dies."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, 9, 0, 0, 0)
    except Exception:
        return
    if parent and os.getppid() != parent:
        # The parent died before we asked: nobody would kill us.
        os._exit(1)


def _after_fork():
    global _proc, _local
    _proc = _Process(_proc.index)
    _local = threading.local()
    _die_with_parent(0)


if ON:
    os.register_at_fork(after_in_child=_after_fork)
    if _THREADLAB and os.getppid() != _THREADLAB:
        # A process started by spawn or a fork server imports the program,
        # and so the probe, afresh: it too dies with its parent.
        _die_with_parent(0)

    import multiprocessing.process as _mp

    _orig_proc_start = _mp.BaseProcess.start
    _orig_proc_run = _mp.BaseProcess.run

    def _proc_start(self):
        _proc.children += 1
        self._tl_index = _proc.children
        self._tl_requested = _now()
        self._tl_parent = os.getpid()
        _orig_proc_start(self)

    def _proc_run(self):
        global _proc
        _proc = _Process(
            getattr(self, "_tl_index", 0), getattr(self, "_tl_requested", None)
        )
        _die_with_parent(getattr(self, "_tl_parent", 0))
        # Say at once that this process exists: threadlab watches it from now.
        _mark("p")
        try:
            return _orig_proc_run(self)
        finally:
            _finish()

    _orig_proc_kill = _mp.BaseProcess.kill
    _orig_proc_terminate = _mp.BaseProcess.terminate

    def _proc_kill(self):
        _mark("k", getattr(self, "_tl_index", 0))
        _orig_proc_kill(self)

    def _proc_terminate(self):
        _mark("k", getattr(self, "_tl_index", 0))
        _orig_proc_terminate(self)

    _mp.BaseProcess.start = _proc_start
    _mp.BaseProcess.run = _proc_run
    _mp.BaseProcess.kill = _proc_kill
    _mp.BaseProcess.terminate = _proc_terminate

    import atexit

    @atexit.register
    def _at_exit():
        # A program that ended without calling end() (an exception, say)
        # still hands over what it recorded.
        if _proc.workers or _proc.fd is not None:
            _finish()
