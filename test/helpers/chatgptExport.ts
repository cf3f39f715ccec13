/**
 * A ChatGPT data export (`conversations.json`) written the way ChatGPT writes one: each conversation a tree of
 * message nodes (`mapping`), an empty root, a hidden system message, regenerated answers and edited questions as
 * sibling branches, tool traffic, an image part, and `current_node` on the branch the user last saw.
 */

interface Node {
  id: string;
  message: unknown;
  parent: string | null;
  children: string[];
}

const T0 = 1_700_000_000; // seconds, as ChatGPT writes them

function tree(): { mapping: Record<string, Node>; add: (id: string, parent: string | null, message: unknown) => void } {
  const mapping: Record<string, Node> = {};
  return {
    mapping,
    add: (id, parent, message) => {
      mapping[id] = { id, message, parent, children: [] };
      if (parent) mapping[parent]!.children.push(id);
    },
  };
}

const msg = (role: string, parts: unknown[], t: number, extra: Record<string, unknown> = {}) => ({
  id: `msg-${t}`,
  author: { role, name: null, metadata: {} },
  create_time: T0 + t,
  update_time: null,
  content: { content_type: 'text', parts },
  status: 'finished_successfully',
  end_turn: true,
  weight: 1,
  metadata: {},
  recipient: 'all',
  ...extra,
});

export const FIZZBUZZ = [
  'Here it is:',
  '',
  '```python',
  'for i in range(1, 16):',
  '    print("FizzBuzz" if i % 15 == 0 else "Fizz" if i % 3 == 0 else "Buzz" if i % 5 == 0 else i)',
  '```',
  '',
  'And a `one-liner` too.',
].join('\n');

/** Two conversations: "Firewood questions" with three branches, and "FizzBuzz" with code and an image part. */
export function chatgptExport(): unknown[] {
  const a = tree();
  a.add('root', null, null);
  a.add('sys', 'root', {
    ...msg('system', [''], 0),
    metadata: { is_visually_hidden_from_conversation: true },
  });
  a.add('q1', 'sys', msg('user', ['How should I store firewood?'], 1));
  a.add('a1', 'q1', msg('assistant', ['Stack it off the ground.'], 2, { metadata: { model_slug: 'gpt-4o' } }));
  a.add('a2', 'q1', msg('assistant', ['Keep it covered, with the sides open.'], 3, { metadata: { model_slug: 'gpt-4o' } }));
  a.add('tool-call', 'a2', {
    ...msg('assistant', [], 4, { recipient: 'browser' }),
    content: { content_type: 'code', text: 'search("seasoning")' },
  });
  a.add('tool-out', 'tool-call', { ...msg('tool', [], 5), content: { content_type: 'tether_browsing_display', result: '...' } });
  a.add('q2', 'tool-out', msg('user', ['And for how long?'], 6));
  a.add('a3', 'q2', msg('assistant', ['About six months for softwood, a year or more for oak.'], 7));
  a.add('q1-edit', 'sys', msg('user', ['How should I store oak firewood?'], 8));
  a.add('a4', 'q1-edit', msg('assistant', ['Split it first, then stack it bark up.'], 9));

  const b = tree();
  b.add('root', null, null);
  b.add('q', 'root', {
    ...msg('user', [], 20),
    content: {
      content_type: 'multimodal_text',
      parts: [{ content_type: 'image_asset_pointer', asset_pointer: 'file-service://x' }, 'Show me FizzBuzz in Python'],
    },
  });
  b.add('a', 'q', msg('assistant', [FIZZBUZZ], 21));

  // ChatGPT lists the newest conversation first.
  return [
    { title: 'FizzBuzz', create_time: T0 + 20, update_time: T0 + 21, mapping: b.mapping, current_node: 'a', id: 'conv-b' },
    { title: 'Firewood questions', create_time: T0, update_time: T0 + 9, mapping: a.mapping, current_node: 'a3', id: 'conv-a' },
  ];
}

/** What Hearth should make of chatgptExport(): titles, then each message as [role, text]. */
export const EXPECTED = [
  {
    title: 'Firewood questions',
    messages: [
      ['user', 'How should I store firewood?'],
      ['assistant', 'Keep it covered, with the sides open.'],
      ['user', 'And for how long?'],
      ['assistant', 'About six months for softwood, a year or more for oak.'],
    ],
  },
  {
    title: 'Firewood questions (branch 1)',
    messages: [
      ['user', 'How should I store firewood?'],
      ['assistant', 'Stack it off the ground.'],
    ],
  },
  {
    title: 'Firewood questions (branch 2)',
    messages: [
      ['user', 'How should I store oak firewood?'],
      ['assistant', 'Split it first, then stack it bark up.'],
    ],
  },
  {
    title: 'FizzBuzz',
    messages: [
      ['user', 'Show me FizzBuzz in Python'],
      ['assistant', FIZZBUZZ],
    ],
  },
];
/** The hidden system message, the tool call and the tool output. */
export const EXPECTED_SKIPPED = 3;
export const CHATGPT_T0_MS = T0 * 1000;
