/**
 * public/models/index.json: the list of models the app can load from its own
 * origin, with the size and sha256 of every file (for progress and integrity).
 */
import { readFile, writeFile } from 'node:fs/promises';

export interface ModelFileEntry {
  /** Path relative to the model folder, e.g. "onnx/vision_encoder.onnx". */
  path: string;
  size: number;
  sha256: string;
}

export interface ModelIndexEntry {
  id: string;
  name: string;
  family: 'smolvlm' | 'fastvlm' | 'florence2';
  contextLength: number;
  files: ModelFileEntry[];
}

export interface ModelIndex {
  models: ModelIndexEntry[];
}

function isModelIndex(value: unknown): value is ModelIndex {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { models?: unknown }).models)
  );
}

/** Replaces (or appends) the entry with the same id, keeping other models and their order. */
export async function updateModelIndex(indexPath: string, entry: ModelIndexEntry): Promise<void> {
  let index: ModelIndex = { models: [] };
  try {
    const parsed: unknown = JSON.parse(await readFile(indexPath, 'utf8'));
    if (isModelIndex(parsed)) index = parsed;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const position = index.models.findIndex((m) => m.id === entry.id);
  if (position >= 0) index.models[position] = entry;
  else index.models.push(entry);
  await writeFile(indexPath, `${JSON.stringify(index, null, 2)}\n`);
}
