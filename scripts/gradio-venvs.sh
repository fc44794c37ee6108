#!/usr/bin/env bash
# Provisions one Python venv per pinned Gradio release for the contract tests.
# Venvs live outside the checkout (GRADIO_VENV_HOME, default ~/.cache/imagine-bot/gradio)
# and are reused when their marker file says they are complete.
set -euo pipefail
home="${GRADIO_VENV_HOME:-$HOME/.cache/imagine-bot/gradio}"
py="${PYTHON:-python3}"
mkdir -p "$home"

# release -> extra pins. Old releases predate breaking changes in their unpinned
# dependencies (httpx 0.28 dropped `proxies`, huggingface_hub 0.26+/1.x removed
# HfFolder, pydantic 2.11 broke 4.44's schema walk, numpy 2 broke 3.x).
declare -A PINS=(
  [6.31.0]=""
  [5.50.0]=""
  [4.44.1]="pydantic==2.10.6 fastapi==0.112.4 huggingface_hub==0.25.2 httpx==0.27.2 numpy<2"
  [4.20.1]="pydantic==2.10.6 fastapi==0.109.2 huggingface_hub==0.25.2 httpx==0.27.2 numpy<2"
  [3.50.2]="pydantic==2.10.6 fastapi==0.104.1 huggingface_hub==0.25.2 httpx==0.27.2 numpy<2 websockets<12"
)
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(6.31.0 5.50.0 4.44.1 4.20.1 3.50.2)

provision() {
  local v="$1" dir="$home/$1"
  if [ -f "$dir/.ready" ]; then echo "gradio $v: cached at $dir"; return 0; fi
  echo "gradio $v: provisioning $dir"
  rm -rf "$dir"
  "$py" -m venv "$dir"
  # shellcheck disable=SC2086
  "$dir/bin/pip" install -q --disable-pip-version-check "gradio==$v" ${PINS[$v]} >"$dir.log" 2>&1 \
    || { echo "gradio $v: pip install failed, see $dir.log"; tail -20 "$dir.log"; return 1; }
  "$dir/bin/python" -c "import gradio, gradio_client; print('gradio', gradio.__version__)" >>"$dir.log" 2>&1 \
    || { echo "gradio $v: import failed, see $dir.log"; tail -20 "$dir.log"; return 1; }
  touch "$dir/.ready"
  echo "gradio $v: ready"
}

status=0
for v in "${versions[@]}"; do provision "$v" || status=1; done
exit $status
