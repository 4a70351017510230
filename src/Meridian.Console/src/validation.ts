import { parseDocument } from 'yaml';
import type { ContentCheck } from './api';

/** A problem in the content as the editor shows it: 1-based line and column, and what is wrong. */
export interface ContentProblem { line: number; column: number; message: string }

export const configTypes = ['text', 'json', 'yaml', 'properties', 'xml', 'html', 'toml'] as const;

/**
 * Checks JSON and YAML in the page as the user types (no request per key stroke); the server's check
 * (POST /v1/configs/check, the same parser a publish uses) has the last word, for these and the other types.
 */
export function checkLocally(type: string, content: string): ContentProblem | null {
  if (type === 'json') {
    if (content.trim() === '') return { line: 1, column: 1, message: 'JSON content is empty.' };
    try {
      JSON.parse(content);
      return null;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const at = /position (\d+)/.exec(message);
      const lc = /line (\d+) column (\d+)/.exec(message);
      if (lc) return { line: Number(lc[1]), column: Number(lc[2]), message };
      const { line, column } = at ? lineColumn(content, Number(at[1])) : { line: 1, column: 1 };
      return { line, column, message };
    }
  }
  if (type === 'yaml') {
    const doc = parseDocument(content, { prettyErrors: false });
    const error = doc.errors[0];
    if (!error) return null;
    const { line, column } = lineColumn(content, error.pos[0]);
    return { line, column, message: error.message.split('\n')[0] };
  }
  return null;
}

/** The server's answer as a problem, or null when the content passed. */
export function fromServer(check: ContentCheck): ContentProblem | null {
  return check.valid ? null : { line: check.line ?? 1, column: check.column ?? 1, message: check.reason ?? 'The content does not parse.' };
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/** The offset of a 1-based line and column, clamped to the text: where the editor puts the mark. */
export function offsetOf(text: string, line: number, column: number): number {
  const lines = text.split('\n');
  const l = Math.min(Math.max(line, 1), lines.length);
  let offset = 0;
  for (let i = 0; i < l - 1; i++) offset += lines[i].length + 1;
  return offset + Math.min(Math.max(column - 1, 0), lines[l - 1].length);
}

/** How a problem reads under the editor. */
export function describe(problem: ContentProblem): string {
  return `Line ${problem.line}, column ${problem.column}: ${problem.message}`;
}
