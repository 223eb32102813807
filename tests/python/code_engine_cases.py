"""Runs the Code Engine cases two ways and prints one JSON list.

    python code_engine_cases.py cpython CASES.json
        each case's modules written to a folder and imported by this very
        interpreter, `transform` called on a deep copy of the sample:
        what CPython gives.
    python code_engine_cases.py reference CASES.json PORT ACCOUNT KEY
        each case sent with the reference client (alooma==0.4.16)'s
        test_code_engine_code to the emulator on 127.0.0.1:PORT.

Each answer is {"result": ...} or {"error": "<exception type>"}, with
"output" (what the transform printed).
"""
import contextlib
import copy
import importlib
import io
import json
import os
import shutil
import sys
import tempfile


def cpython(cases):
    answers = []
    for case in cases:
        folder = tempfile.mkdtemp()
        try:
            for name, code in case['modules'].items():
                with io.open(os.path.join(folder, name + '.py'), 'w', encoding='utf-8') as f:
                    f.write(code)
            for name in case['modules']:
                sys.modules.pop(name, None)
            sys.path.insert(0, folder)
            out = io.StringIO()
            try:
                main = importlib.import_module('main')
                with contextlib.redirect_stdout(out):
                    result = main.transform(copy.deepcopy(case['sample']))
                if isinstance(result, list) and not result:
                    result = None
                answers.append({'result': result, 'output': out.getvalue()})
            except Exception as e:
                answers.append({'error': type(e).__name__, 'output': out.getvalue()})
            finally:
                sys.path.remove(folder)
        finally:
            shutil.rmtree(folder)
    return answers


def reference(cases, port, account, key):
    import alooma
    api = alooma.Client(api_key=key, account_name=account,
                        base_url='http://127.0.0.1:%s' % port)
    answers = []
    for case in cases:
        answer = api.test_code_engine_code(case['sample'], case['modules'])
        result = answer['result']
        if isinstance(result, dict) and 'errorMessage' in result:
            last = result['errorMessage'].strip().splitlines()[-1]
            # `main.BadEvent: ...` names the class as CPython prints it.
            kind = last.split(':')[0].rsplit('.', 1)[-1]
            answers.append({'error': kind, 'output': answer['output']})
        else:
            answers.append({'result': result, 'output': answer['output']})
    return answers


def main():
    mode, path = sys.argv[1], sys.argv[2]
    with io.open(path, encoding='utf-8') as f:
        cases = json.load(f)
    if mode == 'cpython':
        answers = cpython(cases)
    else:
        answers = reference(cases, *sys.argv[3:6])
    sys.stdout.write(json.dumps(answers))


main()
