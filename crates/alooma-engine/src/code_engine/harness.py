# The Code Engine worker: runs users' transforms for alooma-engine.
#
# Works on CPython 2.7 and 3.x. Requests come on the original standard input
# and answers go to the original standard output, one JSON document a line;
# both descriptors are moved away first, so that nothing the transform does
# (print, replacing sys.stdout, writing to descriptor 1 or reading 0) can
# reach the protocol. Descriptor 1 is pointed at standard error, which the
# engine drains.
import json
import os
import sys
import time
import traceback
import linecache

PY2 = sys.version_info[0] == 2

_requests = os.fdopen(os.dup(0), 'rb')
_answers = os.fdopen(os.dup(1), 'wb')
if PY2:
    # Python 3 makes duplicated descriptors non-inheritable; Python 2's
    # subprocesses would keep the protocol open.
    import fcntl
    for _fd in (_requests.fileno(), _answers.fileno()):
        fcntl.fcntl(_fd, fcntl.F_SETFD, fcntl.fcntl(_fd, fcntl.F_GETFD) | fcntl.FD_CLOEXEC)
_null = os.open(os.devnull, os.O_RDWR)
os.dup2(_null, 0)
os.dup2(2, 1)
sys.stdin = open(os.devnull, 'r')

if PY2:
    _clock = time.time
else:
    _clock = time.perf_counter


class _Capture(object):
    """What the transform prints. Text only: on Python 2, bytes are read as
    UTF-8 (a mix of bytes and unicode would not join)."""

    encoding = 'utf-8'
    errors = 'replace'

    def __init__(self):
        self.parts = []

    def write(self, s):
        if PY2 and isinstance(s, str):
            s = s.decode('utf-8', 'replace')
        self.parts.append(s)
        return len(s)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        pass

    def isatty(self):
        return False

    def getvalue(self):
        return u''.join(self.parts)


def _clean(text):
    """Text that UTF-8 can carry (a lone surrogate becomes its escape)."""
    if PY2 or not isinstance(text, str):
        return text
    return text.encode('utf-8', 'backslashreplace').decode('utf-8')

if len(sys.argv) > 1 and int(sys.argv[1]) > 0:
    try:
        import resource
        _limit = int(sys.argv[1])
        resource.setrlimit(resource.RLIMIT_AS, (_limit, _limit))
    except Exception:
        pass

_modules = {}
_transform = None


def _send(doc):
    line = json.dumps(doc, separators=(',', ':'))
    if not PY2:
        line = line.encode('utf-8')
    _answers.write(line + b'\n')


class _Finder(object):
    """Serves the deployed modules by name (`import transform_mysql`)."""

    # Python 3.4+
    def find_spec(self, name, path=None, target=None):
        if name not in _modules:
            return None
        import importlib.util
        return importlib.util.spec_from_loader(name, self, origin=name)

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        name = module.__name__
        module.__file__ = name
        exec(compile(_modules[name], name, 'exec'), module.__dict__)

    # Python 2.7
    def find_module(self, name, path=None):
        return self if name in _modules else None

    def load_module(self, name):
        if name in sys.modules:
            return sys.modules[name]
        import imp
        module = imp.new_module(name)
        module.__file__ = name
        module.__loader__ = self
        sys.modules[name] = module
        try:
            exec(compile(_modules[name], name, 'exec'), module.__dict__)
        except BaseException:
            del sys.modules[name]
            raise
        return module


_finder = _Finder()
sys.meta_path.insert(0, _finder)


def _user_traceback(kind, value, tb):
    """The traceback of the modules' own frames, as CPython prints it."""
    frames = [f for f in traceback.extract_tb(tb) if f[0] in _modules]
    lines = ['Traceback (most recent call last):\n']
    lines += traceback.format_list(frames)
    lines += traceback.format_exception_only(kind, value)
    last = frames[-1] if frames else None
    return ''.join(lines), last


def _error(kind, value, tb, cause):
    text, last = _user_traceback(kind, value, tb)
    doc = {
        'type': kind.__name__,
        'message': _clean(_text(value)),
        'traceback': _clean(text),
        'cause': cause,
    }
    if isinstance(value, SyntaxError):
        doc['module'] = value.filename
        doc['line'] = value.lineno
    elif last is not None:
        doc['module'] = last[0]
        doc['line'] = last[1]
    return doc


def _text(value):
    try:
        return u'%s' % (value,)
    except Exception:
        return repr(value)


def _source(code):
    """What `compile` takes: on Python 2, bytes, since a `unicode` source
    with an encoding declaration (`# -*- coding: utf-8 -*-`) is refused."""
    if PY2 and isinstance(code, unicode):  # noqa: F821
        return code.encode('utf-8')
    return code


