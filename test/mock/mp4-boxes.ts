/**
 * An independent ISO-BMFF top-level box walker for the tests, written from the spec rather
 * than from the simulator's generator, so that a shared misunderstanding cannot pass.
 */
export interface Box {
  type: string;
  offset: number;
  size: number;
}

/** The top-level boxes, or an error message when they do not tile the file exactly. */
export function walkBoxes(readAt: (offset: number, length: number) => Buffer, fileSize: number): Box[] | string {
  const boxes: Box[] = [];
  let offset = 0;
  while (offset < fileSize) {
    if (fileSize - offset < 8) return `${fileSize - offset} stray bytes at ${offset}`;
    const header = readAt(offset, Math.min(16, fileSize - offset));
    let size = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    if (!/^[a-z]{4}$/.test(type)) return `no box type at ${offset}`;
    if (size === 1) size = Number(header.readBigUInt64BE(8));
    else if (size === 0) size = fileSize - offset;
    if (size < 8 || offset + size > fileSize) return `box ${type} at ${offset} claims ${size} bytes`;
    boxes.push({ type, offset, size });
    offset += size;
  }
  return boxes;
}

export function walkBuffer(bytes: Buffer): Box[] | string {
  return walkBoxes((offset, length) => bytes.subarray(offset, offset + length), bytes.length);
}
