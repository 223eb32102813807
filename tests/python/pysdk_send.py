"""Sends events through alooma-pysdk 2.1 (from PyPI, unmodified) to an
emulator: argv = host:port, token. Prints nothing on success; exits 1
when the SDK reported an error."""
import logging
import sys

import alooma_pysdk

host, token = sys.argv[1], sys.argv[2]
errors = []


def callback(level, message):
    if level >= logging.ERROR:
        errors.append(message)


sdk = alooma_pysdk.PythonSDK(
    token,
    servers=host,
    use_ssl=False,
    event_type="sdk_events",
    callback=callback,
    batch_interval=0.2,
    blocking=True,
)
for i in range(5):
    sdk.report({"i": i, "name": "n%d" % i}, metadata={"source": "test"})
sdk.report("a plain message")
alooma_pysdk.terminate()
if errors:
    print("\n".join(errors))
    sys.exit(1)
