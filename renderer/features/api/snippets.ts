/** One way to call the server, ready to paste. */
export interface Snippet {
  id: 'curl' | 'node' | 'python';
  label: string;
  code: string;
}

/** Stands in for the model where the user has not picked one: `/v1/models` lists the names to use. */
export const MODEL_PLACEHOLDER = 'MODEL';

/**
 * How to use the server from a shell, Node and Python, with the real address. The key is read from the
 * HEARTH_API_KEY environment variable, never written into the text, so a snippet pasted into a chat or a
 * repository carries no secret.
 */
export function usageSnippets(baseUrl: string, model: string | null): Snippet[] {
  const m = JSON.stringify(model ?? MODEL_PLACEHOLDER);
  const body = `{"model": ${m}, "messages": [{"role": "user", "content": "Hello"}]}`;
  return [
    {
      id: 'curl',
      label: 'curl',
      code: [
        "export HEARTH_API_KEY='paste the key here'",
        `curl ${baseUrl}/models -H "Authorization: Bearer $HEARTH_API_KEY"`,
        `curl ${baseUrl}/chat/completions \\`,
        '  -H "Authorization: Bearer $HEARTH_API_KEY" \\',
        '  -H "Content-Type: application/json" \\',
        `  -d '${body}'`,
      ].join('\n'),
    },
    {
      id: 'node',
      label: 'Node (openai)',
      code: [
        "import OpenAI from 'openai';",
        '',
        `const client = new OpenAI({ baseURL: '${baseUrl}', apiKey: process.env.HEARTH_API_KEY });`,
        'const reply = await client.chat.completions.create({',
        `  model: ${m},`,
        "  messages: [{ role: 'user', content: 'Hello' }],",
        '});',
        'console.log(reply.choices[0].message.content);',
      ].join('\n'),
    },
    {
      id: 'python',
      label: 'Python (openai)',
      code: [
        'import os',
        'from openai import OpenAI',
        '',
        `client = OpenAI(base_url="${baseUrl}", api_key=os.environ["HEARTH_API_KEY"])`,
        'reply = client.chat.completions.create(',
        `    model=${m},`,
        '    messages=[{"role": "user", "content": "Hello"}],',
        ')',
        'print(reply.choices[0].message.content)',
      ].join('\n'),
    },
  ];
}

/** The address to paste into a tool: the running server's, or the one it will have on this port. */
export function baseUrlFor(status: { baseUrl: string | null; port: number }): string {
  return status.baseUrl ?? `http://127.0.0.1:${status.port}/v1`;
}
