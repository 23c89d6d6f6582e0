const encoder = new TextEncoder();

/** SHA-256 of a string as lowercase hex, through Web Crypto so it runs in browsers and Node alike. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', encoder.encode(text));
  let hex = '';
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
