// Decodes the borders off the event loop (borders.ts loadBorders) and hands the arrays over.
import { parentPort } from 'node:worker_threads';
import { decodeBorders } from './borders-data.ts';

const d = decodeBorders();
const arrays = [d.partRings, d.ringLengths, d.coords, d.coastLengths, d.coastCoords];
parentPort!.postMessage(d, arrays.map((a) => a.buffer as ArrayBuffer));
