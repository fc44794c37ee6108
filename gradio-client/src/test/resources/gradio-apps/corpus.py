"""A corpus of Space-shaped Gradio apps, mounted by apps.py at /c-<shape> in the same process.

Each shape keeps the UI of a kind of public text-to-image Space (components, labels, parameter
names, defaults, slider ranges, choices, event wiring); only the model is replaced by a tiny
deterministic image. Every handler records what it received, translated into the same terms:

  GET /control/received/<shape>  the last call's {"prompt", "negative_prompt", "seed", "steps",
                                 "width", "height", "guidance"}; seed is "random" when the Space
                                 would have picked one itself
  GET /control/corpus            {"<shape>": {"offers": [...], "note": "..."}}: which requested
                                 parameters each shape can take (prompt, seed, negative_prompt,
                                 steps, size), and whether it fails on purpose ("fails": "quota")

Works on gradio 3.50.2, 4.20.1, 4.44.1, 5.50.0 and 6.31.0.
"""

import hashlib
import inspect
import os
import random
import re
import tempfile
import threading

import gradio as gr
from PIL import Image

MAJOR = int(gr.__version__.split(".")[0])
CLICK_PARAMS = set(inspect.signature(gr.Button().click).parameters) if MAJOR >= 4 else set()
MAX_SEED = 2147483647

_TEMP = os.environ.get("GRADIO_TEMP_DIR")
if _TEMP:
    os.makedirs(_TEMP, exist_ok=True)
OUT_DIR = tempfile.mkdtemp(prefix="corpus-", dir=_TEMP)

_received = {}
_lock = threading.Lock()
MANIFEST = {}


def record(shape, prompt, negative_prompt=None, seed=None, steps=None, width=None, height=None,
           guidance=None):
    with _lock:
        _received[shape] = {
            "prompt": prompt,
            "negative_prompt": negative_prompt,
            "seed": seed,
            "steps": None if steps is None else int(steps),
            "width": None if width is None else int(width),
            "height": None if height is None else int(height),
            "guidance": None if guidance is None else float(guidance),
        }


def received(shape):
    with _lock:
        return _received.get(shape)


