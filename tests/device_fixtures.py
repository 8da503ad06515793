"""Stand-ins for the device report's runs (tests/unit/test_devicereport.py): `python -m tests.device_fixtures KIND`."""

import json
import sys
import time

if __name__ == "__main__":
    kind = sys.argv[1]
    if kind == "check":
        print(json.dumps({"check": "mnist", "quality": 0.985, "bar": 0.98, "seconds": 4.0}))
    elif kind == "bench":
        print(json.dumps({"topic": "cnn", "metric": "test_accuracy", "value": 0.97, "train_s": 2.0,
                          "samples_per_s": 900.0, "extra": {"fast_t97_s": 1.5, "note": "x"}}))
    elif kind == "fails":
        sys.exit("ValueError: this topic does not run on this backend yet")
    else:
        time.sleep(60)
