"""Golden renders of chat-template constructs by transformers' own renderer (jinja2 as
`apply_chat_template` sets it up: trim_blocks, lstrip_blocks, raise_exception, its tojson).

Each case is a small template that exercises one construct Qwen chat templates use (Python string
methods, slices with a step, namespace counters, macros, tojson, whitespace control, tests,
raise_exception) with the messages and options it is rendered with, and the output or the error
message transformers gives. The Java ChatTemplate (Jinjava) must render each byte for byte.

    /work/venvs/reference/bin/python tools/reference/chat_template_goldens.py

Needs transformers (requirements-model.txt); torch is not imported. Deterministic.
"""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
import transformers
from transformers.utils.chat_template_utils import render_jinja_template

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "generation" / "src" / "test" / "resources" / "chat" / "construct-goldens.json"

USER = [{"role": "user", "content": "  Hello, World!  \n"}]
CHAT = [
    {"role": "system", "content": "You read pages."},
    {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "What is the total?"}]},
    {"role": "assistant", "content": "<think>\nAdd the rows.\n</think>\n\nThe total is 42.", "reasoning_content": None},
    {"role": "user", "content": "<tool_response>ok</tool_response>"},
]
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "search",
            "description": "Search pages — «quoted» \"text\"\n",
            "parameters": {
                "type": "object",
                "properties": {"q": {"type": "string"}, "k": {"type": "integer", "default": 5}},
                "required": ["q"],
            },
        },
    }
]

