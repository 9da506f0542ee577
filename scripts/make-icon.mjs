// Draws media/icon.png (128×128): a lens over an outbound arrow. Re-run to regenerate:
//   node scripts/make-icon.mjs
// A tiny PNG encoder with node:zlib so the repo needs no image tooling.
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';

const N = 128;
const px = Buffer.alloc(N * N * 4);
const clamp = (v) => Math.max(0, Math.min(1, v));
// signed distance helpers
const roundedBox = (x, y, cx, cy, hw, hh, r) => {
  const qx = Math.abs(x - cx) - hw + r, qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const segment = (x, y, ax, ay, bx, by) => {
  const pax = x - ax, pay = y - ay, bax = bx - ax, bay = by - ay;
  const h = clamp((pax * bax + pay * bay) / (bax * bax + bay * bay));
  return Math.hypot(pax - bax * h, pay - bay * h);
};
const over = (dst, src, a) => dst.map((d, i) => d * (1 - a) + src[i] * a);

for (let y = 0; y < N; y++) {
  for (let x = 0; x < N; x++) {
    const fx = x + 0.5, fy = y + 0.5;
    let c = [0, 0, 0], alpha = 0;
    const bg = clamp(0.5 - roundedBox(fx, fy, 64, 64, 62, 62, 22));
    c = [22, 37, 66]; alpha = bg;
    // arrow: shaft from lower-left to upper-right, with a head
    const shaft = segment(fx, fy, 40, 88, 92, 36) - 6;
    const head1 = segment(fx, fy, 92, 36, 66, 36) - 6;
    const head2 = segment(fx, fy, 92, 36, 92, 62) - 6;
    const arrow = clamp(0.5 - Math.min(shaft, head1, head2));
    c = over(c, [255, 153, 0], arrow);
    // lens ring centred lower-left
    const ring = clamp(0.5 - (Math.abs(Math.hypot(fx - 50, fy - 78) - 24) - 5));
    const glass = clamp(0.5 - (Math.hypot(fx - 50, fy - 78) - 19)) * 0.35;
    c = over(c, [120, 200, 255], glass);
    c = over(c, [235, 242, 250], ring);
    const handle = clamp(0.5 - (segment(fx, fy, 33, 95, 18, 110) - 6));
    c = over(c, [235, 242, 250], handle);
    alpha = Math.max(alpha, ring, handle);
    const i = (y * N + x) * 4;
    px[i] = c[0]; px[i + 1] = c[1]; px[i + 2] = c[2]; px[i + 3] = Math.round(alpha * 255);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0); ihdr.writeUInt32BE(N, 4); ihdr[8] = 8; ihdr[9] = 6;
const raw = Buffer.alloc(N * (N * 4 + 1));
for (let y = 0; y < N; y++) px.copy(raw, y * (N * 4 + 1) + 1, y * N * 4, (y + 1) * N * 4);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('../media/icon.png', import.meta.url), png);
console.log(`media/icon.png ${png.length} bytes`);
