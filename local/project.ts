/** Paths the local hub resolves against: the project root (handler entries in src/resources.ts are relative to it). */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where running hubs record their child processes (ignored by git). */
export const runtimeDirectory = join(projectRoot, '.hub-runtime');

/** The one address anything the hub starts may listen on. */
export const LOOPBACK = '127.0.0.1';
