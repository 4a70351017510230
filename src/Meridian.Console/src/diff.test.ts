import { describe, expect, it } from 'vitest';
import { diffSummary, lineDiff } from './diff';

describe('lineDiff', () => {
  it('keeps common lines and marks what was removed and added', () => {
    expect(lineDiff('a\nb\nc', 'a\nx\nc')).toEqual([
      { kind: 'same', text: 'a' }, { kind: 'del', text: 'b' }, { kind: 'add', text: 'x' }, { kind: 'same', text: 'c' },
    ]);
  });

  it('treats an empty side as no lines', () => {
    expect(lineDiff('', 'port: 8080')).toEqual([{ kind: 'add', text: 'port: 8080' }]);
    expect(lineDiff('port: 8080', '')).toEqual([{ kind: 'del', text: 'port: 8080' }]);
  });

  it('summarises added and removed lines', () => {
    expect(diffSummary('a\nb', 'a\nb')).toBe('no change');
    expect(diffSummary('a\nb', 'a\nc\nd')).toBe('+2 −1 lines');
    expect(diffSummary('', 'x')).toBe('+1 −0 line');
  });
});
