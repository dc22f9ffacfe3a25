import { describe, expect, it } from 'vitest';
import { canonicalize, parseCanonical } from './canonical-json.ts';

function fromIeee754(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe('RFC 8785 canonical JSON', () => {
  it('writes the RFC §3.2.2 sample exactly as the RFC publishes it, byte for byte (§3.2.4)', () => {
    // The input as JavaScript parses the RFC's sample text.
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    );
    const out = canonicalize(input);
    expect(out).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
    const hex = Buffer.from(out, 'utf8').toString('hex').replace(/(..)/g, '$1 ').trim();
    expect(hex).toBe(
      '7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72 75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a ' +
        '5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31 65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37 ' +
        '5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30 30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d',
    );
  });

  it('sorts member names by UTF-16 code units, as in the RFC §3.2.3 example (emoji before U+FB33)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalize(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  const appendixB: [string, string][] = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ];
  it.each(appendixB)('writes the Appendix B number 0x%s as %s', (bits, text) => {
    expect(canonicalize(fromIeee754(bits))).toBe(text);
    expect(canonicalize([fromIeee754(bits)])).toBe(`[${text}]`);
  });

  it('refuses NaN and Infinity (Appendix B 7fffffffffffffff, 7ff0000000000000)', () => {
    expect(() => canonicalize(fromIeee754('7fffffffffffffff'))).toThrow(/finite/);
    expect(() => canonicalize({ a: [fromIeee754('7ff0000000000000')] })).toThrow(expect.objectContaining({ where: '.a[0]' }));
  });

  it('escapes controls with short forms where they exist and lower-case \\u00xx otherwise, and nothing else', () => {
    expect(canonicalize('\b\t\n\f\r\u0000\u001f\u007f\u2028"\\/é')).toBe('"\\b\\t\\n\\f\\r\\u0000\\u001f\u007f\u2028\\"\\\\/é"');
  });

  it('refuses lone surrogates but keeps valid pairs', () => {
    expect(canonicalize('a\ud83d\ude00b')).toBe('"a\ud83d\ude00b"');
    expect(() => canonicalize('x\ud83d')).toThrow(/lone surrogate U\+D83D/);
    expect(() => canonicalize({ ['\udc00']: 1 })).toThrow(/lone surrogate/);
  });

  it('refuses values JSON cannot carry instead of dropping them silently', () => {
    expect(() => canonicalize({ a: undefined })).toThrow(/undefined/);
    expect(() => canonicalize([1, undefined])).toThrow(/undefined/);
    expect(() => canonicalize({ when: new Date(0) })).toThrow(/Date/);
    expect(() => canonicalize(10n)).toThrow(/bigint/);
    expect(() => canonicalize(new Map())).toThrow(/Map/);
  });

  it('sorts nested objects and keeps array order', () => {
    expect(canonicalize({ b: [{ z: 1, a: 2 }, 3], a: { d: null, c: true } })).toBe('{"a":{"c":true,"d":null},"b":[{"a":2,"z":1},3]}');
  });

  it('accepts canonical text and refuses text that is valid JSON but not canonical', () => {
    expect(parseCanonical('{"a":1,"b":[true]}', 'x')).toEqual({ a: 1, b: [true] });
    expect(() => parseCanonical('{"b":1,"a":2}', 'x')).toThrow(/canonical/);
    expect(() => parseCanonical('{"a": 1}', 'x')).toThrow(/canonical/);
    expect(() => parseCanonical('{"a":1,"a":1}', 'x')).toThrow(/canonical/);
    expect(() => parseCanonical('{"a":1.0}', 'x')).toThrow(/canonical/);
    expect(() => parseCanonical('"\\u0041"', 'x')).toThrow(/canonical/);
    expect(() => parseCanonical('{', 'x')).toThrow(/not valid JSON/);
  });
});
