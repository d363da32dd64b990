/** A read position over template source, shared by the template and expression parsers. */
import { compileFail } from '../errors.js';

export class Cursor {
  pos = 0;
  depth = 0;

  constructor(
    readonly src: string,
    readonly path: string,
    readonly maxDepth: number,
  ) {}

  peek(offset = 0): string {
    return this.src.charAt(this.pos + offset);
  }

  startsWith(text: string): boolean {
    return this.src.startsWith(text, this.pos);
  }

  eof(): boolean {
    return this.pos >= this.src.length;
  }

  skipSpaces(): void {
    while (this.pos < this.src.length && /\s/.test(this.src.charAt(this.pos))) this.pos++;
  }

  /** Consumes `text` (after optional spaces) or fails. */
  expect(text: string, what = `"${text}"`): void {
    this.skipSpaces();
    if (!this.startsWith(text)) this.error(`expected ${what}`);
    this.pos += text.length;
  }

  /** Reads an identifier `[A-Za-z_][A-Za-z0-9_]*`, or returns '' when none starts here. */
  identifier(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(this.pos, this.pos + 256));
    if (!m) return '';
    this.pos += m[0].length;
    return m[0];
  }

  /** Enters one nesting level (blocks, parentheses), failing past the limit. */
  enter(): void {
    if (++this.depth > this.maxDepth) this.error(`template nested deeper than ${this.maxDepth} levels`);
  }

  leave(): void {
    this.depth--;
  }

  error(message: string): never {
    compileFail(`template error at character ${this.pos + 1}: ${message}`, this.path);
  }
}

export function isIdentStart(ch: string): boolean {
  return /^[A-Za-z_]$/.test(ch);
}
