"""Small Gradio test apps, all served by ONE process mounted at sub-paths of a FastAPI app.

Usage: python apps.py --port N   (N = 0 picks a free port)
Prints "GRADIO_APPS_READY port=<port> version=<gradio version>" once serving.

Works on gradio 3.50.2, 4.20.1, 4.44.1, 5.50.0 and 6.31.0; version differences are handled below.
Images are generated locally with PIL, deterministic from (prompt, seed, index), so tests can
compare pixels. Apps:

  /flux      infer(prompt, seed, randomize_seed, width, height, num_inference_steps) -> (Image, seed)
             image is width/16 x height/16 PNG; "huge" in the prompt -> ~12 MB noise PNG;
             "webp" in the prompt -> WebP.
  /mj        run(prompt, negative_prompt, use_negative_prompt, seed, width, height, guidance_scale,
             randomize_seed) -> (Gallery of 2, seed)
  /progress  count(n) with gr.Progress tqdm steps (desc "Counting", unit "steps")
  /queue     hold(key, seconds) blocks until POST /control/release/<key> (or seconds elapse);
             concurrency 1; a "stop" button cancels hold (pre-4.31 cancel path)
  /stream    generate(prompt, frames) yields (Image, text) per frame
  /error     fail(prompt) raises gr.Error("The prompt was rejected: <prompt>")
  /auth      greet(name), login user/pass
  /state     remember(text, <gr.State>) -> (text, state)
  /unnamed   visible(text) named, hidden(text) with api_name=False (6.x: api_visibility private)
  /zero      zero(prompt) -> tiny PNG at once (benchmarks)
  /echo      describe(image) with an Image input -> ("<w>x<h>", the same image), for uploads
  /paint     slow_paint(prompt, seed, seconds) -> (Image, seed) after `seconds` with progress steps;
             a slow Space for crash tests, which logs every run it started and finished
  /tracked   paint(prompt, seed) -> Image, an async job that waits until POST
             /control/release/<prompt> (or 60 s) and logs started/finished/cancelled per prompt;
             concurrency 4; a "stop" button cancels paint (pre-4.31 cancel path)
  /picky     generate(prompt) -> Image; where events take a validator (5.4x+), a prompt with
             "forbidden" in it is refused with HTTP 422; "hold <key> ..." waits like /queue

The corpus of Space-shaped apps (corpus.py) is mounted at /c-<shape>; see that file.

Control routes on the parent app (plain HTTP, not Gradio, not counted):
  POST /control/release/{key}   releases /queue hold jobs waiting on key
  GET  /control/requests        {"<app>": n, ...}: HTTP requests and websocket connections each
                                app received so far (server-side, to check clients' own counts)
  GET  /control/paint           {"started": [...], "finished": [...]}: "<prompt>|<seed>" of each
                                /paint run and "|<epoch ms>" when it started or finished, in
                                order (the Space's own job log)
  GET  /control/jobs/{key}      ["started", "cancelled", ...]: what /tracked did with that prompt
"""

import argparse
import asyncio
import hashlib
import inspect
import os
import random
import socket
import sys
import tempfile
import threading
import time
import warnings

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("GRADIO_SSR_MODE", "False")
warnings.filterwarnings("ignore")

import gradio as gr  # noqa: E402
import uvicorn  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from PIL import Image  # noqa: E402

import corpus  # noqa: E402  (Space-shaped apps, mounted at /c-<shape>)

VERSION = gr.__version__
MAJOR = int(VERSION.split(".")[0])
CLICK_PARAMS = set(inspect.signature(gr.Button().click).parameters) if MAJOR >= 4 else set()
MOUNT_PARAMS = set(inspect.signature(gr.mount_gradio_app).parameters)

_TEMP = os.environ.get("GRADIO_TEMP_DIR")
if _TEMP:
    os.makedirs(_TEMP, exist_ok=True)
OUT_DIR = tempfile.mkdtemp(prefix="gen-", dir=_TEMP)


def _rng(*parts):
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def make_image(prompt, seed, index, width, height, fmt="png"):
    """A deterministic image: pixels from a PRNG seeded with (prompt, seed, index)."""
    width, height = max(1, int(width)), max(1, int(height))
    rng = _rng(prompt, int(seed), index)
    img = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    name = hashlib.sha256(f"{prompt}|{seed}|{index}|{width}x{height}".encode()).hexdigest()[:16]
    path = os.path.join(OUT_DIR, f"{name}.{fmt}")
    if not os.path.exists(path):
        tmp = path + ".tmp"
        if fmt == "webp":
            img.save(tmp, format="WEBP", lossless=True)
        else:
            img.save(tmp, format="PNG", compress_level=1)
        os.replace(tmp, path)
    return path