CASES = [
    # Python string methods
    # (tests print through if: Jinjava prints a boolean as true, Python as True)
    ("startswith-endswith", "{% for t in [messages[0].content.startswith('  Hello'), messages[0].content.endswith('!'),"
     " messages[0].content.strip().endswith('!'), 'abc'.startswith(('x', 'a'))] %}{{ 'T' if t else 'F' }}{% endfor %}",
     USER, {}),
    ("strip-family", "[{{ messages[0].content.strip() }}][{{ messages[0].content.lstrip() }}]"
     "[{{ messages[0].content.rstrip() }}][{{ '\\n\\nx\\n'.strip('\\n') }}][{{ 'xxaxx'.lstrip('x') }}]"
     "[{{ 'xxaxx'.rstrip('x') }}]", USER, {}),
    ("split", "{% for p in 'a</think>b</think>c'.split('</think>') %}({{ p }}){% endfor %}"
     "{{ '  a  b c '.split() | length }}{% for p in '  a  b c '.split() %}<{{ p }}>{% endfor %}"
     "{{ 'a,b,c'.split(',', 1) | length }}{{ 'a,b,c'.rsplit(',', 1)[0] }}"
     "{{ 'x<think>y'.split('<think>')[-1] }}", USER, {}),
    ("think-split-as-qwen", "{% set c = messages[2].content %}{% if '</think>' in c %}"
     "{% set r = c.split('</think>')[0].rstrip('\\n').split('<think>')[-1].lstrip('\\n') %}"
     "{% set c = c.split('</think>')[-1].lstrip('\\n') %}[{{ r }}][{{ c }}]{% endif %}", CHAT, {}),
    ("case-and-replace", "{{ 'Hello'.upper() }}{{ 'Hello'.lower() }}{{ 'a-b-c'.replace('-', '+') }}"
     "{{ ', '.join(['x', 'y']) }}{{ 'hello world'.title() }}", USER, {}),
    # slices and indexes
    ("reversed-slice", "{% for m in messages[::-1] %}{{ m.role }},{% endfor %}|"
     "{% for m in messages[1:] %}{{ loop.index0 }}{% endfor %}|{{ messages[-1].role }}|"
     "{% for m in messages[::2] %}{{ m.role }};{% endfor %}|{{ 'abc'[::-1] }}|{{ (messages[:-1]) | length }}",
     CHAT, {}),
    ("last-user-query", "{% set ns = namespace(multi_step_tool=true, last_query_index=messages|length - 1) %}"
     "{% for message in messages[::-1] %}{% set index = (messages|length - 1) - loop.index0 %}"
     "{% if ns.multi_step_tool and message.role == 'user' and message.content is string and "
     "not(message.content.startswith('<tool_response>') and message.content.endswith('</tool_response>')) %}"
     "{% set ns.multi_step_tool = false %}{% set ns.last_query_index = index %}{% endif %}{% endfor %}"
     "{{ ns.last_query_index }}", CHAT, {}),
    # namespace counters and macros, as the vision template numbers pictures
    ("namespace-counter", "{% set image_count = namespace(value=0) %}{% for m in messages %}"
     "{% if m.content is not string %}{% for c in m.content %}{% if c.type == 'image' or 'image' in c %}"
     "{% set image_count.value = image_count.value + 1 %}{% if add_vision_id %}Picture {{ image_count.value }}: "
     "{% endif %}<|vision_start|><|image_pad|><|vision_end|>{% elif 'text' in c %}{{ c.text }}{% endif %}"
     "{% endfor %}{% endif %}{% endfor %}", CHAT, {"add_vision_id": True}),
    ("macro", "{%- macro render(content) -%}{%- if content is string -%}{{ content }}"
     "{%- else -%}{%- for item in content -%}{%- if 'text' in item -%}{{ item.text }}{%- endif -%}"
     "{%- endfor -%}{%- endif -%}{%- endmacro -%}{% for m in messages %}[{{ render(m.content) }}]{% endfor %}",
     CHAT, {}),
    # tojson as transformers defines it
    ("tojson", "{{ tools | tojson }}\n{{ {'a': 1.0, 'b': 0.5, 'c': 1e-05, 'd': 123456789.0, 'e': 1e16, 'f': -2,"
     " 'g': none, 'h': true, 'i': 'é\\t\"'} | tojson }}\n{{ tools[0] | tojson(indent=2) }}", USER,
     {"tools": TOOLS}),
    ("tools-block", "{%- if tools %}{{- '<|im_start|>system\\n' }}{%- if messages[0].role == 'system' %}"
     "{{- messages[0].content + '\\n\\n' }}{%- endif %}{{- '# Tools\\n\\n<tools>' }}{%- for tool in tools %}"
     "{{- '\\n' }}{{- tool | tojson }}{%- endfor %}{{- '\\n</tools><|im_end|>\\n' }}{%- endif %}", CHAT,
     {"tools": TOOLS}),
    # whitespace control, trim_blocks and lstrip_blocks
    ("whitespace", "{% for m in messages %}\n    {% if m.role == 'user' %}\n  U:{{ m.role }}\n    {% endif %}\n"
     "{%- if loop.last %}\nlast\n{% endif %}\n{% endfor %}\n  end  \n{{- '\\n' }}", CHAT, {}),
    ("tests-and-loop", "{% for m in messages %}{{ loop.index }}/{{ loop.length }}{% if loop.first %}F{% endif %}"
     "{% if loop.last %}L{% endif %}{% if m.content is string %}s{% elif m.content is iterable %}i{% endif %}"
     "{% if m.missing is not defined %}u{% endif %}"
     "{% endfor %}{{ messages | length ~ '!' }}{{ 'x' if add_generation_prompt else 'y' }}", CHAT,
     {"add_generation_prompt": True}),
    ("reasoning-aliases", "{% for m in messages %}[{{ m.reasoning_content }}|{{ m.thinking }}]{% endfor %}",
     [{"role": "assistant", "content": "a", "thinking": "t1"},
      {"role": "assistant", "content": "b", "reasoning": "t2"},
      {"role": "assistant", "content": "c", "reasoning_content": "t3"}], {}),
    ("generation-prompt", "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}"
     "{% if add_generation_prompt %}<|im_start|>assistant\n{% if enable_thinking is defined and not enable_thinking %}"
     "<think>\n\n</think>\n\n{% endif %}{% endif %}", USER, {"add_generation_prompt": True, "enable_thinking": False}),
    ("dict-methods", "{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }};{% endfor %}"
     "{{ messages[0].get('role') }}{{ messages[0].get('nothing', 'dflt') }}", USER, {}),
    # errors
    ("raise", "{% if messages[0].role != 'system' %}{{ raise_exception('The first message must be a system message, got ' + messages[0].role) }}{% endif %}",
     USER, {}),
]


def main() -> None:
    cases = []
    for name, template, messages, options in CASES:
        case = {"name": name, "template": template, "messages": messages, "options": options}
        try:
            rendered, _ = render_jinja_template(conversations=[messages], chat_template=template, **options)
            case["output"] = rendered[0]
        except jinja2.exceptions.TemplateError as e:
            case["error"] = str(e)
        cases.append(case)
    out = {
        "renderer": "transformers.utils.chat_template_utils.render_jinja_template",
        "transformers": transformers.__version__,
        "jinja2": jinja2.__version__,
        "cases": cases,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
