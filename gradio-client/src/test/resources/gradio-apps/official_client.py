"""Runs one call with Python's official gradio_client and prints the outcome as one JSON line.

Usage: python official_client.py predict <app url> <api_name> <json list of positional args>
       python official_client.py predict-all <base url> <json [{"app", "api", "args"}...]>
       python official_client.py bench <app url> <api_name> <json args> <jobs> <control url>

predict prints {"data": [...], "images": [{"width", "height", "rgb_sha256"}...]}: every image
file the client downloaded, in output order (a 3.x gallery comes back as a directory).
predict-all prints a JSON list of such results, one Python process for several calls.
bench prints {"cold_ms", "median_ms", "requests_cold", "requests_per_job"}, the request counts as
the test server counted them (GET <control url>/control/requests).
"""

import hashlib
import json
import os
import statistics
import sys
import time
import urllib.request
import warnings

os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
warnings.filterwarnings("ignore")

from gradio_client import Client  # noqa: E402
from PIL import Image  # noqa: E402

IMAGE_EXT = (".png", ".webp", ".jpg", ".jpeg", ".gif")


def image_info(path):
    with Image.open(path) as img:
        rgb = img.convert("RGB")
        return {
            "width": rgb.width,
            "height": rgb.height,
            "rgb_sha256": hashlib.sha256(rgb.tobytes()).hexdigest(),
        }


def collect(value, out):
    """Finds downloaded image files in any output shape, in order."""
    if isinstance(value, str):
        if os.path.isdir(value):
            # gradio_client 0.x returns a gallery as a directory with captions.json listing its
            # files in order.
            captions = os.path.join(value, "captions.json")
            if os.path.exists(captions):
                with open(captions) as f:
                    for name in json.load(f):
                        collect(name if os.path.isabs(name) else os.path.join(value, name), out)
            else:
                for name in sorted(os.listdir(value)):
                    collect(os.path.join(value, name), out)
        elif os.path.isfile(value) and value.lower().endswith(IMAGE_EXT):
            out.append(image_info(value))
    elif isinstance(value, dict):
        for key in ("image", "path", "name"):
            if key in value:
                collect(value[key], out)
                break
    elif isinstance(value, (list, tuple)):
        for item in value:
            collect(item, out)


def plain(value):
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def predict(url, api_name, args):
    client = Client(url, verbose=False)
    result = client.predict(*args, api_name=api_name)
    data = list(result) if isinstance(result, tuple) else [result]
    images = []
    collect(data, images)
    return {"data": plain(data), "images": images}


def counts(control):
    with urllib.request.urlopen(control + "/control/requests") as r:
        return json.load(r)


def bench(url, api_name, args, jobs, control):
    app = url.rstrip("/").rsplit("/", 1)[1]
    start_count = counts(control).get(app, 0)
    start = time.perf_counter()
    client = Client(url, verbose=False)
    client.predict(*args, api_name=api_name)
    cold_ms = (time.perf_counter() - start) * 1000
    warm_count = counts(control).get(app, 0)
    times = []
    for _ in range(jobs):
        t = time.perf_counter()
        client.predict(*args, api_name=api_name)
        times.append((time.perf_counter() - t) * 1000)
    end_count = counts(control).get(app, 0)
    return {
        "cold_ms": round(cold_ms, 1),
        "median_ms": round(statistics.median(times), 1),
        "requests_cold": warm_count - start_count,
        "requests_per_job": round((end_count - warm_count) / jobs, 2),
    }


def main():
    mode, url = sys.argv[1], sys.argv[2]
    api_name = sys.argv[3] if len(sys.argv) > 3 else None
    args = json.loads(sys.argv[4]) if len(sys.argv) > 4 else None
    if mode == "predict":
        out = predict(url, api_name, args)
    elif mode == "predict-all":
        calls = json.loads(sys.argv[3])
        out = [predict(f"{url}/{c['app']}/", c["api"], c["args"]) for c in calls]
    else:
        out = bench(url, api_name, args, int(sys.argv[5]), sys.argv[6])
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
