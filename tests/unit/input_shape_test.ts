import assert from "node:assert/strict";
import fc from "fast-check";
import { InputShape, isInputShape, shapeOfBytes } from "../../src/score/input_shape.ts";

/** The shape rule written another way: by decoding the chunk as text. */
function reference(bytes: Uint8Array): number {
  if (bytes.length === 0) return InputShape.UNKNOWN;
  const text = new TextDecoder("latin1").decode(bytes);
  if (/[\r\n]$/.test(text)) return InputShape.ENTER;
  if (bytes.length === 1) return InputShape.SINGLE;
  if (text.startsWith("\x1b") && bytes.length <= 8) return InputShape.ESCAPE;
  if (bytes[0]! >= 0xc2 && bytes[0]! <= 0xf4 && bytes.length <= 4) return InputShape.UTF8;
  return InputShape.OTHER;
}

Deno.test("shape from first byte, last byte and length matches the reference for any chunk", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
      assert.equal(shapeOfBytes(bytes), reference(bytes));
    }),
    { numRuns: 2000 },
  );
});

Deno.test("what a terminal sends gets the shape a person's gesture has", () => {
  const encode = (s: string) => new TextEncoder().encode(s);
  assert.equal(shapeOfBytes(encode("a")), InputShape.SINGLE);
  assert.equal(shapeOfBytes(encode("\x7f")), InputShape.SINGLE);
  assert.equal(shapeOfBytes(encode("\x1b[A")), InputShape.ESCAPE);
  assert.equal(shapeOfBytes(encode("\x1b[15~")), InputShape.ESCAPE);
  assert.equal(shapeOfBytes(encode("é")), InputShape.UTF8);
  assert.equal(shapeOfBytes(encode("€")), InputShape.UTF8);
  assert.equal(shapeOfBytes(encode("\r")), InputShape.ENTER);
  assert.equal(shapeOfBytes(encode("ls -la\r")), InputShape.ENTER);
  assert.equal(shapeOfBytes(encode("\x1b[200~pasted\x1b[201~")), InputShape.OTHER);
  assert.equal(shapeOfBytes(encode("ab")), InputShape.OTHER);
});

Deno.test("isInputShape accepts 0–5 only", () => {
  for (const ok of [0, 1, 2, 3, 4, 5]) assert.ok(isInputShape(ok));
  for (const bad of [-1, 6, 1.5, "1", null, undefined]) assert.ok(!isInputShape(bad));
});
