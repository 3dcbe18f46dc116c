// Plain-JS shim: worker threads cannot load TypeScript, so register tsx first, then the real entry.
import { register } from 'tsx/esm/api';

register();
await import('./node-worker.ts');
