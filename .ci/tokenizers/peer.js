// The trainer's tokenizer and chat-template peers (HfTokenizerConformanceIT):
//   node peer.js encode <tokenizer.json> <texts.json>         -> [{with: [ids], without: [ids], decoded: "..."}]
//   node peer.js chat <tokenizer_config.json> <cases.json>    -> ["rendered" | {"error": "..."}]
// encode uses Hugging Face's Rust tokenizers (Node binding); chat uses @huggingface/jinja, the Jinja that
// transformers.js renders chat templates with, given the special tokens as transformers passes them.
'use strict';
const fs = require('fs');
const { Tokenizer } = require('tokenizers');
const { Template } = require('@huggingface/jinja');

async function encode(tokenizerFile, textsFile) {
  const tokenizer = Tokenizer.fromFile(tokenizerFile);
  const out = [];
  for (const text of JSON.parse(fs.readFileSync(textsFile, 'utf8'))) {
    const withSpecial = await tokenizer.encode(text, null, { addSpecialTokens: true });
    const without = await tokenizer.encode(text, null, { addSpecialTokens: false });
    const ids = Array.from(withSpecial.getIds());
    out.push({ with: ids, without: Array.from(without.getIds()), decoded: await tokenizer.decode(ids, true) });
  }
  return out;
}

function tokenText(value) {
  if (typeof value === 'string') return value;
  if (value && typeof value.content === 'string') return value.content;
  return undefined;
}

function chat(configFile, casesFile) {
  const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
  const template = new Template(config.chat_template);
  const special = {};
  for (const key of ['bos_token', 'eos_token', 'unk_token', 'pad_token']) {
    const text = tokenText(config[key]);
    if (text !== undefined) special[key] = text;
  }
  return JSON.parse(fs.readFileSync(casesFile, 'utf8')).map((c) => {
    try {
      return template.render({ ...special, messages: c.messages, tools: c.tools, add_generation_prompt: c.add_generation_prompt });
    } catch (e) {
      return { error: String(e.message || e) };
    }
  });
}

(async () => {
  const [command, a, b] = process.argv.slice(2);
  const result = command === 'encode' ? await encode(a, b) : command === 'chat' ? chat(a, b) : null;
  if (result === null) throw new Error('usage: peer.js encode <tokenizer.json> <texts.json> | chat <config> <cases>');
  process.stdout.write(JSON.stringify(result));
})().catch((e) => {
  process.stderr.write(String(e.stack || e) + '\n');
  process.exit(1);
});
