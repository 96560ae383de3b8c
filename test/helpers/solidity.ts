// Reads a module's Solidity interface as single-line signatures that ox parses, so a test can hold
// the TypeScript ABI equal to the .sol file the users see.
import { readFileSync } from 'node:fs';

/** The structs, events and functions declared in the interface at `url`. */
export function solidityDeclarations(url: URL): string[] {
  const source = readFileSync(url, 'utf8')
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
