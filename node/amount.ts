// OPEN amounts typed by people: "1000" is base units (wei), "1.5OPEN" or "1.5 OPEN" is whole OPEN
// with up to 18 decimals. Parsed as decimal strings, never through floating point.
export const OPEN = 10n ** 18n;

export function parseAmount(text: string): bigint {
  const m = /^\s*(\d+)(?:\.(\d+))?\s*(open|wei)?\s*$/i.exec(text);
  if (!m)
    throw new RangeError(`invalid amount ${JSON.stringify(text)}: expected e.g. 1000000 (wei) or 1.5OPEN`);
  const [, whole, fraction = '', unit = 'wei'] = m;
  if (unit.toLowerCase() === 'wei') {
    if (fraction)
      throw new RangeError(`invalid amount ${JSON.stringify(text)}: wei amounts are whole numbers`);
    return BigInt(whole!);
  }
  if (fraction.length > 18)
    throw new RangeError(`invalid amount ${JSON.stringify(text)}: OPEN has 18 decimals`);
  return BigInt(whole!) * OPEN + BigInt(fraction.padEnd(18, '0'));
}

export function formatOpen(amount: bigint): string {
  const whole = amount / OPEN;
  const fraction = (amount % OPEN).toString().padStart(18, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction} OPEN` : `${whole} OPEN`;
}
