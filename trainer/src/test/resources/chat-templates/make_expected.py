"""Renders chat-template cases as transformers 4.45's apply_chat_template does (its Jinja environment, rebuilt
here from jinja2 alone: ImmutableSandboxedEnvironment with trim_blocks, lstrip_blocks and loopcontrols; tojson as
json.dumps(ensure_ascii=False); raise_exception), and writes cases.json for ChatTemplateTest.
Run: python3 make_expected.py  (jinja2 3.1)."""
import json
import jinja2
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception

TEMPLATES = {
    # ChatML with a default system turn and tools, in the style of Qwen2.5's template.
    "chatml": (
        "{%- if tools %}\n"
        "    {{- '<|im_start|>system\\n' }}\n"
        "    {%- if messages[0]['role'] == 'system' %}\n"
        "        {{- messages[0]['content'] }}\n"
        "    {%- else %}\n"
        "        {{- 'You are a helpful assistant.' }}\n"
        "    {%- endif %}\n"
        "    {{- '\\n\\n# Tools\\n<tools>' }}\n"
        "    {%- for tool in tools %}\n"
        "        {{- '\\n' }}\n"
        "        {{- tool | tojson }}\n"
        "    {%- endfor %}\n"
        "    {{- '\\n</tools><|im_end|>\\n' }}\n"
        "{%- else %}\n"
        "    {%- if messages[0]['role'] == 'system' %}\n"
        "        {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}\n"
        "    {%- else %}\n"
        "        {{- '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}\n"
        "    {%- endif %}\n"
        "{%- endif %}\n"
        "{%- for message in messages %}\n"
        "    {%- if (message.role == 'user') or (message.role == 'system' and not loop.first) or (message.role == 'assistant') %}\n"
        "        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}\n"
        "    {%- endif %}\n"
        "{%- endfor %}\n"
        "{%- if add_generation_prompt %}\n"
        "    {{- '<|im_start|>assistant\\n' }}\n"
        "{%- endif %}\n"),
    # Header/eot turns with trimmed content, in the style of Llama 3's template.
    "headers": (
        "{% set loop_messages = messages %}{% for message in loop_messages %}"
        "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}"
        "{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
        "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}"),
    # [INST] turns that must alternate, system folded into the first user turn, in the style of Llama 2 / Mistral.
    "inst": (
        "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
        "{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}"
        "{% set system_message = false %}{% endif %}"
        "{% for message in loop_messages %}"
        "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
        "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
        "{% if loop.index0 == 0 and system_message != false %}"
        "{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}"
        "{% else %}{% set content = message['content'] %}{% endif %}"
        "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}"
        "{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}"
        "{% endfor %}"),
    # namespace, startswith and reasoning-free turns, in the style of Qwen3's template.
    "namespace": (
        "{%- set ns = namespace(last_user=0, tool_turns=0) %}\n"
        "{%- for message in messages %}\n"
        "    {%- if message.role == 'user' and not message.content.startswith('<tool_response>') %}\n"
        "        {%- set ns.last_user = loop.index0 %}\n"
        "    {%- elif message.role == 'user' %}\n"
        "        {%- set ns.tool_turns = ns.tool_turns + 1 %}\n"
        "    {%- endif %}\n"
        "{%- endfor %}\n"
        "{%- for message in messages %}\n"
        "    {%- if message.content is string %}\n"
        "        {%- set content = message.content %}\n"
        "    {%- else %}\n"
        "        {%- set content = '' %}\n"
        "    {%- endif %}\n"
        "    {{- '<|im_start|>' + message.role + '\\n' + content.strip() }}\n"
        "    {%- if loop.index0 == ns.last_user %}{{- ' (last user turn)' }}{%- endif %}\n"
        "    {{- '<|im_end|>\\n' }}\n"
        "{%- endfor %}\n"
        "{{- 'tool turns: ' ~ ns.tool_turns ~ '\\n' }}\n"
        "{%- if add_generation_prompt %}\n"
        "    {{- '<|im_start|>assistant\\n' }}\n"
        "{%- endif %}\n"),
}

CONVERSATIONS = {
    "one_turn": [{"role": "user", "content": "What is 2 + 2?"}],
    "with_system": [{"role": "system", "content": "Answer briefly."},
                    {"role": "user", "content": "  Name a colour. "},
                    {"role": "assistant", "content": "Blue.\n"},
                    {"role": "user", "content": "Another, über-short, with \"quotes\"."}],
    "tool_reply": [{"role": "user", "content": "Weather in Paris?"},
                   {"role": "assistant", "content": "Let me check."},
                   {"role": "user", "content": "<tool_response>{\"temp\": 21}</tool_response>"}],
    "not_alternating": [{"role": "user", "content": "Hi."}, {"role": "user", "content": "Hello?"}],
}
TOOLS = [{"type": "function", "function": {"name": "get_weather", "description": "Weather for a city, in °C.",
                                           "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                                                          "required": ["city"]}}}]
SPECIAL = {"bos_token": "<s>", "eos_token": "</s>"}

cases = []
for tname, template in TEMPLATES.items():
    for cname, messages in CONVERSATIONS.items():
        for gen in (False, True):
            for tools in ([None, TOOLS] if tname == "chatml" else [None]):
                case = {"template": tname, "conversation": cname, "add_generation_prompt": gen,
                        "tools": tools}
                try:
                    case["expected"] = env.from_string(template).render(messages=messages, tools=tools,
                                                                        add_generation_prompt=gen, **SPECIAL)
                except jinja2.exceptions.TemplateError as e:
                    case["error"] = str(e)
                cases.append(case)

with open("cases.json", "w", encoding="utf-8") as f:
    json.dump({"producer": "make_expected.py, jinja2 " + jinja2.__version__, "special_tokens": SPECIAL,
               "templates": TEMPLATES, "conversations": CONVERSATIONS, "cases": cases}, f, ensure_ascii=False,
              indent=1)
print(len(cases), "cases,", sum("error" in c for c in cases), "errors")