def tiny(shape, prompt, seed, width, height, index=0):
    """A PNG 1/64 of the asked size (at least 1x1), so the ratio survives and the file is tiny."""
    w, h = max(1, int(width) // 64), max(1, int(height) // 64)
    key = f"{shape}|{prompt}|{seed}|{index}|{w}x{h}"
    name = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    path = os.path.join(OUT_DIR, name + ".png")
    if not os.path.exists(path):
        rng = random.Random(name)
        Image.frombytes("RGB", (w, h), rng.randbytes(w * h * 3)).save(path + ".tmp", format="PNG")
        os.replace(path + ".tmp", path)
    return path


def effective_seed(seed, randomize):
    """The seed the model would use: the Space's own random one when randomize is on."""
    return "random" if randomize else int(seed)


def on(triggers, fn, inputs, outputs, api_name, **kw):
    """gr.on(...) where it exists (4.x+), else the first trigger's click/submit (3.x)."""
    if MAJOR >= 4:
        return gr.on(triggers=triggers, fn=fn, inputs=inputs, outputs=outputs, api_name=api_name,
                     **kw)
    block, name = triggers[0]
    return getattr(block, name)(fn, inputs, outputs, api_name=api_name, **kw)


def triggers(*pairs):
    # gr.on takes bound event listeners; 3.x takes (block, "click") pairs through on().
    if MAJOR >= 4:
        return [getattr(block, name) for block, name in pairs]
    return list(pairs)


def private_kw():
    if "api_visibility" in CLICK_PARAMS:
        return {"api_visibility": "private"}
    return {"api_name": False}


def hidden_kw():
    """An endpoint that is callable but not in the API page."""
    if "api_visibility" in CLICK_PARAMS:
        return {"api_visibility": "undocumented"}
    return {"show_api": False}


def shape(name, offers, note, fails=None):
    def register(factory):
        MANIFEST[name] = {"offers": offers, "note": note}
        if fails:
            MANIFEST[name]["fails"] = fails
        APPS[name] = factory
        return factory

    return register


APPS = {}
ALL = ["prompt", "seed", "negative_prompt", "steps", "size"]


# ------------------------------------------------------------------ FLUX.1-schnell
@shape("flux-schnell", ["prompt", "seed", "steps", "size"],
       "gr.on(run.click, prompt.submit), advanced options in an accordion")
def flux_schnell():
    def infer(prompt, seed=42, randomize_seed=False, width=1024, height=1024,
              num_inference_steps=4, progress=gr.Progress(track_tqdm=True)):
        if randomize_seed:
            seed = random.randint(0, MAX_SEED)
        record("flux-schnell", prompt, None, effective_seed(seed, randomize_seed),
               num_inference_steps, width, height)
        return tiny("flux-schnell", prompt, seed, width, height), seed

    with gr.Blocks() as demo:
        with gr.Column():
            with gr.Row():
                prompt = gr.Text(label="Prompt", show_label=False, max_lines=1,
                                 placeholder="Enter your prompt")
                run = gr.Button("Run", scale=0)
            result = gr.Image(label="Result", show_label=False, type="filepath")
            with gr.Accordion("Advanced Settings", open=False):
                seed = gr.Slider(label="Seed", minimum=0, maximum=MAX_SEED, step=1, value=0)
                randomize_seed = gr.Checkbox(label="Randomize seed", value=True)
                with gr.Row():
                    width = gr.Slider(label="Width", minimum=256, maximum=2048, step=32,
                                      value=1024)
                    height = gr.Slider(label="Height", minimum=256, maximum=2048, step=32,
                                       value=1024)
                num_inference_steps = gr.Slider(label="Number of inference steps", minimum=1,
                                                maximum=50, step=1, value=4)
        on(triggers((run, "click"), (prompt, "submit")), infer,
           [prompt, seed, randomize_seed, width, height, num_inference_steps], [result, seed],
           "infer")
    return demo


# ------------------------------------------------------------------ FLUX.1-dev (broken default)
@shape("flux-dev-guidance", ["prompt", "seed", "steps", "size"],
       "guidance default 0.0 below its slider minimum 1; the handler rejects it")
def flux_dev():
    def infer(prompt, seed=42, randomize_seed=False, width=1024, height=1024, guidance_scale=3.5,
              num_inference_steps=28):
        if float(guidance_scale) < 1:
            raise gr.Error("Guidance scale must be at least 1.")
        if randomize_seed:
            seed = random.randint(0, MAX_SEED)
        record("flux-dev-guidance", prompt, None, effective_seed(seed, randomize_seed),
               num_inference_steps, width, height, guidance_scale)
        return tiny("flux-dev-guidance", prompt, seed, width, height), seed

    with gr.Blocks() as demo:
        prompt = gr.Text(label="Prompt", max_lines=1)
        run = gr.Button("Run")
        result = gr.Image(label="Result", type="filepath")
        with gr.Accordion("Advanced Settings", open=False):
            seed = gr.Slider(label="Seed", minimum=0, maximum=MAX_SEED, step=1, value=0)
            randomize_seed = gr.Checkbox(label="Randomize seed", value=True)
            width = gr.Slider(label="Width", minimum=256, maximum=2048, step=32, value=1024)
            height = gr.Slider(label="Height", minimum=256, maximum=2048, step=32, value=1024)
            guidance_scale = gr.Slider(label="Guidance Scale", minimum=1, maximum=15, step=0.1,
                                       value=0.0)
            num_inference_steps = gr.Slider(label="Number of inference steps", minimum=1,
                                            maximum=50, step=1, value=28)
        on(triggers((run, "click"), (prompt, "submit")), infer,
           [prompt, seed, randomize_seed, width, height, guidance_scale, num_inference_steps],
           [result, seed], "infer")
    return demo


# ------------------------------------------------------------------ SDXL-style, 1024 limits
@shape("sdxl-limits-1024", ALL, "width and height sliders at most 1024, negative prompt")
def sdxl_limits():
    def infer(prompt, negative_prompt, seed, randomize_seed, width, height, guidance_scale,
              num_inference_steps):
        record("sdxl-limits-1024", prompt, negative_prompt, effective_seed(seed, randomize_seed),
               num_inference_steps, width, height, guidance_scale)
        return tiny("sdxl-limits-1024", prompt, seed, width, height), seed

    with gr.Blocks() as demo:
        prompt = gr.Text(label="Prompt", max_lines=1)
        run = gr.Button("Run")
        result = gr.Image(label="Result", type="filepath")
        with gr.Accordion("Advanced Settings", open=False):
            negative_prompt = gr.Text(label="Negative prompt", max_lines=1)
            seed = gr.Slider(label="Seed", minimum=0, maximum=MAX_SEED, step=1, value=0)
            randomize_seed = gr.Checkbox(label="Randomize seed", value=True)
            width = gr.Slider(label="Width", minimum=256, maximum=1024, step=32, value=1024)
            height = gr.Slider(label="Height", minimum=256, maximum=1024, step=32, value=1024)
            guidance_scale = gr.Slider(label="Guidance scale", minimum=0, maximum=10, step=0.1,
                                       value=0.0)
            num_inference_steps = gr.Slider(label="Number of inference steps", minimum=1,
                                            maximum=12, step=1, value=2)
        on(triggers((run, "click"), (prompt, "submit")), infer,
           [prompt, negative_prompt, seed, randomize_seed, width, height, guidance_scale,
            num_inference_steps], [result, seed], "infer")
    return demo


# ------------------------------------------------------------------ sliders on a 256 grid
@shape("grid-256", ALL, "width/height step 256, default 512x512")
def grid_256():
    def generate(prompt, negative_prompt, width, height, steps, seed):
        record("grid-256", prompt, negative_prompt, int(seed), steps, width, height)
        return tiny("grid-256", prompt, seed, width, height)

    with gr.Blocks() as demo:
        prompt = gr.Textbox(label="Prompt")
        negative_prompt = gr.Textbox(label="Negative Prompt")
        with gr.Row():
            width = gr.Slider(label="Width", minimum=256, maximum=1536, step=256, value=512)
            height = gr.Slider(label="Height", minimum=256, maximum=1536, step=256, value=512)
        steps = gr.Slider(label="Steps", minimum=1, maximum=50, step=1, value=25)
        seed = gr.Number(label="Seed", value=0, precision=0)
        go = gr.Button("Generate")
        out = gr.Image(label="Output", type="filepath")
        go.click(generate, [prompt, negative_prompt, width, height, steps, seed], out,
                 api_name="generate")
    return demo


# ------------------------------------------------------------------ lambda *args
@shape("lambda-args", ALL, "lambda *args handler: generic parameter names, labels only")
def lambda_args():
    def generate(*args):
        prompt, negative, seed, steps, width, height = args
        seed = int(seed)
        record("lambda-args", prompt, negative, "random" if seed == -1 else seed, steps, width,
               height)
        return tiny("lambda-args", prompt, seed, width, height)

    with gr.Blocks() as demo:
        prompt = gr.Textbox(label="Prompt")
        negative = gr.Textbox(label="Negative Prompt", value="")
        seed = gr.Number(label="Seed (use -1 for random)", value=-1, precision=0)
        steps = gr.Slider(label="Sampling Steps", minimum=1, maximum=30, step=1, value=20)
        width = gr.Slider(label="Width", minimum=512, maximum=1536, step=64, value=1024)
        height = gr.Slider(label="Height", minimum=512, maximum=1536, step=64, value=1024)
        go = gr.Button("Generate")
        out = gr.Image(label="Image", type="filepath")
        go.click(lambda *args: generate(*args), [prompt, negative, seed, steps, width, height],
                 out)
    return demo


# ------------------------------------------------------------------ steps as string choices
@shape("steps-choices", ["prompt", "seed", "steps", "size"],
       "steps as a dropdown of \"1-step\" ... \"8-step\" strings")
def steps_choices():
    def generate(prompt, ckpt, seed, width, height):
        steps = int(re.match(r"\d+", ckpt).group(0))
        record("steps-choices", prompt, None, int(seed), steps, width, height)
        return tiny("steps-choices", prompt, seed, width, height)

    with gr.Blocks() as demo:
        prompt = gr.Textbox(label="Enter your prompt")
        ckpt = gr.Dropdown(label="Select inference steps",
                           choices=["1-Step", "2-Step", "4-Step", "8-Step"], value="4-Step")
        seed = gr.Slider(label="Seed", minimum=0, maximum=MAX_SEED, step=1, value=0)
        width = gr.Slider(label="Width", minimum=512, maximum=1536, step=64, value=1024)
        height = gr.Slider(label="Height", minimum=512, maximum=1536, step=64, value=1024)
        go = gr.Button("Generate")
        out = gr.Image(label="Generated Image", type="filepath")
        go.click(generate, [prompt, ckpt, seed, width, height], out, api_name="generate_image")
    return demo


# ------------------------------------------------------------------ sizes as choice strings
SIZES = ["1024 × 1024 (Square)", "1152 × 896 (Landscape, 9:7)", "896 × 1152 (Portrait, 7:9)",
         "1360 × 768 (Landscape, 16:9)", "768 × 1360 (Portrait, 9:16)"]


@shape("size-choices", ["prompt", "seed", "negative_prompt", "steps", "size"],
       "size as a dropdown of \"1360 × 768 (Landscape, 16:9)\" strings")
def size_choices():
    def infer(prompt, negative_prompt, resolution, seed, num_inference_steps):
        w, h = (int(x) for x in re.findall(r"\d+", resolution)[:2])
        record("size-choices", prompt, negative_prompt, int(seed), num_inference_steps, w, h)
        return tiny("size-choices", prompt, seed, w, h), seed

    with gr.Blocks() as demo:
        prompt = gr.Textbox(label="Prompt")
        negative_prompt = gr.Textbox(label="Negative prompt", value="")
        resolution = gr.Dropdown(label="Resolution", choices=SIZES, value=SIZES[0])
        seed = gr.Slider(label="Seed", minimum=0, maximum=MAX_SEED, step=1, value=0)
        steps = gr.Slider(label="Steps", minimum=1, maximum=50, step=1, value=30)
        go = gr.Button("Run")
        out = gr.Image(label="Result", type="filepath")
        go.click(infer, [prompt, negative_prompt, resolution, seed, steps], [out, seed],
                 api_name="infer")
    return demo


# ------------------------------------------------------------------ ratio radio, gallery tuples
RATIOS = {"1:1": (1024, 1024), "16:9": (1344, 768), "9:16": (768, 1344), "4:3": (1152, 864),
          "3:4": (864, 1152)}


@shape("ratio-radio-gallery", ALL, "aspect ratio radio, Gallery of (image, caption) tuples")
def ratio_radio():
    def run(prompt, negative_prompt, aspect_ratio, seed, randomize_seed, steps):
        w, h = RATIOS[aspect_ratio]
        if randomize_seed:
            seed = random.randint(0, MAX_SEED)
        record("ratio-radio-gallery", prompt, negative_prompt,
               effective_seed(seed, randomize_seed), steps, w, h)
        return [(tiny("ratio-radio-gallery", prompt, seed, w, h, i), f"image {i + 1}")
                for i in range(2)], seed

    with gr.Blocks() as demo:
        prompt = gr.Textbox(label="Prompt")
        go = gr.Button("Run")
        gallery = gr.Gallery(label="Result", columns=2)
        with gr.Accordion("Advanced options", open=False):
            negative_prompt = gr.Textbox(label="Negative prompt", value="")
            aspect_ratio = gr.Radio(label="Aspect Ratio", choices=list(RATIOS), value="1:1")
            seed = gr.Slider(label="Seed", minimum=0, maximum=MAX_SEED, step=1, value=0)
            randomize_seed = gr.Checkbox(label="Randomize seed", value=True)
            steps = gr.Slider(label="Steps", minimum=1, maximum=40, step=1, value=20)
        go.click(run, [prompt, negative_prompt, aspect_ratio, seed, randomize_seed, steps],
                 [gallery, seed], api_name="run")
    return demo


# ------------------------------------------------------------------ ratio dropdown of pairs
PAIRS = [("Square (1:1)", "1024x1024"), ("Widescreen (16:9)", "1344x768"),
         ("Portrait (9:16)", "768x1344"), ("Photo (3:2)", "1216x832")]


@shape("ratio-dropdown-pairs", ["prompt", "seed", "size"],
       "dropdown of (label, value) pairs (plain values on 3.x)")
def ratio_pairs():
    def generate(prompt, size, seed):
        w, h = (int(x) for x in size.split("x"))
        record("ratio-dropdown-pairs", prompt, None, int(seed), None, w, h)
        return tiny("ratio-dropdown-pairs", prompt, seed, w, h)

    choices = PAIRS if MAJOR >= 4 else [v for _, v in PAIRS]
    with gr.Blocks() as demo:
        prompt = gr.Textbox(label="Prompt")
        size = gr.Dropdown(label="Image size", choices=choices, value="1024x1024")
        seed = gr.Number(label="Seed", value=1, precision=0)
        go = gr.Button("Go")
        out = gr.Image(label="Image", type="filepath")
        go.click(generate, [prompt, size, seed], out, api_name="generate")
    return demo


# ------------------------------------------------------------------ .then() with a randomize step
@shape("then-randomize", ALL, "click -> randomize_seed_fn (api_name=False) .then(generate)")
def then_randomize():
    def randomize_seed_fn(seed, randomize_seed):
        return random.randint(0, MAX_SEED) if randomize_seed else seed

    def generate(prompt, negative_prompt, use_negative_prompt, seed, width, height,
                 num_inference_steps):
        record("then-randomize", prompt, negative_prompt if use_negative_prompt else None,
               int(seed), num_inference_steps, width, height)
        return [tiny("then-randomize", prompt, seed, width, height)], seed

    with gr.Blocks() as demo:
        prompt = gr.Text(label="Prompt", max_lines=1)
        run = gr.Button("Run")
        result = gr.Gallery(label="Result", columns=1)
        with gr.Accordion("Advanced options", open=False):
            use_negative_prompt = gr.Checkbox(label="Use negative prompt", value=False)
            negative_prompt = gr.Text(label="Negative prompt", max_lines=1, value="")
            seed = gr.Slider(label="Seed", minimum=0, maximum=MAX_SEED, step=1, value=0)
            randomize_seed = gr.Checkbox(label="Randomize seed", value=True)
            width = gr.Slider(label="Width", minimum=256, maximum=1536, step=32, value=1024)
            height = gr.Slider(label="Height", minimum=256, maximum=1536, step=32, value=1024)
            steps = gr.Slider(label="Number of inference steps", minimum=1, maximum=30, step=1,
                              value=12)
        kw = private_kw()
        on(triggers((run, "click"), (prompt, "submit")), randomize_seed_fn,
           [seed, randomize_seed], seed, kw.pop("api_name", None), queue=False, **kw).then(
            fn=generate,
            inputs=[prompt, negative_prompt, use_negative_prompt, seed, width, height, steps],
            outputs=[result, seed], api_name="run")
    return demo


# ------------------------------------------------------------------ State input in the middle
@shape("state-input", ["prompt", "seed", "steps", "size"], "a gr.State between the inputs")
def state_input():
    def generate(prompt, history, seed, width, height, steps):
        record("state-input", prompt, None, int(seed), steps, width, height)
        history = list(history or []) + [prompt]
        return tiny("state-input", prompt, seed, width, height), history

    with gr.Blocks() as demo:
        history = gr.State([])
        prompt = gr.Textbox(label="Prompt")
        seed = gr.Number(label="Seed", value=0, precision=0)
        width = gr.Slider(label="Width", minimum=256, maximum=1536, step=64, value=768)
        height = gr.Slider(label="Height", minimum=256, maximum=1536, step=64, value=768)
        steps = gr.Slider(label="Steps", minimum=1, maximum=20, step=1, value=4)
        go = gr.Button("Generate")
        out = gr.Image(label="Result", type="filepath")
        go.click(generate, [prompt, history, seed, width, height, steps], [out, history],
                 api_name="generate")
    return demo


# ------------------------------------------------------------------ image not first in outputs
@shape("image-not-first", ["prompt", "seed", "steps", "size"],
       "outputs (status text, seed, image): the image comes last")
def image_not_first():
    def predict(prompt, seed, randomize_seed, width, height, num_inference_steps):
        if randomize_seed:
            seed = random.randint(0, MAX_SEED)
        record("image-not-first", prompt, None, effective_seed(seed, randomize_seed),
               num_inference_steps, width, height)
        return "done", seed, tiny("image-not-first", prompt, seed, width, height)

    with gr.Blocks() as demo:
        prompt = gr.Textbox(label="Prompt")
        go = gr.Button("Go")
        status = gr.Markdown()
        seed = gr.Number(label="Seed", value=0, precision=0)
        randomize_seed = gr.Checkbox(label="Randomize seed", value=True)
        width = gr.Slider(label="Width", minimum=256, maximum=2048, step=64, value=1024)
        height = gr.Slider(label="Height", minimum=256, maximum=2048, step=64, value=1024)
        steps = gr.Slider(label="Inference steps", minimum=1, maximum=50, step=1, value=9)
        out = gr.Image(label="Output", type="filepath")
        go.click(predict, [prompt, seed, randomize_seed, width, height, steps],
                 [status, seed, out], api_name="predict")
    return demo


# ------------------------------------------------------------------ generator with previews
@shape("generator-previews", ["prompt", "seed", "steps", "size"],
       "yields low-resolution previews before the final image")
def generator_previews():
    def generate(prompt, seed, width, height, steps):
        record("generator-previews", prompt, None, int(seed), steps, width, height)
        for i in range(2):
            yield tiny("generator-previews", prompt, seed, 64, 64, i + 1)
        yield tiny("generator-previews", prompt, seed, width, height)

    with gr.Blocks() as demo:
        prompt = gr.Textbox(label="Prompt")
        seed = gr.Slider(label="Seed", minimum=0, maximum=MAX_SEED, step=1, value=0)
        width = gr.Slider(label="Width", minimum=256, maximum=2048, step=8, value=1024)
        height = gr.Slider(label="Height", minimum=256, maximum=2048, step=8, value=1024)
        steps = gr.Slider(label="Steps", minimum=1, maximum=50, step=1, value=20)
        go = gr.Button("Generate")
        out = gr.Image(label="Image", type="filepath")
        go.click(generate, [prompt, seed, width, height, steps], out, api_name="generate")
    return demo


# ------------------------------------------------------------------ Interface shortcuts
@shape("interface-text", ["prompt", "seed", "steps"],
       "gr.Interface(inputs=[\"text\", Number, Slider], outputs=\"image\")")
def interface_text():
    def predict(text, seed, steps):
        record("interface-text", text, None, int(seed), steps, 512, 512)
        return tiny("interface-text", text, seed, 512, 512)

    flagging = {"flagging_mode": "never"} if MAJOR >= 5 else {"allow_flagging": "never"}
    return gr.Interface(
        predict,
        inputs=["text", gr.Number(label="Seed", value=0, precision=0),
                gr.Slider(1, 50, value=20, step=1, label="Steps")],
        outputs=gr.Image(type="filepath"),
        **flagging,
    )


# ------------------------------------------------------------------ unnamed / hidden endpoint
@shape("unnamed-endpoint", ["prompt", "seed", "steps", "size"],
       "3.x: an event without api_name (fn_index only); 4.x+: show_api=False")
def unnamed_endpoint():
    def make(prompt, seed, steps, width, height):
        record("unnamed-endpoint", prompt, None, int(seed), steps, width, height)
        return tiny("unnamed-endpoint", prompt, seed, width, height)

    with gr.Blocks() as demo:
        prompt = gr.Textbox(label="Prompt")
        seed = gr.Number(label="Seed", value=0, precision=0)
        steps = gr.Slider(label="Steps", minimum=1, maximum=50, step=1, value=20)
        width = gr.Slider(label="Width", minimum=256, maximum=2048, step=64, value=1024)
        height = gr.Slider(label="Height", minimum=256, maximum=2048, step=64, value=1024)
        go = gr.Button("Make")
        out = gr.Image(label="Image", type="filepath")
        kw = {} if MAJOR < 4 else hidden_kw()
        go.click(make, [prompt, seed, steps, width, height], out, **kw)
    return demo


# ------------------------------------------------------------------ seed in a Textbox
@shape("seed-textbox", ["prompt", "seed", "negative_prompt", "size"],
       "seed as a string in a Textbox, randomize checkbox on by default")
def seed_textbox():
    def txt2img(prompt, negative_prompt, seed, random_seed, width, height):
        if random_seed or not str(seed).strip():
            used = "random"
        else:
            used = int(str(seed).strip())
        record("seed-textbox", prompt, negative_prompt, used, None, width, height)
        return tiny("seed-textbox", prompt, used, width, height)

    with gr.Blocks() as demo:
        prompt = gr.Textbox(label="Prompt")
        negative_prompt = gr.Textbox(label="Negative prompt")
        seed = gr.Textbox(label="Seed", value="")
        random_seed = gr.Checkbox(label="Random seed", value=True)
        width = gr.Slider(label="Width", minimum=256, maximum=1536, step=64, value=768)
        height = gr.Slider(label="Height", minimum=256, maximum=1536, step=64, value=768)
        go = gr.Button("Generate")
        out = gr.Image(label="Result", type="filepath")
        go.click(txt2img, [prompt, negative_prompt, seed, random_seed, width, height], out,
                 api_name="txt2img")
    return demo


# ------------------------------------------------------------------ ZeroGPU quota
@shape("zerogpu-quota", ["prompt", "seed", "steps", "size"],
       "records the call, then fails like a ZeroGPU Space out of quota", fails="quota")
def zerogpu_quota():
    def infer(prompt, seed, randomize_seed, width, height, num_inference_steps):
        record("zerogpu-quota", prompt, None, effective_seed(seed, randomize_seed),
               num_inference_steps, width, height)
        raise gr.Error("You have exceeded your GPU quota (60s requested vs. 0s left). "
                       "Try again in 0:00:42")

    with gr.Blocks() as demo:
        prompt = gr.Text(label="Prompt")
        run = gr.Button("Run")
        result = gr.Image(label="Result", type="filepath")
        seed = gr.Slider(label="Seed", minimum=0, maximum=MAX_SEED, step=1, value=0)
        randomize_seed = gr.Checkbox(label="Randomize seed", value=True)
        width = gr.Slider(label="Width", minimum=256, maximum=2048, step=32, value=1024)
        height = gr.Slider(label="Height", minimum=256, maximum=2048, step=32, value=1024)
        steps = gr.Slider(label="Number of inference steps", minimum=1, maximum=50, step=1,
                          value=4)
        on(triggers((run, "click"), (prompt, "submit")), infer,
           [prompt, seed, randomize_seed, width, height, steps], [result, seed], "infer")
    return demo


def add_routes(app):
    """The control routes of the corpus on the parent FastAPI app."""

    @app.get("/control/corpus")
    def corpus():
        return MANIFEST

    @app.get("/control/received/{name}")
    def last(name: str):
        return received(name) or {}