def _load(modules):
    global _transform
    for name in list(_modules):
        sys.modules.pop(name, None)
        linecache.cache.pop(name, None)
    _modules.clear()
    _transform = None
    for name, code in modules.items():
        if PY2 and isinstance(name, unicode):  # noqa: F821
            name = name.encode('utf-8')
        code = _source(code)
        _modules[name] = code
        linecache.cache[name] = (len(code), None, code.splitlines(True), name)
    try:
        for name in sorted(_modules):
            compile(_modules[name], name, 'exec')
        if 'main' not in _modules:
            return {'ok': False, 'error': {
                'type': 'ImportError', 'message': 'there is no module named main',
                'traceback': 'ImportError: there is no module named main\n', 'cause': 'load'}}
        main = __import__('main')
        transform = getattr(main, 'transform', None)
        if not callable(transform):
            message = "the module main defines no function transform(event)"
            return {'ok': False, 'error': {
                'type': 'NameError', 'message': message, 'module': 'main',
                'traceback': 'NameError: %s\n' % message, 'cause': 'load'}}
        _transform = transform
        return {'ok': True}
    except BaseException:
        kind, value, tb = sys.exc_info()
        return {'ok': False, 'error': _error(kind, value, tb, 'load')}


def _check(modules):
    """Compiles every module: the first syntax error, or none."""
    for name in sorted(modules):
        code = _source(modules[name])
        key = name.encode('utf-8') if PY2 and isinstance(name, unicode) else name  # noqa: F821
        # The checked source shows in its own traceback only: a loaded
        # module's lines are put back.
        saved = linecache.cache.get(key)
        linecache.cache[key] = (len(code), None, code.splitlines(True), key)
        try:
            compile(code, key, 'exec')
        except BaseException:
            kind, value, tb = sys.exc_info()
            return {'ok': False, 'error': _error(kind, value, tb, 'load')}
        finally:
            if saved is not None:
                linecache.cache[key] = saved
            else:
                linecache.cache.pop(key, None)
    return {'ok': True}


def _run_one(event):
    out = _Capture()
    saved = sys.stdout
    sys.stdout = out
    start = _clock()
    try:
        try:
            result = _transform(event)
        finally:
            elapsed = (_clock() - start) * 1000.0
            sys.stdout = saved
    except BaseException:
        kind, value, tb = sys.exc_info()
        cause = 'memory' if kind is MemoryError else 'exception'
        return {'k': 'e', 'e': _error(kind, value, tb, cause), 'o': out.getvalue(), 't': elapsed}
    doc = {'o': out.getvalue(), 't': elapsed}
    if result is None:
        doc['k'] = 'n'
    elif isinstance(result, dict):
        doc['k'] = 'd'
        doc['v'] = result
    elif isinstance(result, list) and all(isinstance(r, dict) for r in result):
        doc['k'] = 'l'
        doc['v'] = result
    else:
        message = 'transform returned %s; it must return a dict, a list of dicts or None' % (
            type(result).__name__)
        doc['k'] = 'e'
        doc['e'] = {'type': 'TypeError', 'message': message, 'module': 'main',
                    'traceback': 'TypeError: %s\n' % message, 'cause': 'result'}
    return doc


# One encoder for every answer: `json.dumps` with options builds a new one
# on each call.
_encoder = json.JSONEncoder(separators=(',', ':'), allow_nan=False, ensure_ascii=PY2)


def _encode(doc):
    """The answer's line, or an error when the result holds a value JSON
    cannot carry (NaN, bytes, a datetime, a lone surrogate)."""
    try:
        line = _encoder.encode(doc)
        return line if PY2 else line.encode('utf-8')
    except (ValueError, TypeError, UnicodeError, OverflowError, RecursionError if not PY2 else RuntimeError):
        kind, value, _ = sys.exc_info()
        message = _clean('the result cannot be written as JSON: %s' % (_text(value),))
        err = {'k': 'e', 'o': _clean(doc.get('o', '')), 't': doc.get('t', 0.0),
               'e': {'type': kind.__name__, 'message': message, 'module': 'main',
                     'traceback': '%s: %s\n' % (kind.__name__, message), 'cause': 'result'}}
        line = json.dumps(err, separators=(',', ':'), ensure_ascii=True)
        return line if PY2 else line.encode('utf-8')


def _main():
    _send({'ready': sys.version.split()[0]})
    _answers.flush()
    while True:
        line = _requests.readline()
        if not line:
            return
        request = json.loads(line.decode('utf-8'))
        op = request.get('op')
        if op == 'load':
            _send(_load(request['modules']))
            _answers.flush()
        elif op == 'check':
            _send(_check(request['modules']))
            _answers.flush()
        elif op == 'run':
            # The events follow, one a line. Each answer leaves at once:
            # were it held back, an event that hangs after it would be
            # blamed for it.
            for _ in range(request['n']):
                line = _requests.readline()
                if not line:
                    return
                event = json.loads(line.decode('utf-8'))
                _answers.write(_encode(_run_one(event)))
                _answers.write(b'\n')
                _answers.flush()
        else:
            _send({'ok': False, 'error': {'type': 'ValueError', 'message': 'unknown op',
                                          'traceback': '', 'cause': 'protocol'}})
            _answers.flush()


_main()
