import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePackage, encodePackage, packagedValue, type PackageVariable } from './data-package.js';
import { isMethodScriptError } from './errors.js';

const single = (field: string): PackageVariable => {
  const [variable] = decodePackage(`P${field}`).variables;
  if (!variable) throw new Error('no variable');
  return variable;
};

describe('data package codec', () => {
  describe('PROTOCOLS.md vectors', () => {
    it('decodes da7F85F3Fu as -0.499905 V applied potential', () => {
      expect(single('da7F85F3Fu')).toEqual({ type: 'da', value: -0.499905 });
    });
    it('decodes ba48D503Dp as -57.85 uA WE current', () => {
      const variable = single('ba48D503Dp');
      expect(variable.type).toBe('ba');
      expect(variable.value).toBeCloseTo(-57.85e-6, 8);
    });
    it('decodes dcDF5DFF4u as 99.9997 Hz', () => {
      // 0xDF5DFF4 - 2^27 = 99999732 u; PROTOCOLS.md rounds it to 99.9997.
      expect(single('dcDF5DFF4u').value).toBeCloseTo(99.9997, 4);
    });
    it('decodes cc896D904m as 9885.956 ohm', () => {
      expect(single('cc896D904m').value).toBe(9885.956);
    });
    it('encodes +100 mV as da80186A0u', () => {
      expect(encodePackage({ variables: [{ type: 'da', value: 0.1 }] })).toBe('Pda80186A0u');
    });
  });

  it('reads the metadata of the example exchange: status, range with the high-speed bit', () => {
    const pkg = decodePackage('Pda7F85F3Fu;ba48D503Dp,10,288');
    expect(pkg.variables).toHaveLength(2);
    expect(pkg.variables[1]).toMatchObject({ type: 'ba', status: 0, rangeIndex: 0x88 });
    expect((pkg.variables[1]!.rangeIndex! & 0x80) !== 0).toBe(true);
  });

  it('reads status bits, noise and unknown metadata', () => {
    const variable = single('ab80186A0u,1B,4abc,7zz');
    expect(variable).toMatchObject({ status: 0xb, noise: 'abc', otherMetadata: ['7zz'] });
  });

  it('reads and writes NaN as five spaces and nan', () => {
    expect(Number.isNaN(single('ab     nan').value)).toBe(true);
    expect(encodePackage({ variables: [{ type: 'ab', value: Number.NaN, status: 2 }] })).toBe('Pab     nan,12');
  });

  it.each([
    ['', 'does not start with P'],
    ['P', 'has no variables'],
    ['Pda7F85F3F', 'is not 2 type letters'],
    ['PDA7F85F3Fu', 'is not a variable type'],
    ['Pda7F85F3Gu', 'is not a value'],
    ['Pda7F85F3Fx', 'is not a value'],
    ['Pda7F85F3Fu;', 'is not 2 type letters'],
    ['Pda7F85F3Fu,,10', 'empty metadata'],
  ])('refuses %j with BAD_PACKAGE (%s)', (line, why) => {
    let caught: unknown;
    try {
      decodePackage(line);
    } catch (e) {
      caught = e;
    }
    expect(isMethodScriptError(caught, 'BAD_PACKAGE')).toBe(true);
    expect((caught as Error).message).toContain(why);
  });

  it('refuses to encode what the format cannot carry', () => {
    expect(() => encodePackage({ variables: [] })).toThrow(expect.objectContaining({ code: 'BAD_NUMBER' }));
    expect(() => encodePackage({ variables: [{ type: 'ab', value: Number.POSITIVE_INFINITY }] })).toThrow(expect.objectContaining({ code: 'BAD_NUMBER' }));
    expect(() => encodePackage({ variables: [{ type: 'ab', value: 1, status: 16 }] })).toThrow(expect.objectContaining({ code: 'BAD_NUMBER' }));
  });

  it('answers any line with a package or a BAD_PACKAGE error, never another throw', () => {
    const line = fc.oneof(
      fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b).toString('latin1')),
      fc.uint8Array({ maxLength: 80 }).map((b) => `P${Buffer.from(b).toString('latin1')}`),
      fc.stringMatching(/^P([a-z]{2}[0-9A-F ]{7}[afpnumkMGTPEi x](,[0-9A-Fa-z]{0,3})*;?){1,4}$/),
    );
    fc.assert(
      fc.property(line, (text) => {
        try {
          const pkg = decodePackage(text);
          expect(pkg.variables.length).toBeGreaterThan(0);
        } catch (e) {
          expect(isMethodScriptError(e, 'BAD_PACKAGE')).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips encode then decode to the resolution of the finest prefix', () => {
    const variable = fc.record(
      {
        type: fc.stringMatching(/^[a-z]{2}$/),
        value: fc.oneof(fc.double({ min: -1e15, max: 1e15, noNaN: true, noDefaultInfinity: true }), fc.constant(Number.NaN)),
        status: fc.integer({ min: 0, max: 15 }),
        rangeIndex: fc.integer({ min: 0, max: 255 }),
      },
      { requiredKeys: ['type', 'value'] },
    );
    fc.assert(
      fc.property(fc.array(variable, { minLength: 1, maxLength: 6 }), (variables) => {
        const line = encodePackage({ variables });
        const decoded = decodePackage(line).variables;
        expect(decoded).toHaveLength(variables.length);
        variables.forEach((original, i) => {
          const back = decoded[i]!;
          expect(back.type).toBe(original.type);
          expect(back.status).toBe(original.status);
          expect(back.rangeIndex).toBe(original.rangeIndex);
          if (Number.isNaN(original.value)) expect(Number.isNaN(back.value)).toBe(true);
          else expect(Math.abs(back.value - original.value)).toBeLessThanOrEqual(Math.abs(original.value) * 5e-6 + 5e-19);
        });
        // Encoding what was decoded gives the same line: the codec is stable.
        expect(encodePackage({ variables: decoded })).toBe(line);
      }),
    );
  });

  it('gives the value a package carries, which a device variable holds: a condition and the package agree', () => {
    expect(packagedValue(4.0000003)).toBe(4);
    expect(packagedValue(4.0000006)).toBe(4.000001);
    expect(Number.isNaN(packagedValue(Number.NaN))).toBe(true);
    fc.assert(
      fc.property(fc.double({ min: -1e3, max: 1e3, noNaN: true }), (value) => {
        const [carried] = decodePackage(encodePackage({ variables: [{ type: 'ab', value }] })).variables;
        expect(packagedValue(value)).toBe(carried!.value);
      }),
    );
  });
});
