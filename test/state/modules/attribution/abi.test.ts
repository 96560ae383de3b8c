import { readFileSync } from 'node:fs';
import { Abi, AbiFunction } from 'ox';
import { describe, expect, it } from 'vitest';
import { attributionAbi } from '../../../../state/modules/attribution/abi.ts';

/** The structs, events and functions declared in IAttribution.sol, as single-line signatures. */
function solidityDeclarations(): string[] {
  const source = readFileSync(
    new URL('../../../../state/modules/attribution/IAttribution.sol', import.meta.url),
    'utf8',
  )
    .replace(/\/\/.*$/gm, '')
    .replace(/\s+/g, ' ');
  const body = source.slice(source.indexOf('{') + 1, source.lastIndexOf('}'));
  const declarations = body.match(/(struct \w+ \{[^}]*\}|(event|function) [^;]*;)/g) ?? [];
  return declarations.map((d) =>
    d
      .replace(/;$/, '')
      .replace(/\s*\(\s*/g, '(')
      .replace(/\s*\)/g, ')')
      .replace(/\s*,\s*/g, ', ')
      .replace(/ (calldata|memory)\b/g, '')
      .replace(/(\w+) (\w+) \}/, '$1 $2; }')
      .trim(),
  );
}

describe('attribution ABI', () => {
  it('is the interface IAttribution.sol declares', () => {
    const fromSolidity = Abi.from(solidityDeclarations());
    expect(Abi.format(attributionAbi)).toEqual(Abi.format(fromSolidity));
  });

  it('has distinct selectors', () => {
    const selectors = attributionAbi
      .filter((i) => i.type === 'function')
      .map((f) => AbiFunction.getSelector(f));
    expect(new Set(selectors).size).toBe(selectors.length);
  });
});
