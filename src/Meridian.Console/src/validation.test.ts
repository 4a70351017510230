import { describe, expect, it } from 'vitest';
import { checkLocally, describe as describeProblem, fromServer, lineColumn, offsetOf } from './validation';

describe('checkLocally', () => {
  it('passes valid YAML and JSON', () => {
    expect(checkLocally('yaml', 'server:\n  port: 8080\n')).toBeNull();
    expect(checkLocally('json', '{"port": 8080}')).toBeNull();
  });

  it('places a YAML error on its line', () => {
    const problem = checkLocally('yaml', 'server:\n  port: 8080\n bad: [1, 2\n');
    expect(problem).not.toBeNull();
    expect(problem!.line).toBeGreaterThanOrEqual(3);
  });

  it('places a JSON error where the parser stopped', () => {
    const problem = checkLocally('json', '{\n  "port": 8080,\n}');
    expect(problem).not.toBeNull();
    expect(problem!.line).toBe(3);
  });

  it('leaves the other types to the server', () => {
    expect(checkLocally('properties', '=oops')).toBeNull();
    expect(checkLocally('text', '{{{')).toBeNull();
  });
});

describe('positions', () => {
  it('converts offsets and line/column both ways', () => {
    const text = 'ab\ncde\nf';
    expect(lineColumn(text, 4)).toEqual({ line: 2, column: 2 });
    expect(offsetOf(text, 2, 2)).toBe(4);
    expect(offsetOf(text, 99, 99)).toBe(text.length);
  });

  it('shows the server answer the way a publish would refuse it', () => {
    expect(fromServer({ valid: true, line: null, column: null, reason: null })).toBeNull();
    const problem = fromServer({ valid: false, line: 4, column: 7, reason: "expected '='" })!;
    expect(describeProblem(problem)).toBe("Line 4, column 7: expected '='");
  });
});