def image_output(label):
    # A filepath output keeps our file's own format on every version (4.x+ would re-encode PIL
    # images to its default format, webp from 5.x); 3.x turns it into a base64 data URL.
    return gr.Image(label=label, type="filepath")


def event(trigger, fn, inputs, outputs, api_name, concurrency_limit=None, private=False, **kw):
    """trigger.click(...) with the keyword arguments this gradio version accepts."""
    if private:
        if "api_visibility" in CLICK_PARAMS:
            kw["api_visibility"] = "private"
        else:
            kw["api_name"] = False
    else:
        kw["api_name"] = api_name
    if concurrency_limit is not None and "concurrency_limit" in CLICK_PARAMS:
        kw["concurrency_limit"] = concurrency_limit
    return trigger.click(fn, inputs, outputs, **kw)


def queued(demo, concurrency=4):
    if MAJOR >= 4:
        return demo.queue(default_concurrency_limit=concurrency)
    return demo.queue(concurrency_count=concurrency)


# ---------------------------------------------------------------- flux
def infer(
    prompt,
    seed=0,
    randomize_seed=True,
    width=1024,
    height=1024,
    num_inference_steps=4,
    progress=gr.Progress(track_tqdm=True),
):
    if randomize_seed:
        seed = random.randint(0, 2147483647)
    seed = int(seed)
    for _ in progress.tqdm(range(int(num_inference_steps)), desc="Sampling", unit="steps"):
        time.sleep(0.01)
    if "huge" in prompt:
        return make_image(prompt, seed, 0, 2048, 2048), seed
    fmt = "webp" if "webp" in prompt else "png"
    return make_image(prompt, seed, 0, int(width) // 16, int(height) // 16, fmt), seed


def flux_app():
    with gr.Blocks() as demo:
        prompt = gr.Textbox(label="Prompt")
        run = gr.Button("Run")
        result = image_output("Result")
        seed = gr.Slider(label="Seed", minimum=0, maximum=2147483647, step=1, value=0)
        randomize_seed = gr.Checkbox(label="Randomize seed", value=True)
        width = gr.Slider(label="Width", minimum=256, maximum=2048, step=32, value=1024)
        height = gr.Slider(label="Height", minimum=256, maximum=2048, step=32, value=1024)
        steps = gr.Slider(label="Number of inference steps", minimum=1, maximum=50, step=1, value=4)
        event(
            run,
            infer,
            [prompt, seed, randomize_seed, width, height, steps],
            [result, seed],
            "infer",
        )
    return queued(demo)


# ---------------------------------------------------------------- mj
def run(
    prompt,
    negative_prompt="",
    use_negative_prompt=False,
    seed=0,
    width=1024,
    height=1024,
    guidance_scale=6,
    randomize_seed=True,
):
    if randomize_seed:
        seed = random.randint(0, 2147483647)
    seed = int(seed)
    images = [make_image(prompt, seed, i, int(width) // 16, int(height) // 16) for i in range(2)]
    return images, seed


def mj_app():
    with gr.Blocks() as demo:
        prompt = gr.Textbox(label="Prompt")
        go = gr.Button("Run")
        result = gr.Gallery(label="Result")
        negative_prompt = gr.Textbox(label="Negative prompt", value="")
        use_negative_prompt = gr.Checkbox(label="Use negative prompt", value=False)
        seed = gr.Slider(label="Seed", minimum=0, maximum=2147483647, step=1, value=0)
        width = gr.Slider(label="Width", minimum=512, maximum=2048, step=8, value=1024)
        height = gr.Slider(label="Height", minimum=512, maximum=2048, step=8, value=1024)
        guidance_scale = gr.Slider(label="Guidance Scale", minimum=0.1, maximum=20, step=0.1, value=6)
        randomize_seed = gr.Checkbox(label="Randomize seed", value=True)
        event(
            go,
            run,
            [
                prompt,
                negative_prompt,
                use_negative_prompt,
                seed,
                width,
                height,
                guidance_scale,
                randomize_seed,
            ],
            [result, seed],
            "run",
        )
    return queued(demo)


# ---------------------------------------------------------------- progress
def count(n=3, progress=gr.Progress()):
    n = int(n)
    for _ in progress.tqdm(range(n), desc="Counting", unit="steps"):
        # The server batches progress updates (about every 0.1 s), so each step must last longer
        # for every step to be observable.
        time.sleep(0.25)
    return f"counted {n}"


def progress_app():
    with gr.Blocks() as demo:
        n = gr.Number(label="Steps", value=3, precision=0)
        go = gr.Button("Count")
        out = gr.Textbox(label="Result")
        event(go, count, [n], [out], "count")
    return queued(demo)


# ---------------------------------------------------------------- queue
_holds = {}
_holds_lock = threading.Lock()


def _hold_event(key):
    with _holds_lock:
        return _holds.setdefault(key, threading.Event())


def hold(key, seconds=60):
    released = _hold_event(key).wait(float(seconds))
    return f"{'released' if released else 'timed out'} {key}"


def queue_app():
    with gr.Blocks() as demo:
        key = gr.Textbox(label="Key")
        seconds = gr.Number(label="Seconds", value=60)
        go = gr.Button("Hold")
        stop = gr.Button("Stop")
        out = gr.Textbox(label="Result")
        held = event(go, hold, [key, seconds], [out], "hold", concurrency_limit=1)
        # The pre-4.31 cancel path: a dependency whose `cancels` names /hold.
        stop.click(None, None, None, cancels=[held])
    if MAJOR >= 4:
        return demo.queue()
    return demo.queue(concurrency_count=1)


# ---------------------------------------------------------------- stream
def generate(prompt, frames=3):
    text = ""
    for i in range(int(frames)):
        text = (text + f" frame {i + 1}").strip()
        yield make_image(prompt, 0, i, 16, 16), text
        time.sleep(0.05)


def stream_app():
    with gr.Blocks() as demo:
        prompt = gr.Textbox(label="Prompt")
        frames = gr.Number(label="Frames", value=3, precision=0)
        go = gr.Button("Generate")
        img = image_output("Frame")
        text = gr.Textbox(label="Log")
        event(go, generate, [prompt, frames], [img, text], "generate")
    return queued(demo)


# ---------------------------------------------------------------- error
def fail(prompt):
    raise gr.Error("The prompt was rejected: " + prompt)


def error_app():
    with gr.Blocks() as demo:
        prompt = gr.Textbox(label="Prompt")
        go = gr.Button("Go")
        out = gr.Textbox(label="Result")
        event(go, fail, [prompt], [out], "fail")
    return queued(demo)


# ---------------------------------------------------------------- auth
def greet(name):
    return "Hello " + name


def auth_app():
    with gr.Blocks() as demo:
        name = gr.Textbox(label="Name")
        go = gr.Button("Greet")
        out = gr.Textbox(label="Greeting")
        event(go, greet, [name], [out], "greet")
    return queued(demo)


# ---------------------------------------------------------------- state
def remember(text, history):
    history = list(history or []) + [text]
    return f"{text} ({len(history)} so far)", history


def state_app():
    with gr.Blocks() as demo:
        history = gr.State([])
        text = gr.Textbox(label="Text")
        go = gr.Button("Remember")
        out = gr.Textbox(label="Result")
        event(go, remember, [text, history], [out, history], "remember")
    return queued(demo)


# ---------------------------------------------------------------- unnamed
def visible(text):
    return "visible " + text


def hidden(text):
    return "hidden " + text


def unnamed_app():
    with gr.Blocks() as demo:
        text = gr.Textbox(label="Text")
        a = gr.Button("Visible")
        b = gr.Button("Hidden")
        out = gr.Textbox(label="Result")
        event(a, visible, [text], [out], "visible")
        event(b, hidden, [text], [out], None, private=True)
    return queued(demo)


# ---------------------------------------------------------------- zero
_paint_log = {"started": [], "finished": []}
_paint_lock = threading.Lock()


def slow_paint(prompt, seed=0, seconds=3, progress=gr.Progress()):
    seed = int(seed)
    run = f"{prompt}|{seed}"
    with _paint_lock:
        _paint_log["started"].append(f"{run}|{int(time.time() * 1000)}")
    steps = 4
    for _ in progress.tqdm(range(steps), desc="Painting", unit="steps"):
        time.sleep(float(seconds) / steps)
    image = make_image(prompt, seed, 0, 16, 16)
    with _paint_lock:
        _paint_log["finished"].append(f"{run}|{int(time.time() * 1000)}")
    return image, seed


def paint_app():
    with gr.Blocks() as demo:
        prompt = gr.Textbox(label="Prompt")
        seed = gr.Slider(label="Seed", minimum=0, maximum=2147483647, step=1, value=0)
        seconds = gr.Number(label="Seconds", value=3)
        go = gr.Button("Paint")
        out = image_output("Result")
        used = gr.Number(label="Seed used")
        event(go, slow_paint, [prompt, seed, seconds], [out, used], "paint")
    return queued(demo, concurrency=8)


def zero(prompt):
    return make_image("zero", 0, 0, 4, 4)


def zero_app():
    with gr.Blocks() as demo:
        prompt = gr.Textbox(label="Prompt")
        go = gr.Button("Go")
        out = image_output("Result")
        event(go, zero, [prompt], [out], "zero")
    return queued(demo)


# ---------------------------------------------------------------- echo
def describe(image):
    with Image.open(image) as img:
        size = f"{img.width}x{img.height}"
    return size, image


def echo_app():
    with gr.Blocks() as demo:
        image = gr.Image(label="Input", type="filepath")
        go = gr.Button("Describe")
        size = gr.Textbox(label="Size")
        out = image_output("Output")
        event(go, describe, [image], [size, out], "describe")
    return queued(demo)


# ---------------------------------------------------------------- picky
def picky_check(prompt):
    return gr.validate("forbidden" not in prompt, "That prompt is not allowed here.")


def picky(prompt):
    words = prompt.split()
    if len(words) > 1 and words[0] == "hold":
        _hold_event(words[1]).wait(60.0)
    return make_image(prompt, 0, 0, 8, 8)


def picky_app():
    with gr.Blocks() as demo:
        prompt = gr.Textbox(label="Prompt")
        go = gr.Button("Go")
        out = image_output("Result")
        kw = {"validator": picky_check} if "validator" in CLICK_PARAMS else {}
        event(go, picky, [prompt], [out], "generate", **kw)
    return queued(demo)


# ---------------------------------------------------------------- tracked
_job_log = {}
_job_log_lock = threading.Lock()


def _log_job(key, what):
    with _job_log_lock:
        _job_log.setdefault(key, []).append(what)
    print("tracked", key, what, flush=True)


async def paint(prompt, seed=0):
    # Async, so that a cancel really stops it: gradio cancels the task, and the CancelledError
    # raised at the next await is the server's own proof. (A sync function's thread runs on.)
    _log_job(prompt, "started")
    released = _hold_event(prompt)
    deadline = time.monotonic() + 60
    try:
        while not released.is_set() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
    except asyncio.CancelledError:
        _log_job(prompt, "cancelled")
        raise
    _log_job(prompt, "finished")
    return make_image(prompt, seed, 0, 16, 16)


def tracked_app():
    with gr.Blocks() as demo:
        prompt = gr.Textbox(label="Prompt")
        seed = gr.Number(label="Seed", value=0, precision=0)
        go = gr.Button("Paint")
        stop = gr.Button("Stop")
        out = image_output("Result")
        held = event(go, paint, [prompt, seed], [out], "paint")
        stop.click(None, None, None, cancels=[held])
    return queued(demo)


APPS = {
    "flux": flux_app,
    "mj": mj_app,
    "progress": progress_app,
    "queue": queue_app,
    "stream": stream_app,
    "error": error_app,
    "auth": auth_app,
    "state": state_app,
    "unnamed": unnamed_app,
    "zero": zero_app,
    "echo": echo_app,
    "paint": paint_app,
    "tracked": tracked_app,
    "picky": picky_app,
}


def mount(app, name, demo):
    kw = {}
    if "ssr_mode" in MOUNT_PARAMS:
        kw["ssr_mode"] = False
    if name == "auth":
        if "auth" in MOUNT_PARAMS:
            kw["auth"] = ("user", "pass")
        else:
            # 3.x and 4.20 read the accounts from the Blocks when mounting.
            demo.auth = [("user", "pass")]
            demo.auth_message = "Test login"
    return gr.mount_gradio_app(app, demo, path="/" + name, **kw)


_counts = {}
_counts_lock = threading.Lock()


class CountRequests:
    """ASGI middleware counting HTTP requests and websocket connections per mounted app."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket"):
            parts = scope.get("path", "").split("/")
            app = parts[1] if len(parts) > 1 else ""
            if app != "control":
                with _counts_lock:
                    _counts[app] = _counts.get(app, 0) + 1
                # One line per request in the server log (target/gradio-logs), for debugging.
                print("request", scope["type"], scope.get("method", ""), scope["path"], flush=True)
        await self.app(scope, receive, send)


def build():
    app = FastAPI()

    @app.get("/control/requests")
    def requests():
        with _counts_lock:
            return dict(_counts)

    @app.get("/control/paint")
    def paint_log():
        with _paint_lock:
            return {"started": list(_paint_log["started"]), "finished": list(_paint_log["finished"])}

    @app.post("/control/release/{key}")
    def release(key: str):
        _hold_event(key).set()
        return {"released": key}

    @app.get("/control/jobs/{key}")
    def jobs(key: str):
        with _job_log_lock:
            return list(_job_log.get(key, []))

    @app.get("/control/health")
    def health():
        return {"version": VERSION}

    corpus.add_routes(app)

    for name, factory in APPS.items():
        app = mount(app, name, factory())
    for name, factory in corpus.APPS.items():
        app = mount(app, "c-" + name, queued(factory()))
    return CountRequests(app)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    port = sock.getsockname()[1]
    config = uvicorn.Config(build(), log_level="warning", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)

    def announce():
        while not server.started:
            if server.should_exit:
                return
            time.sleep(0.05)
        print(f"GRADIO_APPS_READY port={port} version={VERSION}", flush=True)

    threading.Thread(target=announce, daemon=True).start()
    server.run(sockets=[sock])
    sys.exit(0)


if __name__ == "__main__":
    main()
